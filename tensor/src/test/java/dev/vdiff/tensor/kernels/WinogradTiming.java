package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Direct against Winograd F(2x2, 3x3) on the benchmark model's and the demo's 3x3 convolutions (not a test):
 * <ol>
 *   <li>errors of both float32 algorithms against the float64 direct convolution, forward and input gradient:
 *       max |y - y64| / rms(y64) and rms(y - y64) / rms(y64), inputs uniform in [-1, 1), weights scaled like the
 *       model's initialisation (1/sqrt(9 C));</li>
 *   <li>thread CPU time on one thread, the two algorithms alternating call by call in this JVM (so a loaded
 *       machine disturbs both alike), best and median of {@code rounds}, for forward, input gradient and weight
 *       gradient.</li>
 * </ol>
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.kernels.WinogradTiming [rounds] [threads]
 * </pre>
 */
public final class WinogradTiming {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10, threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        MicroKernel.warmUp();
        // images, in channels, out channels, height = width: the benchmark's (N = 16) and the demo's (N = 8)
        int[][] shapes = {{16, 64, 64, 32}, {16, 128, 128, 16}, {16, 64, 128, 16}, {16, 256, 128, 16}, {16, 128, 128, 32},
            {16, 192, 64, 32}, {8, 32, 32, 16}, {8, 64, 64, 16}, {16, 4, 64, 32}, {16, 16, 16, 32}};
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        ConvAlgorithm[] algs = {ConvAlgorithm.DIRECT, ConvAlgorithm.WINOGRAD_F2X3};
        Parallel.withThreads(threads, () -> {
            for (int[] s : shapes) {
                int n = s[0], c = s[1], o = s[2], hw = s[3];
                ConvGeometry g = new ConvGeometry(n, c, 1, hw, hw, o, 1, 3, 3, 1, 1, 1, 0, 1, 1);
                SplittableRandom r = new SplittableRandom(3);
                float[] x = new float[n * c * hw * hw], w = new float[o * c * 9], b = new float[o], dy = new float[n * o * hw * hw];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
                for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
                for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextDouble(-1, 1) / Math.sqrt(9.0 * c));
                for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-0.1, 0.1);
                float[] y = new float[dy.length], dx = new float[x.length], dw = new float[w.length];
                // errors against float64
                double[] y64 = new double[y.length], dx64 = new double[x.length], dw64 = new double[w.length];
                Conv.forward(g, toDouble(x), toDouble(w), toDouble(b), y64);
                Conv.inputGrad(g, toDouble(dy), toDouble(w), dx64);
                Conv.weightGrad(g, toDouble(x), toDouble(dy), dw64);
                StringBuilder err = new StringBuilder();
                for (ConvAlgorithm a : algs) {
                    Conv.forward(g, x, w, b, y, a);
                    Conv.inputGrad(g, dy, w, dx, a);
                    Conv.weightGrad(g, x, dy, dw, a);
                    err.append(String.format("  %s: forward %s, input grad %s, weight grad %s", a,
                        errors(y, y64), errors(dx, dx64), errors(dw, dw64)));
                }
                double[][] fwd = new double[2][rounds], bwd = new double[2][rounds], wgr = new double[2][rounds];
                for (int warm = 0; warm < 2; warm++) {
                    for (ConvAlgorithm a : algs) {
                        Conv.forward(g, x, w, b, y, a);
                        Conv.inputGrad(g, dy, w, dx, a);
                        Conv.weightGrad(g, x, dy, dw, a);
                    }
                }
                for (int q = 0; q < rounds; q++) {
                    for (int k = 0; k < 2; k++) {
                        ConvAlgorithm a = algs[(q + k) % 2];   // alternate which goes first
                        int ai = (q + k) % 2;
                        long t0 = cpu(bean);
                        Conv.forward(g, x, w, b, y, a);
                        long t1 = cpu(bean);
                        Conv.inputGrad(g, dy, w, dx, a);
                        long t2 = cpu(bean);
                        Conv.weightGrad(g, x, dy, dw, a);
                        long t3 = cpu(bean);
                        fwd[ai][q] = (t1 - t0) * 1e-6;
                        bwd[ai][q] = (t2 - t1) * 1e-6;
                        wgr[ai][q] = (t3 - t2) * 1e-6;
                    }
                }
                for (double[][] a : new double[][][] {fwd, bwd, wgr}) for (double[] t : a) Arrays.sort(t);
                double flop = 2.0 * n * c * o * 9 * hw * hw;
                System.out.printf("%dx%d->%d @%d^2 (%.2f GFLOP direct)%n", n, c, o, hw, flop * 1e-9);
                System.out.printf("  forward    direct %.2f ms (median %.2f)  winograd %.2f ms (median %.2f)  speedup %.2fx (median %.2fx)%n",
                    fwd[0][0], fwd[0][rounds / 2], fwd[1][0], fwd[1][rounds / 2], fwd[0][0] / fwd[1][0], fwd[0][rounds / 2] / fwd[1][rounds / 2]);
                System.out.printf("  input grad direct %.2f ms (median %.2f)  winograd %.2f ms (median %.2f)  speedup %.2fx (median %.2fx)%n",
                    bwd[0][0], bwd[0][rounds / 2], bwd[1][0], bwd[1][rounds / 2], bwd[0][0] / bwd[1][0], bwd[0][rounds / 2] / bwd[1][rounds / 2]);
                System.out.printf("  weight grad direct %.2f ms (median %.2f)  winograd %.2f ms (median %.2f)  speedup %.2fx (median %.2fx)%n",
                    wgr[0][0], wgr[0][rounds / 2], wgr[1][0], wgr[1][rounds / 2], wgr[0][0] / wgr[1][0], wgr[0][rounds / 2] / wgr[1][rounds / 2]);
                System.out.println(err.toString().replace("  WINOGRAD", "\n  WINOGRAD").replaceFirst("^", ""));
            }
            return null;
        });
    }

    /** CPU time of this thread plus, with 2+ threads, of every vdiff compute thread. */
    private static long cpu(ThreadMXBean bean) {
        long sum = 0;
        for (long id : bean.getAllThreadIds()) {
            long t = bean.getThreadCpuTime(id);
            if (t > 0) sum += t;
        }
        return sum;
    }

    /** Max and rms error of {@code y} against a float64 reference, both relative to the reference's rms. */
    static String errors(float[] y, double[] ref) {
        double ss = 0, se = 0, max = 0;
        for (int i = 0; i < y.length; i++) {
            double d = y[i] - ref[i];
            ss += ref[i] * ref[i];
            se += d * d;
            max = Math.max(max, Math.abs(d));
        }
        double rms = Math.sqrt(ss / y.length);
        return String.format("max %.2e rms %.2e", max / rms, Math.sqrt(se / y.length) / rms);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
