package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The convolution weight gradient read in place from channels-last x ({@link Conv#weightGradInPlace}) sums
 * the same products in the same order as the packed im2col product ({@link Conv#weightGradPacked}): same
 * bits, on 1 and 2 threads; and one element is checked against the definition in double.
 */
class ConvWeightGradTest {
    @ParameterizedTest(name = "n={0} c={1} d={2} h={3} w={4} o={5} k={6}x{7}x{8} s={9} p={10}")
    @CsvSource({
        // n, c, d, h, w, o, kd, kh, kw, stride (h, w; d: 1), padding (h, w; d: kd / 2)
        "2, 64, 1, 9, 7, 12, 1, 3, 3, 1, 1",     // 3x3, stride 1, padding 1
        "3, 64, 1, 10, 8, 8, 1, 3, 3, 2, 1",     // 3x3, stride 2 (the UNet's downsampling)
        "2, 128, 1, 6, 5, 4, 1, 1, 1, 1, 0",     // 1x1 (skip convolutions)
        "1, 192, 1, 5, 6, 7, 1, 3, 3, 1, 0",     // no padding, odd output count
        "2, 64, 3, 4, 5, 5, 3, 3, 3, 1, 1"})     // 3-D
    void inPlaceEqualsPackedBitForBit(int n, int c, int d, int h, int w, int o, int kd, int kh, int kw, int s, int p) {
        MicroKernel.warmUp();   // the vector kernels when this JVM has them (the scalar ones give the same bits)
        ConvGeometry g = new ConvGeometry(n, c, d, h, w, o, kd, kh, kw, 1, s, s, kd / 2, p, p);
        SplittableRandom r = new SplittableRandom(c * 131L + h * 17L + o);
        float[] x = new float[n * c * g.q], dy = new float[n * o * g.p];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
        float[][] packed = new float[2][], inPlace = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            int t = threads - 1;
            packed[t] = Parallel.withThreads(threads, () -> {
                float[] dw = new float[o * g.ck];
                Conv.weightGradPacked(g, x, dy, dw);
                return dw;
            });
            inPlace[t] = Parallel.withThreads(threads, () -> {
                float[] dw = new float[o * g.ck];
                Conv.weightGradInPlace(g, x, dy, dw);
                return dw;
            });
        }
        assertArrayEquals(packed[0], inPlace[0], "1 thread: in place vs packed");
        assertArrayEquals(packed[0], inPlace[1], "2 threads: in place vs packed");
        assertArrayEquals(packed[0], packed[1], "packed, 1 vs 2 threads");
        // dw[o', c', tap] against the definition, in double
        int oo = o - 1, cc = c / 2, tap = g.kk - 1, a = g.tapD(tap), b = g.tapH(tap), e = g.tapW(tap);
        double ref = 0;
        for (int im = 0; im < n; im++) {
            for (int od = 0; od < g.od; od++) for (int oh = 0; oh < g.oh; oh++) for (int ow = 0; ow < g.ow; ow++) {
                int id = od * g.sd + a - g.pd, ih = oh * g.sh + b - g.ph, iw = ow * g.sw + e - g.pw;
                if (id < 0 || id >= d || ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                ref += (double) dy[((im * o + oo) * g.od + od) * g.oh * g.ow + oh * g.ow + ow] * x[((im * c + cc) * d + id) * h * w + ih * w + iw];
            }
        }
        assertEquals(ref, inPlace[0][(oo * c + cc) * g.kk + tap], 1e-5 * Math.sqrt(n * g.p) + 1e-5 * Math.abs(ref));
    }

    /**
     * The padded grids live in reused work arrays ({@link Scratch}): whatever an earlier call left there (here
     * NaN everywhere) must not reach a result. Forward, input and weight gradient on a poisoned thread equal
     * the same calls on a fresh thread, bit for bit.
     */
    @org.junit.jupiter.api.Test
    void staleWorkArraysDoNotReachResults() throws Exception {
        ConvGeometry g = new ConvGeometry(2, 64, 1, 7, 6, 8, 1, 3, 3, 1, 1, 1, 0, 1, 1);
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[g.n * g.c * g.q], w = new float[g.o * g.ck], bias = new float[g.o], dy = new float[g.n * g.o * g.p];
        for (float[] a : new float[][] {x, w, bias, dy}) for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        java.util.function.Supplier<float[][]> run = () -> {
            float[] y = new float[g.n * g.o * g.p], dx = new float[x.length], dw = new float[w.length];
            Conv.forward(g, x, w, bias, y);
            Conv.inputGrad(g, dy, w, dx);
            Conv.weightGrad(g, x, dy, dw);
            return new float[][] {y, dx, dw};
        };
        float[][][] fresh = new float[1][][];
        Thread t = new Thread(() -> fresh[0] = Parallel.withThreads(1, run));
        t.start();
        t.join();
        for (int slot : new int[] {Scratch.GRID_IN, Scratch.GRID_OUT}) {
            float[] stale = Scratch.floats(slot, 1 << 16);
            java.util.Arrays.fill(stale, Float.NaN);
            Scratch.release(slot, stale);
        }
        float[][] poisoned = Parallel.withThreads(1, run);
        for (int i = 0; i < 3; i++) assertArrayEquals(fresh[0][i], poisoned[i], "result " + i + " (forward, dx, dw)");
    }

    /**
     * The pointwise weight gradient ({@link Conv#weightGradPointwise}, x read channels-first) against the packed
     * product (same bits, 1 and 2 threads) and against the definition in double (every element), on seeded random
     * 1x1 and 1x1x1 shapes with odd sizes, more positions than one k-block, and the benchmark's skip convolutions
     * scaled down.
     */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void pointwiseEqualsPackedAndTheDefinition(int seed) {
        MicroKernel.warmUp();
        SplittableRandom r = new SplittableRandom(seed * 104729L);
        int n = 1 + r.nextInt(3), c = seed == 1 ? 192 : 1 + r.nextInt(130), o = seed == 1 ? 64 : 1 + r.nextInt(70);
        int d = seed % 3 == 0 ? 1 + r.nextInt(3) : 1, h = 1 + r.nextInt(13), w = 1 + r.nextInt(17);
        ConvGeometry g = new ConvGeometry(n, c, d, h, w, o, 1, 1, 1, 1, 1, 1, 0, 0, 0);
        float[] x = new float[n * c * g.q], dy = new float[n * o * g.p];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
        float[][] pointwise = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            pointwise[threads - 1] = Parallel.withThreads(threads, () -> {
                float[] dw = new float[o * c];
                java.util.Arrays.fill(dw, Float.NaN);
                Conv.weightGradPointwise(g, x, dy, dw);
                return dw;
            });
        }
        float[] packed = new float[o * c];
        Conv.weightGradPacked(g, x, dy, packed);
        assertArrayEquals(packed, pointwise[0], "pointwise vs packed");
        assertArrayEquals(pointwise[0], pointwise[1], "pointwise, 1 vs 2 threads");
        for (int oo = 0; oo < o; oo++) {
            for (int cc = 0; cc < c; cc++) {
                double ref = 0, mag = 0;
                for (int im = 0; im < n; im++) {
                    for (int q = 0; q < g.q; q++) {
                        double p = (double) dy[(im * o + oo) * g.q + q] * x[(im * c + cc) * g.q + q];
                        ref += p;
                        mag += Math.abs(p);
                    }
                }
                assertEquals(ref, pointwise[0][oo * c + cc], 1e-5 * mag + 1e-30, "dw[" + oo + ", " + cc + "]");
            }
        }
    }
}
