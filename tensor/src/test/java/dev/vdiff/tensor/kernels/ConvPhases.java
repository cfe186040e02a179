package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * Where the time of {@code conv2d_fwd_bwd} goes (not a test): conv 3x3, 64 -> 64, pad 1, bias, x [16, 64, 32, 32],
 * each kernel phase alone on preallocated arrays and the whole op through the autodiff engine, interleaved
 * round by round in one JVM.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.kernels.ConvPhases [threads] [rounds]
 * </pre>
 */
public final class ConvPhases {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int n = 16, c = 64, o = 64, h = 32, w = 32;
        ConvGeometry g = new ConvGeometry(n, c, 1, h, w, o, 1, 3, 3, 1, 1, 1, 0, 1, 1);
        Rng rng = Rng.seed(1);
        Tensor xt = rng.normal(DType.FLOAT32, n, c, h, w).requiresGrad(true);
        Tensor wt = rng.uniform(-0.04, 0.04, DType.FLOAT32, o, c, 3, 3).requiresGrad(true);
        Tensor bt = rng.uniform(-0.04, 0.04, DType.FLOAT32, o).requiresGrad(true);
        Tensor gout = rng.normal(DType.FLOAT32, n, o, h, w);
        float[] x = xt.floats(), wts = wt.floats(), b = bt.floats(), dy = gout.floats();
        float[] out = new float[n * o * h * w], dx = new float[x.length], dw = new float[wts.length], db = new float[o];
        float[] xT = new float[x.length];
        String[] names = {"forward (padded grid)", "input grad (padded grid)", "weight grad (im2col product)", "  its x transpose",
            "bias grad", "whole op fwd+bwd (autograd)"};
        Runnable[] phases = {
            () -> Conv.forward(g, x, wts, b, out),
            () -> Conv.inputGrad(g, dy, wts, dx),
            () -> Conv.weightGrad(g, x, dy, dw),
            () -> Parallel.forRange(n, 1, (lo, hi) -> { for (int i = lo; i < hi; i++) Conv.transpose(x, i * c * h * w, c, h * w, xT); }),
            () -> Conv.biasGrad(g, dy, db),
            () -> {
                Convolution.conv2d(xt, wt, bt, new int[] {1, 1}, new int[] {1, 1}).backward(gout);
                xt.zeroGrad();
                wt.zeroGrad();
                bt.zeroGrad();
            },
        };
        Parallel.withThreads(threads, () -> {
            double[][] t = new double[phases.length][rounds];
            for (int warm = 0; warm < 20; warm++) for (Runnable p : phases) p.run();
            for (int q = 0; q < rounds; q++) {
                for (int p = 0; p < phases.length; p++) t[p][q] = best(phases[p]);
            }
            double flop = 2.0 * n * o * h * w * c * 9;
            System.out.printf("conv2d 3x3 64->64 on [16,64,32,32], %d threads, java %s (best of %d rounds of 3 calls; median in brackets)%n",
                threads, System.getProperty("java.version"), rounds);
            for (int p = 0; p < phases.length; p++) {
                Arrays.sort(t[p]);
                boolean product = p <= 2;
                System.out.printf("  %-30s %8.3f ms  (%8.3f)%s%n", names[p], t[p][0] * 1e3, t[p][rounds / 2] * 1e3,
                    product ? String.format("  %.1f GFLOP/s", flop / t[p][0] * 1e-9) : "");
            }
            return null;
        });
    }

    private static double best(Runnable f) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            f.run();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        return best;
    }
}
