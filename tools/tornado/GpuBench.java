// GpuBench — the benchmark workloads of shared/bench (tiny_video_unet.md) on one vdiff backend, for the
// GPU trip (tools/tornado/gpu-run.sh), where the vdiff CLI and its JavaCV natives do not fit in the carry.
// The workloads and inputs are those of reference/bench (ModelWorkloads, MicroWorkloads); compiled by
// tools/tornado/pack-gpu.sh against tensor, diffusion and tornado classes (javac -g).
//
//   java [@tornado-argfile] -cp ... GpuBench <jvm|tornado> <threads> <reps> <workload,...>
//
// Prints one line per workload: key, median ms, min ms, GFLOP/s (spec FLOP counts), and the first train
// loss (so two backends' steps can be compared).
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

public final class GpuBench {
    static final long FORWARD_FLOP = 28_421_586_944L;
    static final int B = 2, F = 8, C = 4, H = 32, W = 32;

    public static void main(String[] args) {
        Device device = Device.named(args[0]);
        Parallel.setThreads(Integer.parseInt(args[1]));
        int reps = Integer.parseInt(args[2]);
        System.out.println("backend " + device.name() + ": " + device.kernels().description() + ", threads " + Parallel.threads());
        for (String key : args[3].split(",")) {
            double[] loss = {Double.NaN};
            Runnable fn;
            long flop;
            switch (key) {
                case "unet_train_step": {
                    Rng rng = Rng.seed(0);
                    VideoUNet model = new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, rng.split(0));
                    for (Tensor p : model.parameters()) p.moveTo(device);
                    Rng data = rng.split(1);
                    Tensor x = data.normal(DType.FLOAT32, B, F, C, H, W), t = data.randint(0, 1000, B), y = data.randint(0, 11, B);
                    Tensor target = data.normal(DType.FLOAT32, B, F, C, H, W);
                    AdamW opt = new AdamW(model.namedParameters(), 1e-4);
                    fn = () -> {
                        opt.zeroGrad();
                        Tensor l = Losses.mse(model.forward(x, t, y), target);
                        l.backward();
                        opt.step();
                        if (Double.isNaN(loss[0])) loss[0] = l.item();
                    };
                    flop = 3 * FORWARD_FLOP;
                    break;
                }
                case "unet_forward": {
                    Rng rng = Rng.seed(0);
                    VideoUNet model = new VideoUNet(VideoUNetConfig.benchmark(), DType.FLOAT32, rng.split(0));
                    for (Tensor p : model.parameters()) p.moveTo(device);
                    Rng data = rng.split(1);
                    Tensor x = data.normal(DType.FLOAT32, B, F, C, H, W), t = data.randint(0, 1000, B), y = data.randint(0, 11, B);
                    fn = () -> {
                        try (var s = Autograd.noGrad()) {
                            model.forward(x, t, y);
                        }
                    };
                    flop = FORWARD_FLOP;
                    break;
                }
                case "matmul_1024":
                case "matmul_4096": {
                    int n = Integer.parseInt(key.substring(7));
                    Rng rng = Rng.seed(0);
                    Tensor a = rng.normal(DType.FLOAT32, n, n).moveTo(device), b = rng.normal(DType.FLOAT32, n, n).moveTo(device);
                    fn = () -> LinearAlgebra.matmul(a, b);
                    flop = 2L * n * n * n;
                    break;
                }
                case "conv2d_fwd_bwd": {
                    Rng rng = Rng.seed(0);
                    Tensor x = rng.normal(DType.FLOAT32, 16, 64, 32, 32).requiresGrad(true).moveTo(device);
                    Tensor w = rng.uniform(-0.04, 0.04, DType.FLOAT32, 64, 64, 3, 3).requiresGrad(true);
                    Tensor b = rng.uniform(-0.04, 0.04, DType.FLOAT32, 64).requiresGrad(true);
                    Tensor g = rng.normal(DType.FLOAT32, 16, 64, 32, 32);
                    fn = () -> {
                        x.zeroGrad(); w.zeroGrad(); b.zeroGrad();
                        Convolution.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}).backward(g);
                    };
                    flop = 3L * 2 * 16 * 64 * 32 * 32 * 64 * 9;
                    break;
                }
                case "groupnorm_fwd_bwd": {
                    Rng rng = Rng.seed(0);
                    Tensor x = rng.normal(DType.FLOAT32, 16, 128, 16, 16).requiresGrad(true).moveTo(device);
                    Tensor w = Tensor.ones(DType.FLOAT32, 128).requiresGrad(true), b = Tensor.zeros(DType.FLOAT32, 128).requiresGrad(true);
                    Tensor g = rng.normal(DType.FLOAT32, 16, 128, 16, 16);
                    fn = () -> {
                        x.zeroGrad(); w.zeroGrad(); b.zeroGrad();
                        Normalization.groupNorm(x, 32, w, b, 1e-5).backward(g);
                    };
                    flop = 0;
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown workload " + key);
            }
            fn.run();   // warm-up: compiles the kernels, fills caches
            double[] ms = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                fn.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double med = ms[reps / 2];
            System.out.printf("%-20s backend=%-8s median_ms=%10.2f min_ms=%10.2f gflops=%8.1f loss0=%s%n",
                key, device.name(), med, ms[0], flop == 0 ? 0 : flop / med / 1e6, Double.isNaN(loss[0]) ? "-" : String.format("%.6f", loss[0]));
        }
    }
}
