#!/usr/bin/env python3
"""Per-op CPU time of PyTorch's training step for the benchmark model, beside `vdiff bench --profile-ops`.

The step is pytorch_baseline.py's unet_train_step (zero_grad(set_to_none), forward, MSE loss, backward, AdamW).
Every ATen call below autograd is timed by a TorchDispatchMode (torch.utils._python_dispatch, PyTorch 1.13) with
the calling thread's CPU clock (time.thread_time_ns), so a machine shared with other work distorts it little; with
--threads above 1 the clock is the process's CPU time (all threads; OpenMP's spinning waits included). Keys
follow vdiff's (fwd.<op>, bwd.<op>, opt.step, convolutions per shape and, in the backward, split into input,
weight and bias gradients: convolution_backward is called once per gradient with its output mask, the same
kernels oneDNN runs for the combined call). Profiled steps alternate with plain ones (no mode); their CPU time
minus the sum of the ops is the framework's own time (autograd engine, Python, dispatch): key "bwd.engine" here.

    /usr/bin/python3 tools/profile/pytorch_step_profile.py --baseline ../shared/bench/pytorch_baseline.py \
        --threads 1 --steps 5 --json target/prof-pt-t1.json
    /usr/bin/python3 tools/profile/side_by_side.py target/prof-pt-t1.json target/prof-vd-t1.json
"""
import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time


def load_baseline(path):
    spec = importlib.util.spec_from_file_location("pytorch_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["pytorch_baseline"] = mod
    spec.loader.exec_module(mod)
    return mod


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "bench", "pytorch_baseline.py"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=5, help="profiled steps (as many plain ones interleaved)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None)
    a = p.parse_args()

    pb = load_baseline(a.baseline)   # sets the OpenMP/OpenBLAS environment (for its default of 2 threads) before torch loads
    import torch
    import torch.nn.functional as F
    from torch.utils._python_dispatch import TorchDispatchMode
    torch.set_num_threads(a.threads)
    pb.set_blas_threads(1)   # as the baseline: OpenBLAS single-threaded inside the model
    clock = time.thread_time_ns if a.threads == 1 else time.process_time_ns
    aten = torch.ops.aten

    torch.manual_seed(a.seed)
    model = pb.TinyVideoUNet()
    x, t, y, target = pb.make_unet_inputs(a.seed)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def conv_key(inp, weight, stride):
        n, c, h, w = inp.shape
        o, _, kh, kw = weight.shape
        return "conv2d[%dx%d->%d k%dx%d s%d %dx%d]" % (n, c, o, kh, kw, stride[0], h, w)

    class Profile(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.phase = "fwd"
            self.table = {}

        def add(self, key, ns):
            e = self.table.setdefault(key, [0, 0])
            e[0] += ns
            e[1] += 1

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func is aten.convolution_backward.default and self.phase == "bwd":
                go, inp, w, bias_sizes, stride, padding, dilation, transposed, out_pad, groups, mask = args
                key = "bwd." + conv_key(inp, w, stride)
                outs = [None, None, None]
                # the weight and bias gradients in one call, as oneDNN computes them together (asking for the bias
                # alone still runs the weight kernel); vdiff's table sums its two keys for the comparison
                for part, m in (("input_grad", [mask[0], False, False]), ("weight_grad", [False, mask[1], mask[2]])):
                    if not any(m):
                        continue
                    t0 = clock()
                    r = func(go, inp, w, bias_sizes, stride, padding, dilation, transposed, out_pad, groups, m)
                    self.add(key + "." + part, clock() - t0)
                    for i in range(3):
                        if m[i]:
                            outs[i] = r[i]
                return tuple(outs)
            t0 = clock()
            r = func(*args, **kwargs)
            dt = clock() - t0
            name = func.overloadpacket.__name__
            if func is aten.convolution.default:
                name = conv_key(args[0], args[1], args[3])
            elif name == "bmm" and any(d in (pb.CH1, 3 * pb.CH1) for tt in args[:2] for d in tt.shape[1:]):
                # a Linear on a strided 3-D input (the spatial blocks' transposed tokens) runs as bmm: its matrices
                # have a channel axis (128 or 384); the attention core's have only tokens and the head size 32
                name = "bmm_linear"

            self.add(self.phase + "." + name, dt)
            return r

    def step(prof):
        opt.zero_grad(set_to_none=True)
        out = model(x, t, y)
        loss = F.mse_loss(out, target)
        if prof is not None:
            prof.phase = "bwd"
        loss.backward()
        if prof is not None:
            prof.phase = "opt"
        opt.step()
        return loss.item()

    for _ in range(2):
        step(None)
    plain, profiled, tables = [], [], []
    for i in range(a.steps):
        c0 = clock()
        step(None)
        plain.append((clock() - c0) / 1e6)
        prof = Profile()
        c0 = clock()
        with prof:
            step(prof)
        profiled.append((clock() - c0) / 1e6)
        tables.append(prof.table)
        print("step pair %d/%d: plain %.0f ms CPU, profiled %.0f ms CPU" % (i + 1, a.steps, plain[-1], profiled[-1]), flush=True)

    keys = []
    for tb in tables:
        for k in tb:
            if k not in keys:
                keys.append(k)
    keys_ms = {}
    for k in keys:
        keys_ms[k] = {"ms": round(statistics.median([tb.get(k, [0, 0])[0] / 1e6 for tb in tables]), 3),
                      "calls": max(tb.get(k, [0, 0])[1] for tb in tables)}
    # The optimizer's ATen calls are one key (vdiff times its step as one), the rest is the framework's own time.
    opt_ms = sum(v["ms"] for k, v in keys_ms.items() if k.startswith("opt."))
    opt_calls = sum(v["calls"] for k, v in keys_ms.items() if k.startswith("opt."))
    keys_ms = {k: v for k, v in keys_ms.items() if not k.startswith("opt.")}
    keys_ms["opt.step"] = {"ms": round(opt_ms, 3), "calls": opt_calls}
    ops_sum = sum(v["ms"] for v in keys_ms.values())
    keys_ms["bwd.engine"] = {"ms": round(max(0.0, statistics.median(plain) - ops_sum), 3), "calls": 0}
    print("step CPU ms: plain median %.1f, profiled median %.1f; ATen calls sum %.1f" % (statistics.median(plain), statistics.median(profiled), ops_sum))
    doc = {"implementation": "pytorch", "what": "unet_train_step per-op CPU time (tools/profile/pytorch_step_profile.py)",
           "threads": a.threads, "steps": a.steps, "torch": torch.__version__, "cpu_model": cpu_model(),
           "loadavg_end": list(os.getloadavg()), "clock": "thread CPU" if a.threads == 1 else "process CPU",
           "step_cpu_ms_plain": plain, "step_cpu_ms_profiled": profiled, "keys_ms": keys_ms}
    if a.json:
        tmp = a.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=1)
        os.replace(tmp, a.json)
        print("wrote", a.json)
    for k, v in sorted(keys_ms.items(), key=lambda kv: -kv[1]["ms"]):
        if v["ms"] >= 0.5:
            print("%-60s %9.2f %6d" % (k, v["ms"], v["calls"]))


if __name__ == "__main__":
    main()
