package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.Parallel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A timing harness, not a test: {@code java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes
 * dev.vdiff.tensor.kernels.GemmBench [threads...]}. Prints best and median ms and GFLOP/s of square sgemm
 * (C = A.B, C preallocated, as the bench's matmul_512 / matmul_1024) for each thread count.
 * The machine is shared, so the best of many runs is the figure to compare.
 */
public final class GemmBench {
    public static void main(String[] args) {
        int[] threads = args.length == 0 ? new int[] {1, 2} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("java %s, simd %s, kernel %dx%d%n", System.getProperty("java.version"), Simd.ENABLED, MicroKernel.FLOAT.mr(), MicroKernel.FLOAT.nr());
        for (int th : threads) {
            Parallel.setThreads(th);
            for (int n : new int[] {512, 1024}) square(n, th, n == 512 ? 60 : 20);
        }
    }

    static void square(int n, int threads, int reps) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        double[] ms = new double[reps];
        // Warm up by time: C2 needs a few seconds (and a recompile after the first uncommon traps).
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        double flop = 2.0 * n * n * n;
        System.out.printf("sgemm %4d threads %d: best %.3f ms (%.1f GFLOP/s), median %.3f ms (%.1f GFLOP/s)%n",
            n, threads, ms[0], flop / ms[0] / 1e6, ms[reps / 2], flop / ms[reps / 2] / 1e6);
    }
}
