package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.kernels.OptimizerKernels.AdamWStep;
import dev.vdiff.tensor.parallel.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What one AdamW step and one EMA update cost on the float32 parameters of the benchmark model (not a test):
 * {@code OptimizerKernels.adamw} and {@code ema} against the loop of session 6 ({@code AdamW.kernelF} at 5d4394b,
 * copied here), over {@code n} floats, best and median wall time and the CPU time of the calling thread plus the
 * compute threads. Phases are interleaved round by round in one JVM unless only one is named.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.kernels.AdamWTiming [threads] [rounds] [n] [phases: old,new,ema,sumsq,sumsq-old]
 * </pre>
 */
public final class AdamWTiming {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 2_369_220;
        String only = args.length > 3 ? args[3] : "old,new,ema";
        SplittableRandom r = new SplittableRandom(1);
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n], ema = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) r.nextGaussian();
            g[i] = (float) (1e-2 * r.nextGaussian());
            m[i] = (float) (1e-3 * r.nextGaussian());
            v[i] = (float) (1e-5 * Math.abs(r.nextGaussian()));
            ema[i] = p[i];
        }
        AdamWStep s = new AdamWStep(1 - 3e-4 * 0.01, 0.9, 0.999, 1e-8, 3e-4 / (1 - Math.pow(0.9, 100)), Math.sqrt(1 - Math.pow(0.999, 100)));
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<Runnable> phases = new java.util.ArrayList<>();
        for (String ph : only.split(",")) {
            names.add(ph);
            phases.add(switch (ph) {
                case "old" -> () -> Parallel.forRange(n, 1 << 14, (lo, hi) -> kernelF(p, g, m, v, lo, hi, s.decay(), s.beta1(), s.beta2(), s.eps(), s.stepSize(), s.bc2Sqrt()));
                case "new" -> () -> OptimizerKernels.adamw(p, g, m, v, n, s);
                case "scalar" -> () -> Parallel.forRange(n, OptimizerKernels.BLOCK, (lo, hi) -> OptimizerKernels.adamwScalar(p, g, m, v, lo, hi, s));
                case "ema" -> () -> OptimizerKernels.ema(ema, p, n, 1e-3);
                case "sumsq" -> () -> sink += OptimizerKernels.sumOfSquares(g, n);
                case "sumsq-old" -> () -> sink += sumOfSquaresSession7(g, n);
                default -> throw new IllegalArgumentException("phase " + ph);
            });
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Parallel.withThreads(threads, () -> {
            double[][] wall = new double[phases.size()][rounds], cpu = new double[phases.size()][rounds];
            for (int warm = 0; warm < 30; warm++) for (Runnable ph : phases) ph.run();
            for (int q = 0; q < rounds; q++) {
                for (int k = 0; k < phases.size(); k++) {
                    long c0 = cpuAll(mx), t0 = System.nanoTime();
                    phases.get(k).run();
                    wall[k][q] = (System.nanoTime() - t0) * 1e-6;
                    cpu[k][q] = (cpuAll(mx) - c0) * 1e-6;
                }
            }
            System.out.printf("AdamW/EMA over %d floats, %d threads, java %s, %d rounds: best / median wall ms, best / median CPU ms%n",
                n, threads, System.getProperty("java.version"), rounds);
            for (int k = 0; k < phases.size(); k++) {
                Arrays.sort(wall[k]);
                Arrays.sort(cpu[k]);
                System.out.printf("  %-4s %7.2f / %7.2f   %7.2f / %7.2f%n", names.get(k), wall[k][0], wall[k][rounds / 2], cpu[k][0], cpu[k][rounds / 2]);
            }
            return null;
        });
    }

    /** CPU time of this thread and of the compute threads (the pool's), in ns. */
    private static long cpuAll(ThreadMXBean mx) {
        long t = 0;
        for (long id : mx.getAllThreadIds()) {
            java.lang.management.ThreadInfo ti = mx.getThreadInfo(id);
            if (ti == null) continue;
            if (id == Thread.currentThread().getId() || ti.getThreadName().startsWith("vdiff-compute")) t += Math.max(0, mx.getThreadCpuTime(id));
        }
        return t;
    }

    static volatile double sink;

    /** {@code OptimizerKernels.sumOfSquares} before session 8: one block's chain at a time. */
    static double sumOfSquaresSession7(float[] x, int n) {
        int block = OptimizerKernels.BLOCK, blocks = (n + block - 1) / block;
        double[] partial = new double[blocks];
        Parallel.forRange(blocks, 1, (lo, hi) -> {
            for (int b = lo; b < hi; b++) {
                double s = 0;
                for (int i = b * block, e = Math.min(n, i + block); i < e; i++) s += (double) x[i] * x[i];
                partial[b] = s;
            }
        });
        double s = 0;
        for (double v : partial) s += v;
        return s;
    }

    /** The float32 loop of session 6 ({@code AdamW.kernelF} at 5d4394b), unchanged. */
    static void kernelF(float[] p, float[] g, float[] m, float[] v, int lo, int hi,
                        double decay, double beta1, double beta2, double eps, double stepSize, double bc2Sqrt) {
        for (int i = lo; i < hi; i++) {
            double gi = g[i];
            double pd = (float) (p[i] * decay);
            float mi = (float) (m[i] + (1 - beta1) * (gi - m[i]));
            float vi = (float) (beta2 * v[i] + (1 - beta2) * gi * gi);
            double denom = Math.sqrt(vi) / bc2Sqrt + eps;
            m[i] = mi;
            v[i] = vi;
            p[i] = (float) (pd - stepSize * mi / denom);
        }
    }
}
