package dev.vdiff.tensor.kernels;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A timing harness, not a test: two builds of the tensor classes side by side in one JVM, each in its own class
 * loader with its own thread pool, their calls interleaved (A B, B A, ...) so that a loaded machine slows both
 * alike. {@code java --add-modules jdk.incubator.vector -cp tensor/target/test-classes dev.vdiff.tensor.kernels.GemmAB
 * OLD_CLASSES NEW_CLASSES THREADS ROUNDS workload...} with workloads of {@link AbWorkloads} (matmul512,
 * matmul1024, winofwd64_32, conv). Prints per workload the best and median wall and CPU time (the caller's and
 * the compute threads') of each build per call, and old/new ratios.
 */
public final class GemmAB {
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        String[] dirs = {args[0], args[1]};
        int threads = Integer.parseInt(args[2]), rounds = Integer.parseInt(args[3]);
        URL tests = GemmAB.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader[] loaders = new ClassLoader[2];
        for (int v = 0; v < 2; v++) {
            loaders[v] = new URLClassLoader(new URL[] {Path.of(dirs[v]).toUri().toURL(), tests}, ClassLoader.getPlatformClassLoader());
            loaders[v].loadClass("dev.vdiff.tensor.parallel.Parallel").getMethod("setThreads", int.class).invoke(null, threads);
            loaders[v].loadClass("dev.vdiff.tensor.kernels.MicroKernel").getMethod("warmUp").invoke(null);
        }
        System.out.printf("java %s, %d threads, load average %.1f%n", System.getProperty("java.version"), threads,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int w = 4; w < args.length; w++) {
            Runnable[] step = new Runnable[2];
            double flop = 0;
            for (int v = 0; v < 2; v++) {
                Object[] made = ((Supplier<Object[]>) loaders[v].loadClass("dev.vdiff.tensor.kernels.AbWorkloads")
                    .getConstructor(String.class).newInstance(args[w])).get();
                step[v] = (Runnable) made[0];
                flop = (Double) made[1];
            }
            int calls = (int) Math.max(1, Math.min(50, 2e8 / flop));   // ~0.2 GFLOP per sample
            double[][] wall = new double[2][rounds], cpu = new double[2][rounds];
            long until = System.nanoTime() + 3_000_000_000L;   // warm up both by time
            while (System.nanoTime() < until) for (int v = 0; v < 2; v++) step[v].run();
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < 2; s++) {
                    int v = (r % 2 == 0) == (s == 0) ? 0 : 1;
                    long c0 = GemmBench.cpuNanos(), t0 = System.nanoTime();
                    for (int i = 0; i < calls; i++) step[v].run();
                    wall[v][r] = (System.nanoTime() - t0) / 1e6 / calls;
                    cpu[v][r] = (GemmBench.cpuNanos() - c0) / 1e6 / calls;
                }
            }
            for (int v = 0; v < 2; v++) {
                System.out.printf("%s %s: wall best %.3f median %.3f ms (%.1f GFLOP/s best) | cpu best %.3f median %.3f ms (%.1f GFLOP/s per CPU-second)%n",
                    args[w], v == 0 ? "old" : "new", min(wall[v]), median(wall[v]), flop / min(wall[v]) / 1e6, min(cpu[v]), median(cpu[v]), flop / min(cpu[v]) / 1e6);
            }
            System.out.printf("%s old/new: wall best %.3f median %.3f | cpu best %.3f median %.3f%n", args[w],
                min(wall[0]) / min(wall[1]), median(wall[0]) / median(wall[1]), min(cpu[0]) / min(cpu[1]), median(cpu[0]) / median(cpu[1]));
        }
        System.exit(0);
    }

    static double min(double[] x) {
        return Arrays.stream(x).min().orElse(Double.NaN);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
