package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Timing harness, not a test: the convolution weight gradient with packed im2col panels
 * ({@link Conv#weightGradPacked}) against B read in place ({@link Conv#weightGradInPlace}), interleaved in one
 * JVM, as CPU time (the calling thread's with 1 thread; with more, the sum over the caller and the compute
 * threads, which also counts their waiting). Usage: {@code WeightGradTiming threads rounds}.
 */
public final class WeightGradTiming {
    static final java.lang.management.ThreadMXBean TM = java.lang.management.ManagementFactory.getThreadMXBean();
    /** CPU time (ns): this thread's with 1 thread, else this thread's plus the compute threads'. */
    static long cpu(int threads) {
        long t = TM.getCurrentThreadCpuTime();
        if (threads == 1) return t;
        for (java.lang.management.ThreadInfo i : TM.getThreadInfo(TM.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("vdiff-compute")) t += TM.getThreadCpuTime(i.getThreadId());
        }
        return t;
    }
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        MicroKernel.warmUp();
        int[][] shapes = {{16, 64, 32, 32, 64, 1}, {16, 128, 16, 16, 128, 1}, {16, 192, 32, 32, 64, 1}, {16, 64, 32, 32, 64, 2}};
        for (int[] sh : shapes) {
            ConvGeometry g = new ConvGeometry(sh[0], sh[1], 1, sh[2], sh[3], sh[4], 1, 3, 3, 1, sh[5], sh[5], 0, 1, 1);
            float[] x = new float[g.n * g.c * g.q], dy = new float[g.n * g.o * g.p], dw = new float[g.o * g.ck];
            java.util.Random r = new java.util.Random(1);
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
            for (int i = 0; i < dy.length; i++) dy[i] = r.nextFloat();
            double[] a = new double[rounds], b = new double[rounds];
            Parallel.withThreads(threads, () -> {
                for (int i = 0; i < 3; i++) { Conv.weightGradPacked(g, x, dy, dw); Conv.weightGradInPlace(g, x, dy, dw); }
                for (int q = 0; q < rounds; q++) {
                    long t0 = cpu(threads); Conv.weightGradPacked(g, x, dy, dw);
                    long t1 = cpu(threads); Conv.weightGradInPlace(g, x, dy, dw);
                    long t2 = cpu(threads);
                    a[q] = (t1 - t0) / 1e6; b[q] = (t2 - t1) / 1e6;
                }
                return null;
            });
            java.util.Arrays.sort(a); java.util.Arrays.sort(b);
            double fl = 2.0 * g.o * g.ck * g.n * g.p / 1e9;
            System.out.printf("C=%d %dx%d O=%d s=%d threads=%d: packed best %.2f med %.2f ms | in place best %.2f med %.2f ms | best ratio %.2fx med ratio %.2fx | in-place %.0f GFLOP/s%n",
                g.c, g.h, g.w, g.o, sh[5], threads, a[0], a[rounds / 2], b[0], b[rounds / 2], a[0] / b[0], a[rounds / 2] / b[rounds / 2], fl / (b[0] / 1e3));
        }
    }
}
