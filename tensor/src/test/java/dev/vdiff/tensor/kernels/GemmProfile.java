package dev.vdiff.tensor.kernels;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A timing harness, not a test: where a square float32 product's time goes on one thread.
 * {@code java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes
 * dev.vdiff.tensor.kernels.GemmProfile [n...]}. For each n: the whole {@link Gemm#sgemm}, and its parts done the
 * way the blocked driver does them (packing A, packing B, zeroing C, the micro-kernels over pre-packed panels),
 * and the micro-kernel on one pair of panels in L1 (the attainable rate). Best of many calls, thread CPU time.
 */
public final class GemmProfile {
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {512, 1024} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        dev.vdiff.tensor.parallel.Parallel.setThreads(1);
        MicroKernel.warmUp();
        for (int n : sizes) profile(n);
    }

    interface Body { void run(); }

    static double best(Body b, int reps) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        long until = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) b.run();
        for (int r = 0; r < reps; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            b.run();
            best = Math.min(best, (mx.getCurrentThreadCpuTime() - t0) / 1e6);
        }
        return best;
    }

    static void profile(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        MicroKernel.F kern = MicroKernel.VECTOR_F;
        int mr = kern.mr(), nr = kern.nr(), kc = Gemm.KC;
        int mPanels = (n + mr - 1) / mr, nPanels = (n + nr - 1) / nr, kBlocks = (n + kc - 1) / kc;
        Panels.F aT = Panels.strided(a, new int[] {0}, 1, n), bs = Panels.strided(b, new int[] {0}, n, 1);
        float[] ap = new float[mPanels * mr * n], bp = new float[nPanels * nr * n];
        double flop = 2.0 * n * n * n;
        int reps = n <= 512 ? 60 : 15;
        double total = best(() -> Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false), reps);
        double packA = best(() -> {
            for (int k0 = 0; k0 < n; k0 += kc) for (int p = 0; p < mPanels; p++) aT.pack(0, k0, Math.min(kc, n - k0), p * mr, Math.min(mr, n - p * mr), mr, ap, k0 * mPanels * mr + p * Math.min(kc, n - k0) * mr);
        }, reps);
        double packB = best(() -> {
            for (int k0 = 0; k0 < n; k0 += kc) for (int q = 0; q < nPanels; q++) bs.pack(0, k0, Math.min(kc, n - k0), q * nr, Math.min(nr, n - q * nr), nr, bp, k0 * nPanels * nr + q * Math.min(kc, n - k0) * nr);
        }, reps);
        double zero = best(() -> Arrays.fill(c, 0f), reps);
        int fullQ = n / nr;   // full column panels only (the partial one is measured with the total)
        double kernel = best(() -> {
            for (int k0 = 0; k0 < n; k0 += kc) {
                int kk = Math.min(kc, n - k0);
                for (int q = 0; q < fullQ; q++) for (int p = 0; p < mPanels; p++) {
                    kern.tile(kk, ap, k0 * mPanels * mr + p * kk * mr, bp, k0 * nPanels * nr + q * kk * nr, c, p * mr * n + q * nr, n);
                }
            }
        }, reps);
        double kernelFlop = 2.0 * n * fullQ * nr * n;
        // the driver's order per task (m-tile of tm panels): k-block, B panel, A panels; B pre-packed (shared) or packed per panel
        float[] panel = new float[kc * nr];
        StringBuilder tiles = new StringBuilder();
        for (int tm : new int[] {8, 16, 32, 64}) {
            if (tm > mPanels) continue;
            for (int shared = 0; shared < 2; shared++) {
                boolean sh = shared == 1;
                double ms = best(() -> {
                    for (int p0 = 0; p0 < mPanels; p0 += tm) {
                        for (int k0 = 0; k0 < n; k0 += kc) {
                            int kk = Math.min(kc, n - k0);
                            for (int q = 0; q < fullQ; q++) {
                                int bo = k0 * nPanels * nr + q * kk * nr;
                                if (!sh) bs.pack(0, k0, kk, q * nr, nr, nr, panel, 0);
                                for (int p = p0; p < Math.min(mPanels, p0 + tm); p++) {
                                    kern.tile(kk, ap, k0 * mPanels * mr + p * kk * mr, sh ? bp : panel, sh ? bo : 0, c, p * mr * n + q * nr, n);
                                }
                            }
                        }
                    }
                }, reps);
                tiles.append(String.format(" tileM %d %s %.1f;", tm, sh ? "shared" : "packed", kernelFlop / ms / 1e6));
            }
        }
        System.out.printf("n=%d driver order, GFLOP/s over the full panels:%s%n", n, tiles);
        float[] tc = new float[mr * nr];
        int calls = 2000;
        double l1 = best(() -> { for (int i = 0; i < calls; i++) kern.tile(kc, ap, 0, bp, 0, tc, 0, nr); }, 20);
        double l1Flop = 2.0 * calls * kc * mr * nr;
        System.out.printf("n=%d (1 thread, CPU ms, best): sgemm %.3f (%.1f GFLOP/s) | packA %.3f, packB %.3f, zero C %.3f, kernels over %d/%d panels %.3f (%.1f GFLOP/s) | kernel in L1 %.1f GFLOP/s%n",
            n, total, flop / total / 1e6, packA, packB, zero, fullQ, nPanels, kernel, kernelFlop / kernel / 1e6, l1Flop / l1 / 1e6);
    }
}
