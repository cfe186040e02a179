package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * CPU time of the stride-1 convolution's padded-grid products (not a test): forward and input gradient of the
 * benchmark model's 3x3 convolutions, 16 x 64 -> 64 at 32 x 32 and 16 x 128 -> 128 at 16 x 16, on one thread,
 * timed by the thread's CPU clock (a loaded machine disturbs it far less than wall time). Run the old and the
 * new classes in alternating processes and compare.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.kernels.ConvGridTiming [rounds]
 * </pre>
 */
public final class ConvGridTiming {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        MicroKernel.warmUp();
        int[][] shapes = {{16, 64, 32}, {16, 128, 16}};   // images, channels (in = out), height = width
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Parallel.withThreads(1, () -> {
            for (int[] s : shapes) {
                int n = s[0], c = s[1], hw = s[2];
                ConvGeometry g = new ConvGeometry(n, c, 1, hw, hw, c, 1, 3, 3, 1, 1, 1, 0, 1, 1);
                SplittableRandom r = new SplittableRandom(3);
                float[] x = new float[n * c * hw * hw], w = new float[c * c * 9], b = new float[c], y = new float[x.length], dx = new float[x.length];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.05);
                double[] fwd = new double[rounds], bwd = new double[rounds];
                for (int warm = 0; warm < 3; warm++) { Conv.forward(g, x, w, b, y); Conv.inputGrad(g, x, w, dx); }
                for (int q = 0; q < rounds; q++) {
                    long t0 = bean.getCurrentThreadCpuTime();
                    Conv.forward(g, x, w, b, y);
                    long t1 = bean.getCurrentThreadCpuTime();
                    Conv.inputGrad(g, x, w, dx);
                    long t2 = bean.getCurrentThreadCpuTime();
                    fwd[q] = (t1 - t0) * 1e-6;
                    bwd[q] = (t2 - t1) * 1e-6;
                }
                Arrays.sort(fwd);
                Arrays.sort(bwd);
                double flop = 2.0 * n * c * c * 9 * hw * hw;
                System.out.printf("%dx%d->%d @%d^2  forward %.2f ms (median %.2f, %.0f GFLOP/s)  input grad %.2f ms (median %.2f)%n",
                    n, c, c, hw, fwd[0], fwd[rounds / 2], flop / fwd[0] * 1e-6, bwd[0], bwd[rounds / 2]);
            }
            return null;
        });
    }
}
