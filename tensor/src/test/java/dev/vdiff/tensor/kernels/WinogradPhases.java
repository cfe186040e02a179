package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;
import java.util.SplittableRandom;

/** Scratch: phase times of WinogradF2x3.correlate (not a test). */
public final class WinogradPhases {
    public static void main(String[] args) {
        MicroKernel.warmUp();
        int[][] shapes = {{16, 64, 64, 32}, {16, 128, 128, 16}};
        for (int[] s : shapes) {
            int n = s[0], kIn = s[1], iOut = s[2], h = s[3], w = s[3];
            SplittableRandom r = new SplittableRandom(1);
            float[] x = new float[n * kIn * h * w], wt = new float[iOut * kIn * 9], y = new float[n * iOut * h * w];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < wt.length; i++) wt[i] = (float) r.nextDouble(-1, 1);
            double[] best = {1e9, 1e9, 1e9, 1e9};
            for (int rep = 0; rep < 12; rep++) {
                Parallel.withThreads(1, () -> {
                    long t0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    int th = (h + 1) / 2, tw = (w + 1) / 2, tiles = th * tw, t = n * tiles, tp = WinogradF2x3.rowStride(t);
                    float[] u = new float[16 * kIn * iOut];
                    for (int q = 0; q < iOut * kIn; q++) WinogradF2x3.filter(wt, q / kIn, q % kIn, kIn, iOut, false, u);
                    long t1 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    float[] v = Scratch.floats(Scratch.GRID_IN, 16 * kIn * tp + 64);
                    float[] work = Scratch.floats(Scratch.WORK, WinogradF2x3.inputWork(th, tw));
                    for (int plane = 0; plane < n * kIn; plane++) {
                        WinogradF2x3.inputPlane(x, plane * h * w, h, w, th, tw, v, (plane % kIn) * tp + (plane / kIn) * tiles, kIn * tp, work);
                    }
                    Scratch.release(Scratch.WORK, work);
                    long t2 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    float[] m = Scratch.floats(Scratch.GRID_OUT, 16 * iOut * tp);
                    int[] aBatch = new int[16], bBatch = new int[16], rows = new int[kIn];
                    for (int xi = 0; xi < 16; xi++) { aBatch[xi] = xi * kIn * iOut; bBatch[xi] = xi * kIn * tp; }
                    for (int k = 0; k < kIn; k++) rows[k] = k * tp;
                    Panels.RowsF b = new Panels.RowsF(v, rows, bBatch, 64, 96 * ((t + 95) / 96), new int[] {0});
                    Gemm.sgemm(16, iOut, t, kIn, Panels.strided(u, aBatch, iOut, 1), b, m, 0, iOut * tp, tp, false);
                    long t3 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    float[] work2 = Scratch.floats(Scratch.WORK, 4 * tiles);
                    for (int plane = 0; plane < n * iOut; plane++) {
                        WinogradF2x3.outputPlane(m, (plane % iOut) * tp + (plane / iOut) * tiles, iOut * tp, th, tw, 0f, y, plane * h * w, h, w, work2);
                    }
                    Scratch.release(Scratch.WORK, work2);
                    Scratch.release(Scratch.GRID_IN, v);
                    Scratch.release(Scratch.GRID_OUT, m);
                    long t4 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    best[0] = Math.min(best[0], (t1 - t0) * 1e-6);
                    best[1] = Math.min(best[1], (t2 - t1) * 1e-6);
                    best[2] = Math.min(best[2], (t3 - t2) * 1e-6);
                    best[3] = Math.min(best[3], (t4 - t3) * 1e-6);
                    return null;
                });
            }
            double gflop = 2.0 * 16 * kIn * iOut * n * ((h + 1) / 2) * ((w + 1) / 2) * 1e-9;
            System.out.printf("%dx%d->%d @%d: filter %.2f input %.2f gemm %.2f (%.0f GFLOP/s) output %.2f ms%n", n, kIn, iOut, h,
                best[0], best[1], best[2], gflop / best[2] * 1e3, best[3]);
        }
    }
}
