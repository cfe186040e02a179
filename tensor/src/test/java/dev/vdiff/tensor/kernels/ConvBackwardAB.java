package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Session 8's convolution changes against the code they replace (not a test): old and new alternating call by
 * call in this JVM, thread CPU time on one thread, best and median of {@code rounds}; and each one's error
 * against the float64 direct convolution (max |y - y64| / rms(y64), rms(y - y64) / rms(y64)).
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.kernels.ConvBackwardAB [rounds]
 * </pre>
 */
public final class ConvBackwardAB {
    interface Kernel {
        void run(ConvGeometry g, float[] x, float[] w, float[] dy, float[] out);
    }

    /** Uncounted calls of each side before timing (C2 compiles the vector loops only after some calls). */
    private static final int WARM_UP = 8;

    record Case(String name, ConvGeometry g, boolean inputGrad, Kernel old, Kernel neu) {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        MicroKernel.warmUp();
        List<Case> cases = new ArrayList<>();
        ConvGeometry down0 = new ConvGeometry(16, 64, 1, 32, 32, 64, 1, 3, 3, 1, 2, 2, 0, 1, 1);
        cases.add(new Case("down0 input grad (dilated -> col2im)", down0, true,
            (g, x, w, dy, out) -> Conv.inputGradDilated(g, dy, w, out), (g, x, w, dy, out) -> Conv.inputGrad(g, dy, w, out)));
        for (int[] s : new int[][] {{192, 64, 32}, {256, 128, 16}, {64, 128, 16}}) {
            ConvGeometry g1 = new ConvGeometry(16, s[0], 1, s[2], s[2], s[1], 1, 1, 1, 1, 1, 1, 0, 0, 0);
            cases.add(new Case("1x1 " + s[0] + "->" + s[1] + " @" + s[2] + " weight grad (channels-last copy -> pointwise)", g1, false,
                (g, x, w, dy, out) -> {
                    if (g.c % MicroKernel.VECTOR_F_WIDE.nr() == 0) Conv.weightGradInPlace(g, x, dy, out);
                    else Conv.weightGradPacked(g, x, dy, out);
                }, (g, x, w, dy, out) -> Conv.weightGradPointwise(g, x, dy, out)));
        }
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Parallel.withThreads(1, () -> {
            for (Case k : cases) {
                ConvGeometry g = k.g;
                SplittableRandom r = new SplittableRandom(5);
                float[] x = random(r, g.n * g.c * g.q, 1), dy = random(r, g.n * g.o * g.p, 1), w = random(r, g.o * g.ck, 1 / Math.sqrt(g.ck));
                float[] out = new float[k.inputGrad ? x.length : w.length];
                double[] ref = new double[out.length];
                if (k.inputGrad) Conv.inputGrad(g, toDouble(dy), toDouble(w), ref);
                else Conv.weightGrad(g, toDouble(x), toDouble(dy), ref);
                k.old.run(g, x, w, dy, out);
                String eOld = WinogradTiming.errors(out, ref);
                k.neu.run(g, x, w, dy, out);
                String eNew = WinogradTiming.errors(out, ref);
                double[][] t = new double[2][rounds];
                for (int q = -WARM_UP; q < rounds; q++) {
                    for (int s = 0; s < 2; s++) {
                        int which = (Math.max(q, 0) + s) % 2;   // alternate which goes first
                        long t0 = bean.getCurrentThreadCpuTime();
                        (which == 0 ? k.old : k.neu).run(g, x, w, dy, out);
                        long t1 = bean.getCurrentThreadCpuTime();
                        if (q >= 0) t[which][q] = (t1 - t0) * 1e-6;
                    }
                }
                for (double[] a : t) Arrays.sort(a);
                System.out.printf("%s: old %.2f ms (median %.2f), new %.2f ms (median %.2f): %.2fx (median %.2fx); errors old %s, new %s%n",
                    k.name, t[0][0], t[0][rounds / 2], t[1][0], t[1][rounds / 2], t[0][0] / t[1][0], t[0][rounds / 2] / t[1][rounds / 2], eOld, eNew);
            }
            return null;
        });
    }

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (scale * r.nextDouble(-1, 1));
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
