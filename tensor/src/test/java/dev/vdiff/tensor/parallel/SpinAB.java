package dev.vdiff.tensor.parallel;

import dev.vdiff.tensor.kernels.GroupNormKernels;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Interleaved A/B of the compute threads' spin (not a test): small loops like a train step's (an elementwise
 * add of 64 Ki floats, a GroupNorm forward+backward at the benchmark's size) on 2 threads, with pools that park
 * at once ({@code spinMicros=0}) and pools that spin {@code spinMicros} first. Prints the median wall time and
 * CPU time (all threads) per op of each, rounds alternating so load drifts hit both (docs/PERFORMANCE.md,
 * "spin8, session 8").
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.parallel.SpinAB [spinMicros=50] [threads=2] [rounds=15]
 * </pre>
 */
public final class SpinAB {
    public static void main(String[] args) {
        long spin = Parallel.spinNanos(args.length > 0 ? args[0] : null);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int len = 65536;
        float[] a = new float[len], b = new float[len], c = new float[len];
        int n = 16, ch = 128, l = 256, groups = 32, numel = n * ch * l;
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        float[] x = new float[numel], g = new float[numel], w = new float[ch], bias = new float[ch], out = new float[numel], dx = new float[numel];
        for (int i = 0; i < numel; i++) { x[i] = (float) r.nextGaussian(); g[i] = (float) r.nextGaussian(); }
        Arrays.fill(w, 1f);
        double[] mean = new double[n * groups], rstd = new double[n * groups], dw = new double[n * ch], db = new double[n * ch];
        String[] ops = {"add 64Ki", "groupnorm fwd+bwd"};
        Runnable[] bodies = {
            () -> Parallel.forRange(len, 4096, (lo, hi) -> { for (int i = lo; i < hi; i++) c[i] = a[i] + b[i]; }),
            () -> {
                GroupNormKernels.forward(x, w, bias, out, mean, rstd, n, ch, l, groups, 1e-5);
                GroupNormKernels.backward(x, w, g, mean, rstd, dx, dw, db, n, ch, l, groups);
            }};
        int[] reps = {2000, 40};
        try (Parallel.Pool park = Parallel.open(threads, 0); Parallel.Pool spinning = Parallel.open(threads, spin)) {
            Parallel.Pool[] pools = {park, spinning};
            for (int op = 0; op < ops.length; op++) {
                double[][] wall = new double[2][rounds], cpu = new double[2][rounds];
                for (int round = -3; round < rounds; round++) {   // 3 warm-up rounds
                    for (int p = 0; p < 2; p++) {
                        Runnable body = bodies[op];
                        int k = reps[op];
                        long c0 = cpuOfAllThreads(mx), t0 = System.nanoTime();
                        pools[p].run(() -> { for (int i = 0; i < k; i++) body.run(); });
                        long t1 = System.nanoTime(), c1 = cpuOfAllThreads(mx);
                        if (round >= 0) {
                            wall[p][round] = (t1 - t0) / 1e3 / k;
                            cpu[p][round] = (c1 - c0) / 1e3 / k;
                        }
                    }
                }
                System.out.printf("%-18s %d threads: spin 0: wall %8.1f us, cpu %8.1f us | spin %d us: wall %8.1f us, cpu %8.1f us | wall ratio %.3f%n",
                    ops[op], threads, median(wall[0]), median(cpu[0]), spin / 1000, median(wall[1]), median(cpu[1]), median(wall[1]) / median(wall[0]));
            }
        }
    }

    /** CPU time of every live thread of the JVM (the caller, the compute threads, the JIT, GC). */
    private static long cpuOfAllThreads(java.lang.management.ThreadMXBean mx) {
        long sum = 0;
        for (long id : mx.getAllThreadIds()) sum += Math.max(0, mx.getThreadCpuTime(id));
        return sum;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
