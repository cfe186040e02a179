#!/usr/bin/env python3
"""The GpuBench workloads in PyTorch eager on CUDA, for the same GPU trip (tools/tornado/gpu-run.sh).

The model and inputs come from shared/bench/pytorch_baseline.py (tiny_video_unet.md), which the bundle
carries next to this file. float32 throughout; TF32 is switched off so that the GEMM figures are true
float32 like vdiff's (a line with TF32 on is printed for reference).

    python3 torch_cuda_bench.py <reps> <workload,...>
"""
import sys
import time

import torch
import torch.nn.functional as F

import pytorch_baseline as pb


def timed(fn, reps):
    fn()  # warm-up (cuDNN autotuning, allocator)
    torch.cuda.synchronize()
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    return ms[len(ms) // 2], ms[0]


def main():
    reps = int(sys.argv[1])
    wanted = sys.argv[2].split(",")
    dev = torch.device("cuda")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}, tf32 off")
    for key in wanted:
        flop, loss0 = 0, None
        if key in ("unet_train_step", "unet_forward"):
            torch.manual_seed(0)
            model = pb.TinyVideoUNet().to(dev)
            x, t, y, target = (v.to(dev) for v in pb.make_unet_inputs(0))
            if key == "unet_train_step":
                opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
                losses = []

                def fn():
                    opt.zero_grad(set_to_none=True)
                    loss = F.mse_loss(model(x, t, y), target)
                    loss.backward()
                    opt.step()
                    losses.append(loss)
                flop = 3 * pb.EXPECTED_FORWARD_FLOP
            else:
                def fn():
                    with torch.no_grad():
                        model(x, t, y)
                flop = pb.EXPECTED_FORWARD_FLOP
        elif key.startswith("matmul_"):
            n = int(key[7:])
            a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)

            def fn():
                torch.mm(a, b)
            flop = 2 * n ** 3
        elif key == "conv2d_fwd_bwd":
            x = torch.randn(16, 64, 32, 32, device=dev, requires_grad=True)
            w = (torch.rand(64, 64, 3, 3, device=dev) * 0.08 - 0.04).requires_grad_()
            b = (torch.rand(64, device=dev) * 0.08 - 0.04).requires_grad_()
            g = torch.randn(16, 64, 32, 32, device=dev)

            def fn():
                torch.autograd.grad(F.conv2d(x, w, b, padding=1), (x, w, b), g)
            flop = 3 * 2 * 16 * 64 * 32 * 32 * 64 * 9
        elif key == "groupnorm_fwd_bwd":
            x = torch.randn(16, 128, 16, 16, device=dev, requires_grad=True)
            w = torch.ones(128, device=dev, requires_grad=True)
            b = torch.zeros(128, device=dev, requires_grad=True)
            g = torch.randn(16, 128, 16, 16, device=dev)

            def fn():
                torch.autograd.grad(F.group_norm(x, 32, w, b, 1e-5), (x, w, b), g)
        else:
            raise SystemExit(f"unknown workload {key}")
        med, lo = timed(fn, reps)
        if key == "unet_train_step":
            loss0 = float(losses[0])
        gf = flop / med / 1e6 if flop else 0.0
        print(f"{key:20s} backend=torch-cuda median_ms={med:10.2f} min_ms={lo:10.2f} gflops={gf:8.1f} loss0={loss0 if loss0 is not None else '-'}")
    torch.backends.cuda.matmul.allow_tf32 = True
    a, b = torch.randn(4096, 4096, device=dev), torch.randn(4096, 4096, device=dev)
    med, _ = timed(lambda: torch.mm(a, b), reps)
    print(f"{'matmul_4096_tf32':20s} backend=torch-cuda median_ms={med:10.2f} gflops={2 * 4096 ** 3 / med / 1e6:8.1f} (reference only)")


if __name__ == "__main__":
    main()
