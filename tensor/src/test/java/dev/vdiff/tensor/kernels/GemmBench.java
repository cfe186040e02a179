package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Convolution;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A timing harness, not a test: {@code java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes
 * dev.vdiff.tensor.kernels.GemmBench [matmul|conv|all] [threads...]}. Prints best and median ms and GFLOP/s of
 * the bench figures ({@code shared/bench/README.md}): square sgemm (C = A.B, C preallocated: matmul_512,
 * matmul_1024) and conv2d_fwd_bwd (Conv 3x3 64->64, pad 1, bias, x [16,64,32,32], forward then backward to
 * dx, dW, db for a fixed upstream), for each thread count. The machine is shared, so the best of many runs
 * is the figure to compare, and the CPU time of the compute threads is printed next to the wall time.
 * Any JDK 17+ runs it, e.g. {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --add-modules jdk.incubator.vector ...}.
 */
public final class GemmBench {
    public static void main(String[] args) {
        String what = args.length == 0 ? "all" : args[0];
        int[] threads = args.length <= 1 ? new int[] {1, 2} : Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray();
        System.out.printf("java %s, simd %s, kernel %dx%d, load average %.1f%n", System.getProperty("java.version"), Simd.ENABLED,
            MicroKernel.VECTOR_F.mr(), MicroKernel.VECTOR_F.nr(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        long t0 = System.nanoTime();
        MicroKernel.warmUp();   // until the vector kernels are compiled
        System.out.printf("vector kernel compiled after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (int th : threads) {
            Parallel.setThreads(th);
            if (!what.equals("conv")) for (int n : new int[] {512, 1024}) square(n, th, n == 512 ? 60 : 20);
            if (!what.equals("matmul")) conv(th, 20);
        }
    }

    static void conv(int threads, int reps) {
        SplittableRandom rnd = new SplittableRandom(7);
        Tensor x = random(rnd, 16, 64, 32, 32).requiresGrad(true), w = random(rnd, 64, 64, 3, 3).requiresGrad(true);
        Tensor b = random(rnd, 64).requiresGrad(true), up = random(rnd, 16, 64, 32, 32);
        Runnable step = () -> {
            Tensor y = Convolution.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1});
            y.backward(up);
            x.zeroGrad();
            w.zeroGrad();
            b.zeroGrad();
        };
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) step.run();
        double[] ms = new double[reps], cpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = cpuNanos(), t0 = System.nanoTime();
            step.run();
            ms[r] = (System.nanoTime() - t0) / 1e6;
            cpu[r] = (cpuNanos() - c0) / 1e6;
        }
        report("conv2d_fwd_bwd", threads, 3.0 * 2 * 16 * 64 * 32 * 32 * 64 * 9, ms, cpu);
    }

    /**
     * Wall time (best and median) and, because the machine is shared, the process CPU time of the fastest
     * run: CPU ms / threads is what the wall time would be with the cores to ourselves and perfect scaling.
     */
    static void report(String name, int threads, double flop, double[] ms, double[] cpu) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double minCpu = Arrays.stream(cpu).min().orElse(Double.NaN);
        System.out.printf("%-15s threads %d: wall best %8.3f ms (%6.1f GFLOP/s), median %8.3f ms | cpu best %8.3f ms (%6.1f GFLOP/s per thread)%n",
            name, threads, sorted[0], flop / sorted[0] / 1e6, sorted[ms.length / 2], minCpu, flop / minCpu / 1e6);
    }

    /** CPU time of the compute threads (the caller and the pool), in ns. */
    static long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = mx.getCurrentThreadCpuTime();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("vdiff-compute")) sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT32, shape);
        float[] d = t.floats();
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextDouble(-1, 1);
        return t;
    }

    static void square(int n, int threads, int reps) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        double[] ms = new double[reps], cpu = new double[reps];
        // Warm up by time: C2 needs a few seconds (and a recompile after the first uncommon traps).
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        for (int r = 0; r < reps; r++) {
            long c0 = cpuNanos(), t0 = System.nanoTime();
            Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
            ms[r] = (System.nanoTime() - t0) / 1e6;
            cpu[r] = (cpuNanos() - c0) / 1e6;
        }
        report("matmul_" + n, threads, 2.0 * n * n * n, ms, cpu);
    }
}
