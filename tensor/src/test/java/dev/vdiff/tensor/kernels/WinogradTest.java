package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Winograd F(2x2, 3x3) ({@link WinogradF2x3}) against the convolution's definition computed here in float64
 * (plain loops, independent of every kernel), forward, input gradient and weight gradient, on shapes that are
 * and are not multiples of the 2x2 tile; the same bits on 1 and 2 threads; vector and scalar transforms equal bit
 * for bit.
 *
 * <p>Bound: {@code |y - y64| <= 1e-5 * sum |w||x| + 1e-30} per element, the float32 rounding of a sum of products
 * (a unit roundoff of 6e-8 times the terms' magnitude, times a margin of about 170 for the transforms' adds and
 * the k-block sums). Measured errors are far below (docs/PERFORMANCE.md, "Winograd F(2x2, 3x3)").
 */
class WinogradTest {
    private static final double RTOL = 1e-5;

    @ParameterizedTest(name = "n={0} c={1} o={2} h={3} w={4}")
    @CsvSource({
        "1, 1, 1, 1, 1",       // one output, a tile mostly padding
        "2, 3, 5, 2, 2",       // one tile per image
        "2, 16, 16, 8, 8",
        "3, 17, 19, 5, 7",     // odd sizes: the last tile row and column are cropped
        "1, 20, 9, 9, 4",
        "2, 33, 48, 16, 16",   // 16 wide: output rows interleaved two at a time (AVX-512)
        "1, 32, 36, 13, 16",   // the same with an odd height
        "1, 40, 33, 7, 32",    // 32 wide: one pair of vectors per row
        "1, 64, 40, 11, 13",
        "2, 130, 17, 6, 5"})   // more channels than one k-block (128)
    void forwardAndInputGradMatchTheDefinition(int n, int c, int o, int h, int w) {
        MicroKernel.warmUp();
        ConvGeometry g = new ConvGeometry(n, c, 1, h, w, o, 1, 3, 3, 1, 1, 1, 0, 1, 1);
        SplittableRandom r = new SplittableRandom(n * 1009L + c * 31L + o * 7L + h * 3L + w);
        float[] x = random(r, n * c * h * w), wt = random(r, o * c * 9), bias = random(r, o), dy = random(r, n * o * h * w);
        float[][] y = new float[2][], dx = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            int t = threads - 1;
            y[t] = Parallel.withThreads(threads, () -> {
                float[] out = new float[n * o * h * w];
                Conv.forward(g, x, wt, bias, out, ConvAlgorithm.WINOGRAD_F2X3);
                return out;
            });
            dx[t] = Parallel.withThreads(threads, () -> {
                float[] out = new float[n * c * h * w];
                Conv.inputGrad(g, dy, wt, out, ConvAlgorithm.WINOGRAD_F2X3);
                return out;
            });
        }
        assertArrayEquals(y[0], y[1], "forward, 1 vs 2 threads");
        assertArrayEquals(dx[0], dx[1], "input gradient, 1 vs 2 threads");
        for (int im = 0; im < n; im++) {
            for (int oc = 0; oc < o; oc++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        // y[im, oc, i, j] = bias + sum w[oc, ch, a, b] x[im, ch, i + a - 1, j + b - 1]
                        double ref = bias[oc], mag = Math.abs(bias[oc]);
                        for (int ch = 0; ch < c; ch++) for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) {
                            int ii = i + a - 1, jj = j + b - 1;
                            if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
                            double p = (double) wt[((oc * c + ch) * 3 + a) * 3 + b] * x[((im * c + ch) * h + ii) * w + jj];
                            ref += p;
                            mag += Math.abs(p);
                        }
                        int at = ((im * o + oc) * h + i) * w + j;
                        assertEquals(ref, y[0][at], RTOL * mag + 1e-30, "forward at " + at);
                    }
                }
            }
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        // dx[im, ch, i, j] = sum w[oc, ch, a, b] dy[im, oc, i - a + 1, j - b + 1]
                        double ref = 0, mag = 0;
                        for (int oc = 0; oc < o; oc++) for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) {
                            int ii = i - a + 1, jj = j - b + 1;
                            if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
                            double p = (double) wt[((oc * c + ch) * 3 + a) * 3 + b] * dy[((im * o + oc) * h + ii) * w + jj];
                            ref += p;
                            mag += Math.abs(p);
                        }
                        int at = ((im * c + ch) * h + i) * w + j;
                        assertEquals(ref, dx[0][at], RTOL * mag + 1e-30, "input gradient at " + at);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "n={0} c={1} o={2} h={3} w={4}")
    @CsvSource({
        "1, 1, 1, 1, 1",
        "2, 3, 5, 2, 2",
        "3, 17, 19, 5, 7",     // odd sizes: the cropped outputs enter with a zero gradient
        "2, 64, 16, 9, 8",     // 64 channels: the wide micro-kernel
        "1, 20, 9, 9, 4",
        "5, 16, 32, 12, 10",   // more tiles than one k-block (128)
        "2, 16, 64, 9, 7",     // 64 output channels: D channels-last, read in place
        "3, 24, 128, 6, 5",
        "2, 4, 64, 8, 8"})     // the model's first convolution (4 input channels)
    void weightGradMatchesTheDefinition(int n, int c, int o, int h, int w) {
        MicroKernel.warmUp();
        ConvGeometry g = new ConvGeometry(n, c, 1, h, w, o, 1, 3, 3, 1, 1, 1, 0, 1, 1);
        SplittableRandom r = new SplittableRandom(n * 7919L + c * 37L + o * 11L + h * 5L + w);
        float[] x = random(r, n * c * h * w), dy = random(r, n * o * h * w);
        float[][] dw = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            dw[threads - 1] = Parallel.withThreads(threads, () -> {
                float[] out = new float[o * c * 9];
                Conv.weightGrad(g, x, dy, out, ConvAlgorithm.WINOGRAD_F2X3);
                return out;
            });
        }
        assertArrayEquals(dw[0], dw[1], "weight gradient, 1 vs 2 threads");
        // The transforms mix the products of a whole tile, so an element's rounding scales with the products of
        // all 9 taps of its filter: the bound is RTOL times the sum of their magnitudes
        for (int oc = 0; oc < o; oc++) {
            for (int ch = 0; ch < c; ch++) {
                double[] ref = new double[9];
                double mag = 0;
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        // dw[oc, ch, a, b] = sum over images and outputs of dy[im, oc, i, j] x[im, ch, i + a - 1, j + b - 1]
                        for (int im = 0; im < n; im++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) {
                            int ii = i + a - 1, jj = j + b - 1;
                            if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
                            double p = (double) dy[((im * o + oc) * h + i) * w + j] * x[((im * c + ch) * h + ii) * w + jj];
                            ref[a * 3 + b] += p;
                            mag += Math.abs(p);
                        }
                    }
                }
                for (int tap = 0; tap < 9; tap++) {
                    int at = (oc * c + ch) * 9 + tap;
                    assertEquals(ref[tap], dw[0][at], RTOL * mag + 1e-30, "weight gradient at " + at);
                }
            }
        }
    }

    /** The transforms' vector twins give the scalar loops' bits, on ranges that end in a scalar tail. */
    @Test
    void vectorTransformsEqualScalarOnes() {
        if (!Simd.ENABLED) return;   // nothing to compare: the scalar loops are the only path
        SplittableRandom r = new SplittableRandom(11);
        int len = 77, tw = 7;
        float[] work = random(r, 4 * (len + 2) + 8 * len), a = work.clone(), b = work.clone();
        WinogradSimd.columns(a, 1, len + 3, 4 * (len + 2), len, 0, len);
        WinogradF2x3.columns(b, 1, len + 3, 4 * (len + 2), len, 0, len);
        assertArrayEquals(b, a, "column transform");
        float[] va = new float[4 * 100 + 70], vb = new float[va.length];
        WinogradSimd.rows(work, 0, 80, tw, va, 3, 100, 0, 70);
        WinogradF2x3.rows(work, 0, 80, tw, vb, 3, 100, 0, 70);
        assertArrayEquals(vb, va, "row transform");
        float[] m = random(r, 16 * 50 + 45), oa = new float[4 * 45], ob = new float[oa.length];
        WinogradSimd.output(m, 2, 50, oa, 45, 0, 45);
        WinogradF2x3.output(m, 2, 50, ob, 45, 0, 45);
        assertArrayEquals(ob, oa, "output transform");
        float[] da = new float[16 * 50 + 45], db = new float[da.length];
        WinogradSimd.grad(m, 45, da, 2, 50, 0, 45);
        WinogradWeightGrad.grad(m, 45, db, 2, 50, 0, 45);
        assertArrayEquals(db, da, "output-gradient transform");
        float[] ca = new float[16 * 50 + 45], cb = new float[ca.length];
        WinogradSimd.gradChannels(m, 3, 100, 45, ca, 2, 50, 0, 45);
        WinogradWeightGrad.gradChannels(m, 3, 100, 45, cb, 2, 50, 0, 45);
        assertArrayEquals(cb, ca, "output-gradient transform, channels-last");
        float[] x = random(r, 200), ya = new float[200], yb = new float[200];
        WinogradSimd.interleave(x, 5, 70, 0.25f, ya, 2, 0, 40);
        WinogradF2x3.interleave(x, 5, 70, 0.25f, yb, 2, 0, 40);
        assertArrayEquals(yb, ya, "output interleave");
    }

    /** Work arrays ({@link Scratch}) poisoned with NaN by an earlier call do not reach a result. */
    @Test
    void staleWorkArraysDoNotReachResults() throws Exception {
        ConvGeometry g = new ConvGeometry(2, 24, 1, 7, 9, 20, 1, 3, 3, 1, 1, 1, 0, 1, 1);
        ConvGeometry g64 = new ConvGeometry(2, 24, 1, 7, 9, 64, 1, 3, 3, 1, 1, 1, 0, 1, 1);   // the channels-last weight gradient
        SplittableRandom r = new SplittableRandom(5);
        float[] x = random(r, g.n * g.c * g.q), w = random(r, g.o * g.ck), bias = random(r, g.o), dy = random(r, g64.n * g64.o * g64.p);
        java.util.concurrent.Callable<float[]> run = () -> Parallel.withThreads(1, () -> {
            float[] y = new float[g.n * g.o * g.p], dw = new float[g64.o * g64.ck], dw20 = new float[g.o * g.ck];
            Conv.forward(g, x, w, bias, y, ConvAlgorithm.WINOGRAD_F2X3);
            Conv.weightGrad(g64, x, dy, dw, ConvAlgorithm.WINOGRAD_F2X3);
            Conv.weightGrad(g, x, java.util.Arrays.copyOf(dy, g.n * g.o * g.p), dw20, ConvAlgorithm.WINOGRAD_F2X3);
            float[] all = java.util.Arrays.copyOf(y, y.length + dw.length + dw20.length);
            System.arraycopy(dw, 0, all, y.length, dw.length);
            System.arraycopy(dw20, 0, all, y.length + dw.length, dw20.length);
            return all;
        });
        float[] clean = run.call();
        float[][] poisoned = new float[1][];
        Thread t = new Thread(() -> {
            for (int slot : new int[] {Scratch.GRID_IN, Scratch.GRID_OUT, Scratch.WORK, Scratch.CHANNELS_LAST, Scratch.A, Scratch.B}) {
                float[] s = Scratch.floats(slot, 1 << 20);
                java.util.Arrays.fill(s, Float.NaN);
                Scratch.release(slot, s);
            }
            try {
                poisoned[0] = run.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        t.join();
        assertArrayEquals(clean, poisoned[0]);
    }

    @Test
    void theRulePicksWinogradForWide3x3Stride1Padding1Only() {
        ConvGeometry wide = new ConvGeometry(16, 64, 1, 32, 32, 64, 1, 3, 3, 1, 1, 1, 0, 1, 1);
        assertEquals(ConvAlgorithm.WINOGRAD_ENABLED ? ConvAlgorithm.WINOGRAD_F2X3 : ConvAlgorithm.DIRECT, ConvAlgorithm.select(wide));
        ConvGeometry[] direct = {
            new ConvGeometry(16, 4, 1, 32, 32, 64, 1, 3, 3, 1, 1, 1, 0, 1, 1),      // 4 input channels
            new ConvGeometry(16, 64, 1, 32, 32, 4, 1, 3, 3, 1, 1, 1, 0, 1, 1),      // 4 output channels
            new ConvGeometry(16, 64, 1, 32, 32, 64, 1, 3, 3, 2, 2, 2, 0, 1, 1),     // stride 2
            new ConvGeometry(16, 64, 1, 32, 32, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0),     // 1x1
            new ConvGeometry(16, 64, 1, 32, 32, 64, 1, 3, 3, 1, 1, 1, 0, 0, 0),     // no padding
            new ConvGeometry(2, 64, 4, 8, 8, 64, 3, 3, 3, 1, 1, 1, 1, 1, 1)};       // 3-D
        for (ConvGeometry g : direct) assertEquals(ConvAlgorithm.DIRECT, ConvAlgorithm.select(g));
        for (int i = 1; i < direct.length; i++) assertEquals(ConvAlgorithm.DIRECT, ConvAlgorithm.selectWeightGrad(direct[i]));
        assertEquals(on(), ConvAlgorithm.selectWeightGrad(direct[0]));   // 4 -> 64 at 32 x 32: faster in Winograd form
        ConvAlgorithm on = on();
        assertEquals(on, ConvAlgorithm.selectWeightGrad(wide));                                                            // 64 -> 64 at 32 x 32
        assertEquals(on, ConvAlgorithm.selectWeightGrad(new ConvGeometry(16, 128, 1, 16, 16, 128, 1, 3, 3, 1, 1, 1, 0, 1, 1)));
        assertEquals(ConvAlgorithm.DIRECT, ConvAlgorithm.selectWeightGrad(new ConvGeometry(16, 64, 1, 16, 16, 128, 1, 3, 3, 1, 1, 1, 0, 1, 1)));
        ConvGeometry o96 = new ConvGeometry(16, 128, 1, 32, 32, 96, 1, 3, 3, 1, 1, 1, 0, 1, 1);   // not a multiple of 64 outputs
        assertEquals(ConvAlgorithm.DIRECT, ConvAlgorithm.selectWeightGrad(o96));
        float[] x = new float[16 * 64 * 1024], w = new float[64 * 64 * 9], y = new float[16 * 64 * 256];
        assertThrows(IllegalArgumentException.class, () -> Conv.forward(direct[2], x, w, null, y, ConvAlgorithm.WINOGRAD_F2X3));
        assertTrue(ConvAlgorithm.WINOGRAD_MIN_CHANNELS > 4, "the model's 4-channel convolutions stay direct");
    }

    private static ConvAlgorithm on() {
        return ConvAlgorithm.WINOGRAD_ENABLED ? ConvAlgorithm.WINOGRAD_F2X3 : ConvAlgorithm.DIRECT;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }
}
