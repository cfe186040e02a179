package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A/B timing (not a test) of the stride-1 convolution product on the padded grid: B packed row by row
 * (before) against B read in place by the micro-kernel ({@link Panels.RowsF}, now), interleaved in one JVM
 * so that a loaded machine slows both alike. Prints per shape the median over rounds of time(packed) /
 * time(direct) and the GFLOP/s of both.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.kernels.ConvDirectTiming [threads] [rounds]
 * </pre>
 */
public final class ConvDirectTiming {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        System.out.printf("java %s, threads %d, vector kernels compiled: %s%n", System.getProperty("java.version"), threads, MicroKernel.warmUp());
        // (images, in channels, out channels, size): the UNet's 3x3 convolutions and the conv2d micro-benchmark
        int[][] shapes = {{16, 32, 32, 32}, {16, 64, 64, 16}, {16, 128, 128, 8}, {16, 64, 64, 32}};
        Parallel.withThreads(threads, () -> {
            for (int[] s : shapes) run(s[0], s[1], s[2], s[3], rounds);
            return null;
        });
    }

    static void run(int n, int c, int o, int size, int rounds) {
        int wp = size + 2, plane = wp * wp, grid = size * wp, kk = 9;
        SplittableRandom r = new SplittableRandom(1);
        float[] xp = new float[n * c * plane + 3 + PaddedGridF.ROW_SLACK], wt = new float[o * c * kk];
        for (int i = 0; i < xp.length; i++) xp[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < wt.length; i++) wt[i] = (float) r.nextDouble(-1, 1);
        int[] rowOff = new int[c * kk], base = new int[n];
        for (int k = 0; k < c * kk; k++) rowOff[k] = (k / kk) * plane + (k % kk / 3) * wp + k % 3;
        for (int t = 0; t < n; t++) base[t] = t * c * plane;
        Panels.RowsF direct = new Panels.RowsF(xp, rowOff, base, PaddedGridF.ROW_SLACK);
        Panels.F packed = (t, k0, kc, c0, cols, width, dst, off) -> direct.pack(t, k0, kc, c0, cols, width, dst, off);
        Panels.F a = Panels.strided(wt, new int[] {0}, 1, c * kk);
        float[] y1 = new float[n * o * grid], y2 = new float[n * o * grid];
        Runnable before = () -> Gemm.sgemm(n, o, grid, c * kk, a, packed, y1, 0, o * grid, grid, false);
        Runnable now = () -> Gemm.sgemm(n, o, grid, c * kk, a, direct, y2, 0, o * grid, grid, false);
        for (int i = 0; i < 5; i++) { before.run(); now.run(); }
        if (!Arrays.equals(y1, y2)) throw new AssertionError("direct and packed products differ");
        double flop = 2.0 * n * o * size * size * c * kk;   // useful work: the OW..Wp columns do not count
        double[] ratio = new double[rounds], tb = new double[rounds], tn = new double[rounds];
        for (int q = 0; q < rounds; q++) {
            tb[q] = time(before);
            tn[q] = time(now);
            ratio[q] = tb[q] / tn[q];
        }
        Arrays.sort(ratio);
        Arrays.sort(tb);
        Arrays.sort(tn);
        // On a loaded machine the fastest call of each is the least disturbed: compare those, and show the
        // median of the per-round ratios beside them.
        System.out.printf("conv3x3 N=%d C=%d O=%d %dx%d: best packed %.2f ms (%.0f GFLOP/s), best direct %.2f ms (%.0f GFLOP/s): %.2fx; per-round ratio median %.2fx%n",
            n, c, o, size, size, tb[0] * 1e3, flop / tb[0] / 1e9, tn[0] * 1e3, flop / tn[0] / 1e9, tb[0] / tn[0], ratio[rounds / 2]);
    }

    /** Best per-call time of a few calls (seconds): the least disturbed by other processes. */
    static double time(Runnable f) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            f.run();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        return best;
    }
}
