package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The strided input gradient ({@link Col2imF}, the default for strides above 1) against the convolution's
 * definition computed here in float64 (plain loops over outputs and taps, independent of every kernel), on
 * seeded random geometries: 2-D and 3-D, odd sizes, strides 2 and 3, paddings 0 to 2, kernels 1 to 4, and the
 * benchmark's {@code down0} shape scaled down; the same bits on 1 and 2 threads.
 *
 * <p>Bound: {@code |dx - dx64| <= 1e-5 * sum |w||dy| + 1e-30} per element (float32 rounding of a sum of products).
 */
class Col2imTest {
    private static final double RTOL = 1e-5;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void stridedInputGradMatchesTheDefinition(int seed) {
        MicroKernel.warmUp();
        SplittableRandom r = new SplittableRandom(seed * 7919L);
        boolean threeD = seed % 4 == 0;
        int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4), kd = threeD ? 1 + r.nextInt(3) : 1;
        int sh = 1 + r.nextInt(3), sw = seed % 3 == 0 ? 1 : 2 + r.nextInt(2), sd = threeD ? 1 + r.nextInt(2) : 1;
        int ph = r.nextInt(Math.min(kh, 3)), pw = r.nextInt(Math.min(kw, 3)), pd = threeD ? r.nextInt(kd) : 0;
        int h = kh + r.nextInt(12), w = kw + r.nextInt(12), d = threeD ? kd + r.nextInt(4) : 1;
        int n = 1 + r.nextInt(3), c = 1 + r.nextInt(40), o = 1 + r.nextInt(70);
        check(new ConvGeometry(n, c, d, h, w, o, kd, kh, kw, sd, sh, sw, pd, ph, pw), r);
    }

    /** The benchmark's down0 (3x3, stride 2, padding 1), fewer images; and an odd size of it. */
    @ParameterizedTest(name = "h=w={0}")
    @ValueSource(ints = {32, 15})
    void stride2Pad1(int hw) {
        MicroKernel.warmUp();
        check(new ConvGeometry(2, 64, 1, hw, hw, 64, 1, 3, 3, 1, 2, 2, 0, 1, 1), new SplittableRandom(hw));
    }

    /** A 3-D convolution whose dcol (CK x P) exceeds one block: several channel blocks per image. */
    @org.junit.jupiter.api.Test
    void severalChannelBlocks() {
        MicroKernel.warmUp();
        check(new ConvGeometry(1, 40, 15, 31, 32, 8, 3, 3, 3, 2, 2, 2, 1, 1, 1), new SplittableRandom(40));
    }

    private static void check(ConvGeometry g, SplittableRandom r) {
        float[] wt = random(r, g.o * g.ck), dy = random(r, g.n * g.o * g.p);
        float[][] dx = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            dx[threads - 1] = Parallel.withThreads(threads, () -> {
                float[] out = new float[g.n * g.c * g.q];
                java.util.Arrays.fill(out, Float.NaN);   // every element must be written
                Conv.inputGrad(g, dy, wt, out);
                return out;
            });
        }
        assertArrayEquals(dx[0], dx[1], "1 vs 2 threads");
        double[] ref = new double[dx[0].length], mag = new double[ref.length];
        for (int n = 0; n < g.n; n++) for (int o = 0; o < g.o; o++) for (int od = 0; od < g.od; od++) for (int oh = 0; oh < g.oh; oh++) {
            for (int ow = 0; ow < g.ow; ow++) {
                double gy = dy[(((n * g.o + o) * g.od + od) * g.oh + oh) * g.ow + ow];
                for (int c = 0; c < g.c; c++) for (int a = 0; a < g.kd; a++) for (int b = 0; b < g.kh; b++) for (int e = 0; e < g.kw; e++) {
                    // out[n, o, od, oh, ow] reads x[n, c, od*sd + a - pd, oh*sh + b - ph, ow*sw + e - pw]
                    int id = od * g.sd + a - g.pd, ih = oh * g.sh + b - g.ph, iw = ow * g.sw + e - g.pw;
                    if (id < 0 || id >= g.d || ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
                    int at = (((n * g.c + c) * g.d + id) * g.h + ih) * g.w + iw;
                    double p = gy * wt[(((o * g.c + c) * g.kd + a) * g.kh + b) * g.kw + e];
                    ref[at] += p;
                    mag[at] += Math.abs(p);
                }
            }
        }
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], dx[0][i], RTOL * mag[i] + 1e-30, "dx at " + i);
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }
}
