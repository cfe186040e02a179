#!/usr/bin/env python3
"""Side-by-side table of two per-op step profiles: PyTorch's (pytorch_step_profile.py) and vdiff's
(`vdiff bench --profile-ops N --json F`). Keys are summed into op kinds per phase (forward, backward, optimizer);
ratio = PyTorch ms / vdiff ms (above 1: vdiff is faster). Convolutions are also listed per shape.

    /usr/bin/python3 tools/profile/side_by_side.py PT.json VDIFF.json [--markdown]
"""
import argparse
import json
import re

COPIES = {"contiguous", "reshape", "permute", "transpose", "narrow", "expand", "unsqueeze", "squeeze", "cat", "view",
          "_unsafe_view", "_reshape_alias", "t", "clone", "copy_", "slice", "slice_backward", "split", "split_with_sizes",
          "unbind", "select", "select_backward", "as_strided", "new_zeros", "zeros", "zero_", "empty", "fill_", "chunk",
          "pad_narrowed", "upsample_nearest2d", "upsample_nearest2d_backward", "stack", "squeeze_", "unsqueeze_"}
ELEMENTWISE = {"add", "add_", "sub", "mul", "mul_", "div", "neg", "pow", "sqrt", "clamp", "sum", "sum_to", "mean",
               "mul_scalar", "add_scalar", "rsub", "sub_", "div_"}
LINEAR = {"linear", "matmul", "mm", "addmm", "bmm_linear"}
ATTENTION = {"multi_head_attention", "scaled_dot_product_attention", "bmm", "_softmax", "_softmax_backward_data"}
ACTIVATION = {"silu", "silu_backward", "sigmoid", "leaky_relu"}
NORM = {"group_norm", "native_group_norm", "native_group_norm_backward"}
LOSS = {"mse", "mse_loss", "mse_loss_backward"}
EMBEDDING = {"embedding", "embedding_dense_backward", "cos", "sin", "exp", "arange", "lift_fresh", "_to_copy"}
ENGINE = {"engine", "glue", "leaf_grad", "detach", "ones_like"}


def kind(key, impl):
    k = re.sub(r"\[[^]]*]|\(copy\)", "", key)
    phase, _, op = k.partition(".")
    if phase in ("opt", "other"):
        return "optimizer (AdamW step, zero_grad)" if phase == "opt" else "engine/framework"
    base, _, part = op.partition(".")
    if base in ("conv2d", "conv3d"):
        if phase == "fwd":
            return "fwd conv"
        if part in ("weight_grad", "bias_grad"):
            return "bwd conv weight+bias grad"
        if part == "input_grad":
            return "bwd conv input grad"
        return "bwd conv (zero-filled grads, rest)"
    if phase == "bwd" and base == "accumulate":
        return "bwd gradient accumulation"
    if phase == "bwd" and impl == "pytorch" and base in ("add", "add_"):
        return "bwd gradient accumulation"
    for name, group in (("linear (GEMM)", LINEAR), ("attention core", ATTENTION), ("group norm", NORM),
                        ("SiLU", ACTIVATION), ("elementwise/reduce", ELEMENTWISE), ("copies/views/cat/upsample", COPIES),
                        ("loss", LOSS), ("embeddings", EMBEDDING), ("engine/framework", ENGINE)):
        if base in group:
            return name if name == "engine/framework" else phase + " " + name
    return phase + " other"


def group(doc):
    out = {}
    impl = doc["implementation"]
    for key, v in doc["keys_ms"].items():
        kd = kind(key, impl)
        e = out.setdefault(kd, [0.0, 0])
        e[0] += v["ms"]
        e[1] += v["calls"]
    return out


def conv_rows(doc):
    rows = {}
    for key, v in doc["keys_ms"].items():
        m = re.match(r"(fwd|bwd)\.conv2d(\[[^]]*])(?:\.(\w+))?", key)
        if not m:
            continue
        phase, shape, part = m.groups()
        col = "fwd" if phase == "fwd" else ("input" if part == "input_grad" else "weight" if part in ("weight_grad", "bias_grad") else None)
        if col:
            rows.setdefault(shape, {}).setdefault(col, 0.0)
            rows[shape][col] += v["ms"]
    return rows


def fmt_ratio(pt, vd):
    return "%.2fx" % (pt / vd) if vd > 0.05 and pt > 0.05 else "-"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pytorch")
    p.add_argument("vdiff")
    a = p.parse_args()
    pt, vd = json.load(open(a.pytorch)), json.load(open(a.vdiff))
    gp, gv = group(pt), group(vd)
    order = sorted(set(gp) | set(gv), key=lambda k: ({"fwd": 0, "bwd": 1}.get(k.split(" ")[0], 2), -max(gp.get(k, [0])[0], gv.get(k, [0])[0])))
    print("| op kind | PyTorch ms/step (calls) | vdiff ms/step (calls) | vdiff - PyTorch ms | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    tot = {}
    for k in order:
        a_, b_ = gp.get(k, [0.0, 0]), gv.get(k, [0.0, 0])
        ph = k.split(" ")[0] if k.split(" ")[0] in ("fwd", "bwd") else "other"
        t = tot.setdefault(ph, [0.0, 0.0])
        t[0] += a_[0]
        t[1] += b_[0]
        print("| %s | %.1f (%d) | %.1f (%d) | %+.1f | %s |" % (k, a_[0], a_[1], b_[0], b_[1], b_[0] - a_[0], fmt_ratio(a_[0], b_[0])))
    for ph, (x, y) in tot.items():
        print("| **%s total** | **%.1f** | **%.1f** | %+.1f | %s |" % ({"fwd": "forward", "bwd": "backward", "other": "optimizer + engine"}[ph], x, y, y - x, fmt_ratio(x, y)))
    sp, sv = sum(v[0] for v in gp.values()), sum(v[0] for v in gv.values())
    print("| **step (sum of kinds)** | **%.1f** | **%.1f** | %+.1f | %s |" % (sp, sv, sv - sp, fmt_ratio(sp, sv)))
    print()
    print("| convolution (N x C->O kernel stride @ input) | fwd PyTorch / vdiff ms | input grad PyTorch / vdiff | weight+bias grad PyTorch / vdiff |")
    print("| --- | ---: | ---: | ---: |")
    cp, cv = conv_rows(pt), conv_rows(vd)
    for shape in sorted(set(cp) | set(cv), key=lambda s: -sum(cv.get(s, {}).values())):
        cells = []
        for col in ("fwd", "input", "weight"):
            x, y = cp.get(shape, {}).get(col, 0.0), cv.get(shape, {}).get(col, 0.0)
            cells.append("%.1f / %.1f (%s)" % (x, y, fmt_ratio(x, y)) if x or y else "-")
        print("| %s | %s |" % (shape.strip("[]"), " | ".join(cells)))


if __name__ == "__main__":
    main()
