package dev.vdiff.tensor.bench;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.kernels.GroupNormKernels;
import dev.vdiff.tensor.ops.Normalization;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where the time of {@code groupnorm_fwd_bwd} goes (not a test): the kernels alone on preallocated arrays,
 * the allocations, and the whole op through the autodiff engine, interleaved round by round in one JVM.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.bench.GroupNormPhases [threads] [rounds]
 * </pre>
 */
public final class GroupNormPhases {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1, rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int n = 16, c = 128, l = 256, groups = 32, numel = n * c * l;
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[numel], g = new float[numel], w = new float[c], b = new float[c];
        for (int i = 0; i < numel; i++) { x[i] = (float) r.nextGaussian(); g[i] = (float) r.nextGaussian(); }
        Arrays.fill(w, 1f);
        float[] out = new float[numel], dx = new float[numel];
        double[] mean = new double[n * groups], rstd = new double[n * groups], dwPart = new double[n * c], dbPart = new double[n * c];
        Tensor xt = Tensor.of(x, n, c, 16, 16).requiresGrad(true), wt = Tensor.of(w, c).requiresGrad(true), bt = Tensor.of(b, c).requiresGrad(true);
        Tensor up = Tensor.of(g, n, c, 16, 16);
        String[] names = {"forward kernel", "backward kernel", "2 x new float[N*C*L]", "whole op fwd+bwd (autograd)",
            "statistics, two passes (before)", "statistics, one pass (now)", "backward sums only"};
        int m = c / groups * l;
        double[] mv = new double[2];
        Runnable[] phases = {
            () -> GroupNormKernels.forward(x, w, b, out, mean, rstd, n, c, l, groups, 1e-5),
            () -> GroupNormKernels.backward(x, w, g, mean, rstd, dx, dwPart, dbPart, n, c, l, groups),
            () -> { float[] a1 = new float[numel], a2 = new float[numel]; a1[7] = a2[7] = 1; },
            () -> {
                Normalization.groupNorm(xt, groups, wt, bt, 1e-5).backward(up);
                xt.zeroGrad();
                wt.zeroGrad();
                bt.zeroGrad();
            },
            () -> { for (int blk = 0; blk < n * groups; blk++) dev.vdiff.tensor.kernels.Sums.meanAndVariance(x, blk * m, m, mv); },
            () -> { for (int blk = 0; blk < n * groups; blk++) dev.vdiff.tensor.kernels.Sums.meanAndVarianceOnePass(x, blk * m, m, mv); },
            () -> { for (int ch = 0; ch < n * c; ch++) dev.vdiff.tensor.kernels.Sums.sumAndProductDeviation(g, x, ch * l, l, 0.01, mv); },
        };
        Parallel.withThreads(threads, () -> {
            double[][] t = new double[phases.length][rounds], cpu = new double[phases.length][rounds];
            for (int warm = 0; warm < 300; warm++) for (Runnable p : phases) p.run();
            for (int q = 0; q < rounds; q++) {
                for (int p = 0; p < phases.length; p++) {
                    long c0 = cpuNanos();
                    t[p][q] = best(phases[p]);
                    cpu[p][q] = (cpuNanos() - c0) * 1e-9 / 10;
                }
            }
            System.out.printf("groupnorm [16,128,16,16], 32 groups, %d threads, java %s (best of %d rounds of 10 calls; median in brackets;%n"
                + "  CPU: this thread's and the compute threads' CPU time per call, median of the rounds)%n", threads, System.getProperty("java.version"), rounds);
            for (int p = 0; p < phases.length; p++) {
                Arrays.sort(t[p]);
                Arrays.sort(cpu[p]);
                System.out.printf("  %-32s %.3f ms  (%.3f)  CPU %.3f ms%n", names[p], t[p][0] * 1e3, t[p][rounds / 2] * 1e3, cpu[p][rounds / 2] * 1e3);
            }
            return null;
        });
    }

    /** CPU time of this thread and of the compute threads, in ns. */
    private static long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t = mx.getCurrentThreadCpuTime();
        for (java.lang.management.ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti != null && ti.getThreadName().startsWith("vdiff-compute")) t += Math.max(0, mx.getThreadCpuTime(ti.getThreadId()));
        }
        return t;
    }

    private static double best(Runnable f) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            f.run();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        return best;
    }
}
