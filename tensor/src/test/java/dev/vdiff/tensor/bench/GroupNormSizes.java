package dev.vdiff.tensor.bench;

import dev.vdiff.tensor.kernels.GroupNormKernels;
import dev.vdiff.tensor.parallel.Parallel;

/**
 * GroupNorm kernels per element when the arrays fit in L2 (N = 1: 128 KiB each) and when they do not (N = 16, the
 * benchmark: 2 MiB each), 1 thread, best of 40 rounds (not a test). Equal times mean the kernels are bound by their
 * instructions, not by memory traffic (docs/PERFORMANCE.md, "gn8, session 8").
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.bench.GroupNormSizes
 * </pre>
 */
public final class GroupNormSizes {
    public static void main(String[] a) {
        Parallel.withThreads(1, () -> {
            for (int n : new int[] {1, 16, 1, 16, 1, 16}) {
                int c = 128, l = 256, groups = 32, numel = n * c * l;
                java.util.SplittableRandom r = new java.util.SplittableRandom(1);
                float[] x = new float[numel], g = new float[numel], w = new float[c], b = new float[c], out = new float[numel], dx = new float[numel];
                for (int i = 0; i < numel; i++) { x[i] = (float) r.nextGaussian(); g[i] = (float) r.nextGaussian(); }
                java.util.Arrays.fill(w, 1f);
                double[] mean = new double[n * groups], rstd = new double[n * groups], dw = new double[n * c], db = new double[n * c];
                int reps = 16 * 20 / n;
                double bf = 1e9, bb = 1e9;
                for (int round = 0; round < 40; round++) {
                    long t0 = System.nanoTime();
                    for (int k = 0; k < reps; k++) GroupNormKernels.forward(x, w, b, out, mean, rstd, n, c, l, groups, 1e-5);
                    long t1 = System.nanoTime();
                    for (int k = 0; k < reps; k++) GroupNormKernels.backward(x, w, g, mean, rstd, dx, dw, db, n, c, l, groups);
                    long t2 = System.nanoTime();
                    bf = Math.min(bf, (t1 - t0) / (double) reps / numel);
                    bb = Math.min(bb, (t2 - t1) / (double) reps / numel);
                }
                System.out.printf("n=%2d (%4d KiB per array): forward %.3f ns/elem (%.3f ms at n=16), backward %.3f ns/elem (%.3f ms at n=16)%n", n, numel * 4 / 1024, bf, bf * 524288 * 1e-6, bb, bb * 524288 * 1e-6);
            }
            return null;
        });
    }
}
