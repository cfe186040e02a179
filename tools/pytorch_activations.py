#!/usr/bin/env python3
"""Activation memory of PyTorch's training step for the benchmark model (docs/bench/tiny_video_unet.md), to compare with
`vdiff bench --memory`.

"Activations" = the tensors autograd saves for the backward pass of one `loss = mse(model(x, t, y), target)`,
counted once per storage (views of one buffer share it) and without the parameters (saved weights are not
activations: they exist anyway). Uses torch.autograd.graph.saved_tensors_hooks (PyTorch >= 1.10).

    /usr/bin/python3 tools/pytorch_activations.py --baseline ../shared/bench/pytorch_baseline.py [--json FILE]
"""
import argparse
import importlib.util
import json
import sys

import torch
import torch.nn.functional as F


def load_baseline(path):
    spec = importlib.util.spec_from_file_location("pytorch_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["pytorch_baseline"] = mod
    spec.loader.exec_module(mod)
    return mod


def storage_key(t):
    s = t.storage()
    return (s.data_ptr(), s.nbytes()) if hasattr(s, "nbytes") else (s.data_ptr(), s.size() * t.element_size())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--baseline", default="../shared/bench/pytorch_baseline.py")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json")
    a = p.parse_args()
    bl = load_baseline(a.baseline)
    torch.manual_seed(a.seed)
    model = bl.TinyVideoUNet()
    model.train()
    x, t, y, target = bl.make_unet_inputs(a.seed)
    params = {storage_key(q) for q in model.parameters()}
    seen = {}
    n_saved = [0]

    def pack(tensor):
        n_saved[0] += 1
        k = storage_key(tensor)
        if k not in params:
            seen[k] = k[1]
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        loss = F.mse_loss(model(x, t, y), target)
    act = sum(seen.values())
    loss.backward()
    out = {"implementation": "pytorch-" + torch.__version__, "saved_tensors": n_saved[0], "unique_storages": len(seen),
           "activation_mib": act / 2 ** 20,
           "input_mib": x.numel() * x.element_size() / 2 ** 20,
           "parameter_mib": sum(q.numel() * q.element_size() for q in model.parameters()) / 2 ** 20}
    print(json.dumps(out, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
