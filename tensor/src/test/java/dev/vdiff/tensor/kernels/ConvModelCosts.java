package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where the benchmark model's convolutions spend their time (not a test): every convolution of tiny_video_unet
 * (shared/bench/tiny_video_unet.md, section 4), its forward, input gradient and weight gradient by the default
 * algorithm ({@link ConvAlgorithm#select}), thread CPU time on one thread, best and median of {@code rounds},
 * times the number of such convolutions in the model.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.vdiff.tensor.kernels.ConvModelCosts [rounds]
 * </pre>
 */
public final class ConvModelCosts {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        MicroKernel.warmUp();
        // name, count in the model, in channels, out channels, size, kernel, stride, padding, has input grad
        Object[][] shapes = {
            {"conv_in 4->64 @32", 1, 4, 64, 32, 3, 1, 1, false},
            {"64->64 @32 (enc0 x2, dec0 conv2)", 3, 64, 64, 32, 3, 1, 1, true},
            {"down0 64->64 s2 @32", 1, 64, 64, 32, 3, 2, 1, true},
            {"enc1 conv1 64->128 @16", 1, 64, 128, 16, 3, 1, 1, true},
            {"128->128 @16 (enc1,mid x4,dec1)", 6, 128, 128, 16, 3, 1, 1, true},
            {"skip 1x1 64->128 @16", 1, 64, 128, 16, 1, 1, 0, true},
            {"dec1 conv1 256->128 @16", 1, 256, 128, 16, 3, 1, 1, true},
            {"skip 1x1 256->128 @16", 1, 256, 128, 16, 1, 1, 0, true},
            {"up1 128->128 @32", 1, 128, 128, 32, 3, 1, 1, true},
            {"dec0 conv1 192->64 @32", 1, 192, 64, 32, 3, 1, 1, true},
            {"skip 1x1 192->64 @32", 1, 192, 64, 32, 1, 1, 0, true},
            {"out_conv 64->4 @32", 1, 64, 4, 32, 3, 1, 1, true},
        };
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        double[] tot = new double[3];
        Parallel.withThreads(1, () -> {
            for (Object[] s : shapes) {
                int count = (Integer) s[1], c = (Integer) s[2], o = (Integer) s[3], hw = (Integer) s[4], k = (Integer) s[5],
                    st = (Integer) s[6], p = (Integer) s[7], n = 16;
                boolean ig = (Boolean) s[8];
                ConvGeometry g = new ConvGeometry(n, c, 1, hw, hw, o, 1, k, k, 1, st, st, 0, p, p);
                SplittableRandom r = new SplittableRandom(3);
                float[] x = new float[n * c * hw * hw], w = new float[o * g.ck], b = new float[o], dy = new float[n * o * g.p];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
                for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
                for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-0.1, 0.1);
                float[] y = new float[dy.length], dx = new float[x.length], dw = new float[w.length];
                double[][] t = new double[3][rounds];
                for (int q = -2; q < rounds; q++) {
                    long t0 = bean.getCurrentThreadCpuTime();
                    Conv.forward(g, x, w, b, y);
                    long t1 = bean.getCurrentThreadCpuTime();
                    if (ig) Conv.inputGrad(g, dy, w, dx);
                    long t2 = bean.getCurrentThreadCpuTime();
                    Conv.weightGrad(g, x, dy, dw);
                    long t3 = bean.getCurrentThreadCpuTime();
                    if (q < 0) continue;
                    t[0][q] = (t1 - t0) * 1e-6;
                    t[1][q] = (t2 - t1) * 1e-6;
                    t[2][q] = (t3 - t2) * 1e-6;
                }
                for (double[] a : t) Arrays.sort(a);
                System.out.printf("%-34s x%d  fwd %s %6.2f  ig %s %6.2f  wg %s %6.2f ms (best; median)  x count: %6.1f %6.1f %6.1f%n", s[0], count,
                    ConvAlgorithm.select(g).name().charAt(0), t[0][0], ConvAlgorithm.select(g).name().charAt(0), t[1][0],
                    ConvAlgorithm.selectWeightGrad(g).name().charAt(0), t[2][0],
                    count * t[0][rounds / 2], count * t[1][rounds / 2], count * t[2][rounds / 2]);
                for (int i = 0; i < 3; i++) tot[i] += count * t[i][rounds / 2];
            }
            return null;
        });
        System.out.printf("model total (medians x count): forward %.1f  input grad %.1f  weight grad %.1f ms%n", tot[0], tot[1], tot[2]);
    }
}
