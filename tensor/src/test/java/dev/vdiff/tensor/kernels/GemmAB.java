package dev.vdiff.tensor.kernels;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A timing harness, not a test: two builds of the tensor classes side by side in one JVM (each in its own class
 * loader, with its own thread pool), square {@code Gemm.sgemm} calls interleaved A, B, B, A, ... so that a
 * loaded machine slows both alike. {@code java --add-modules jdk.incubator.vector -cp tensor/target/test-classes
 * dev.vdiff.tensor.kernels.GemmAB OLD_CLASSES NEW_CLASSES THREADS ROUNDS n...}. Prints, per size, the best and
 * median wall time and CPU time (the caller's and the compute threads') of each build, and new/old ratios.
 */
public final class GemmAB {
    public static void main(String[] args) throws Exception {
        String[] dirs = {args[0], args[1]};
        int threads = Integer.parseInt(args[2]), rounds = Integer.parseInt(args[3]);
        int[] sizes = Arrays.stream(args, 4, args.length).mapToInt(Integer::parseInt).toArray();
        Method[] sgemm = new Method[2];
        for (int v = 0; v < 2; v++) {
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(dirs[v]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            cl.loadClass("dev.vdiff.tensor.parallel.Parallel").getMethod("setThreads", int.class).invoke(null, threads);
            cl.loadClass("dev.vdiff.tensor.kernels.MicroKernel").getMethod("warmUp").invoke(null);
            sgemm[v] = cl.loadClass("dev.vdiff.tensor.kernels.Gemm").getMethod("sgemm", boolean.class, boolean.class, int.class, int.class, int.class,
                float[].class, int.class, int.class, float[].class, int.class, int.class, float[].class, int.class, int.class, boolean.class);
        }
        System.out.printf("java %s, %d threads, load average %.1f%n", System.getProperty("java.version"), threads,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int n : sizes) {
            SplittableRandom rnd = new SplittableRandom(n);
            float[] a = new float[n * n], b = new float[n * n];
            float[][] c = {new float[n * n], new float[n * n]};
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextDouble(-1, 1);
                b[i] = (float) rnd.nextDouble(-1, 1);
            }
            int calls = Math.max(1, (int) (200_000_000L / (2L * n * n * n)));   // ~0.2 GFLOP per sample
            double[][] wall = new double[2][rounds], cpu = new double[2][rounds];
            long until = System.nanoTime() + 3_000_000_000L;   // warm up both by time
            while (System.nanoTime() < until) for (int v = 0; v < 2; v++) call(sgemm[v], n, a, b, c[v]);
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < 2; s++) {
                    int v = (r % 2 == 0) == (s == 0) ? 0 : 1;
                    long c0 = GemmBench.cpuNanos(), t0 = System.nanoTime();
                    for (int i = 0; i < calls; i++) call(sgemm[v], n, a, b, c[v]);
                    wall[v][r] = (System.nanoTime() - t0) / 1e6 / calls;
                    cpu[v][r] = (GemmBench.cpuNanos() - c0) / 1e6 / calls;
                }
            }
            if (!Arrays.equals(c[0], c[1])) System.out.println("  (the two builds' results differ in bits)");
            double flop = 2.0 * n * n * n;
            for (int v = 0; v < 2; v++) {
                System.out.printf("n=%d %s: wall best %.3f median %.3f ms (%.1f GFLOP/s best) | cpu best %.3f median %.3f ms (%.1f GFLOP/s per thread-second)%n",
                    n, v == 0 ? "old" : "new", min(wall[v]), median(wall[v]), flop / min(wall[v]) / 1e6, min(cpu[v]), median(cpu[v]), flop / min(cpu[v]) / 1e6);
            }
            System.out.printf("n=%d old/new: wall best %.3f median %.3f | cpu best %.3f median %.3f%n", n,
                min(wall[0]) / min(wall[1]), median(wall[0]) / median(wall[1]), min(cpu[0]) / min(cpu[1]), median(cpu[0]) / median(cpu[1]));
        }
        System.exit(0);
    }

    static void call(Method m, int n, float[] a, float[] b, float[] c) throws Exception {
        m.invoke(null, false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
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
