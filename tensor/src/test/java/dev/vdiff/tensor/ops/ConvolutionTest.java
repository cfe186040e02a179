package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.vdiff.tensor.ops.LinearAlgebraTest.leaf;
import static dev.vdiff.tensor.ops.LinearAlgebraTest.random;
import static dev.vdiff.tensor.ops.LinearAlgebraTest.random32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvolutionTest {
    @Test
    void smallConvolutionsMatchHandComputedValues() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = Tensor.of(new double[] {1, 0, 0, -1}, 1, 1, 2, 2);   // x[i][j] - x[i+1][j+1]
        assertArrayEquals(new double[] {-4, -4, -4, -4}, Convolution.conv2d(x, w, null, new int[] {1, 1}, new int[] {0, 0}).toDoubleArray());
        // 3x3 box sum with padding 1 and stride 2 on the same x: windows centred on (0,0), (0,2), (2,0), (2,2)
        Tensor box = Tensor.full(DType.FLOAT64, 1, 1, 1, 3, 3);
        Tensor y = Convolution.conv2d(x, box, Tensor.of(new double[] {100}, 1), new int[] {2, 2}, new int[] {1, 1});
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new double[] {100 + 1 + 2 + 4 + 5, 100 + 2 + 3 + 5 + 6, 100 + 4 + 5 + 7 + 8, 100 + 5 + 6 + 8 + 9}, y.toDoubleArray());
        // temporal (3,1,1) kernel [1, 2, 3] over 3 frames with padding 1: out[f] = x[f-1] + 2 x[f] + 3 x[f+1]
        Tensor v = Tensor.of(new double[] {1, 10, 100}, 1, 1, 3, 1, 1);
        Tensor t = Convolution.conv3d(v, Tensor.of(new double[] {1, 2, 3}, 1, 1, 3, 1, 1), null, new int[] {1, 1, 1}, new int[] {1, 0, 0});
        assertArrayEquals(new double[] {2 + 30, 1 + 20 + 300, 10 + 200}, t.toDoubleArray());
    }

    @Test
    void stride2LeavesUnreadRowsWithZeroGradient() {
        // H = W = 6, k = 3, stride 2, no padding: windows start at 0 and 2, so row and column 5 are never read
        Tensor x = Tensor.full(DType.FLOAT64, 1, 1, 1, 6, 6).requiresGrad(true);
        Tensor y = Convolution.conv2d(x, Tensor.full(DType.FLOAT64, 1, 1, 1, 3, 3), null, new int[] {2, 2}, new int[] {0, 0});
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        y.backward(Tensor.full(DType.FLOAT64, 1, y.shape()));
        for (int i = 0; i < 6; i++) {
            assertTrue(x.grad().get(0, 0, 5, i) == 0 && x.grad().get(0, 0, i, 5) == 0, "unread row/column got a gradient");
        }
        assertTrue(x.grad().get(0, 0, 2, 2) == 4, "position (2,2) is read by all four windows");
    }

    @Test
    void conv2dGradientsMatchCentralDifferences() {
        SplittableRandom rnd = new SplittableRandom(1);
        GradCheck.check(t -> Convolution.conv2d(t[0], t[1], t[2], new int[] {1, 1}, new int[] {1, 1}), leaf(rnd, 2, 3, 5, 5), leaf(rnd, 4, 3, 3, 3), leaf(rnd, 4));
        GradCheck.check(t -> Convolution.conv2d(t[0], t[1], t[2], new int[] {2, 2}, new int[] {1, 1}), leaf(rnd, 1, 2, 7, 9), leaf(rnd, 3, 2, 3, 3), leaf(rnd, 3));
        GradCheck.check(t -> Convolution.conv2d(t[0], t[1], null, new int[] {1, 2}, new int[] {0, 1}), leaf(rnd, 2, 2, 4, 7), leaf(rnd, 2, 2, 1, 3));
        GradCheck.check(t -> Convolution.conv2d(t[0], t[1], t[2], new int[] {2, 1}, new int[] {1, 0}), leaf(rnd, 1, 2, 8, 5), leaf(rnd, 3, 2, 3, 1), leaf(rnd, 3));
        GradCheck.check(t -> Convolution.conv2d(t[0], t[1], t[2], new int[] {3, 2}, new int[] {2, 0}), leaf(rnd, 1, 2, 6, 6), leaf(rnd, 2, 2, 2, 4), leaf(rnd, 2));
    }

    @Test
    void conv3dGradientsMatchCentralDifferences() {
        SplittableRandom rnd = new SplittableRandom(2);
        GradCheck.check(t -> Convolution.conv3d(t[0], t[1], t[2], new int[] {1, 1, 1}, new int[] {0, 1, 1}), leaf(rnd, 1, 2, 3, 4, 4), leaf(rnd, 3, 2, 1, 3, 3), leaf(rnd, 3));
        GradCheck.check(t -> Convolution.conv3d(t[0], t[1], t[2], new int[] {1, 1, 1}, new int[] {1, 0, 0}), leaf(rnd, 2, 3, 4, 2, 3), leaf(rnd, 3, 3, 3, 1, 1), leaf(rnd, 3));
        GradCheck.check(t -> Convolution.conv3d(t[0], t[1], null, new int[] {1, 1, 1}, new int[] {0, 0, 0}), leaf(rnd, 1, 2, 4, 3, 3), leaf(rnd, 2, 2, 3, 1, 1));
        GradCheck.check(t -> Convolution.conv3d(t[0], t[1], t[2], new int[] {1, 1, 1}, new int[] {1, 1, 1}), leaf(rnd, 1, 2, 3, 4, 3), leaf(rnd, 2, 2, 3, 3, 3), leaf(rnd, 2));
        GradCheck.check(t -> Convolution.conv3d(t[0], t[1], t[2], new int[] {1, 2, 2}, new int[] {0, 1, 1}), leaf(rnd, 1, 3, 2, 7, 5), leaf(rnd, 2, 3, 1, 3, 3), leaf(rnd, 2));
    }

    /**
     * Shapes big enough for several k-blocks and tiles, checked against the definition (direct loops); they
     * cover both kernel paths (stride 1 on the padded grid, strided via im2col).
     */
    static Stream<Arguments> largerShapes() {
        return Stream.of(
            // x [N, C, D, H, W], w [O, C, kD, kH, kW], stride, padding
            Arguments.of(new int[] {2, 16, 1, 11, 13}, new int[] {12, 16, 1, 3, 3}, new int[] {1, 1, 1}, new int[] {0, 1, 1}),
            Arguments.of(new int[] {2, 24, 1, 9, 8}, new int[] {10, 24, 1, 3, 3}, new int[] {1, 2, 2}, new int[] {0, 1, 1}),
            Arguments.of(new int[] {2, 40, 5, 4, 6}, new int[] {9, 40, 3, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 0, 0}),
            Arguments.of(new int[] {1, 12, 4, 6, 5}, new int[] {7, 12, 3, 3, 3}, new int[] {2, 1, 2}, new int[] {1, 1, 0}),
            // stride 1 but padding wider than kernel - 1: the general (im2col) path instead of the padded grid
            Arguments.of(new int[] {2, 5, 1, 4, 6}, new int[] {3, 5, 1, 1, 2}, new int[] {1, 1, 1}, new int[] {0, 1, 1}));
    }

    @ParameterizedTest(name = "x{0} w{1}")
    @MethodSource("largerShapes")
    void largerConvolutionsMatchTheDefinitionInBothPrecisions(int[] xs, int[] ws, int[] stride, int[] pad) {
        SplittableRandom rnd = new SplittableRandom(xs[1] * 31L + ws[0]);
        Tensor x = random(rnd, xs), w = random(rnd, ws), b = random(rnd, ws[0]);
        Naive ref = Naive.of(x, w, b, stride, pad);
        Tensor dy = random(rnd, ref.out.shape());
        ref.backward(dy);
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor xv = x.to(dt).copy().requiresGrad(true), wv = w.to(dt).copy().requiresGrad(true), bv = b.to(dt).copy().requiresGrad(true);
            Tensor y = Convolution.conv3d(xv, wv, bv, stride, pad);
            y.backward(dy.to(dt));
            double rtol = dt == DType.FLOAT64 ? 1e-12 : 1e-4, atol = dt == DType.FLOAT64 ? 1e-12 : 1e-4;
            Close.assertClose(y.to(DType.FLOAT64), ref.out, rtol, atol);
            Close.assertClose(xv.grad().to(DType.FLOAT64), ref.dx, rtol, atol);
            Close.assertClose(wv.grad().to(DType.FLOAT64), ref.dw, rtol, atol);
            Close.assertClose(bv.grad().to(DType.FLOAT64), ref.db, rtol, atol);
        }
        // conv2d is conv3d with depth 1
        if (xs[2] == 1 && ws[2] == 1) {
            Tensor y2 = Convolution.conv2d(x.squeeze(2), w.squeeze(2), b, new int[] {stride[1], stride[2]}, new int[] {pad[1], pad[2]});
            Close.assertClose(y2, ref.out.squeeze(2), 1e-12, 1e-12);
        }
    }

    static List<GoldenCases.Case> conv2dCases() {
        return GoldenCases.load("conv2d");
    }

    static List<GoldenCases.Case> conv3dCases() {
        return GoldenCases.load("conv3d");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conv2dCases")
    void conv2dMatchesGoldenCases(GoldenCases.Case c) {
        int[] s = ints(c.attrs().get("stride")), p = ints(c.attrs().get("padding"));
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) GoldenCases.check(c, dt, in -> Convolution.conv2d(in.get("x"), in.get("weight"), in.get("bias"), s, p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conv3dCases")
    void conv3dMatchesGoldenCases(GoldenCases.Case c) {
        int[] s = ints(c.attrs().get("stride")), p = ints(c.attrs().get("padding"));
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) GoldenCases.check(c, dt, in -> Convolution.conv3d(in.get("x"), in.get("weight"), in.get("bias"), s, p));
    }

    @Test
    void resultsAndGradientsDoNotDependOnTheThreadCount() {
        double[][] results = new double[2][];
        for (int threads = 1; threads <= 2; threads++) {
            int th = threads;
            results[th - 1] = Parallel.withThreads(th, () -> {
                SplittableRandom rnd = new SplittableRandom(4);
                Tensor x = random32(rnd, 4, 16, 12, 12).requiresGrad(true), w = random32(rnd, 24, 16, 3, 3).requiresGrad(true), b = random32(rnd, 24).requiresGrad(true);
                Tensor y = Convolution.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1});
                y.backward(random32(rnd, y.shape()));
                return LinearAlgebraTest.concat(y.toDoubleArray(), x.grad().toDoubleArray(), w.grad().toDoubleArray(), b.grad().toDoubleArray());
            });
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void badArgumentsGiveMessagesNamingTheShapes() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 3, 8, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, Tensor.zeros(DType.FLOAT32, 4, 2, 3, 3), null, new int[] {1, 1}, new int[] {1, 1}));
        assertTrue(e.getMessage().startsWith("conv2d") && e.getMessage().contains("[1, 3, 8, 8]") && e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3), null, new int[] {1}, new int[] {1, 1}));
        assertTrue(e.getMessage().contains("stride"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv3d(x, Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3), null, new int[] {1, 1, 1}, new int[] {1, 1, 1}));
        assertTrue(e.getMessage().startsWith("conv3d"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, Tensor.zeros(DType.FLOAT32, 4, 3, 11, 3), null, new int[] {1, 1}, new int[] {1, 1}));
        assertTrue(e.getMessage().contains("larger"), e.getMessage());
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    /** The definition of conv3d, forward and backward, as direct loops in float64 (the independent reference). */
    static final class Naive {
        Tensor out, dx, dw, db;
        final Tensor x, w;
        final int[] s, p;

        private Naive(Tensor x, Tensor w, int[] s, int[] p) {
            this.x = x;
            this.w = w;
            this.s = s;
            this.p = p;
        }

        static Naive of(Tensor x, Tensor w, Tensor b, int[] s, int[] p) {
            Naive r = new Naive(x, w, s, p);
            int[] xs = x.shape(), ws = w.shape();
            int[] o = new int[3];
            for (int i = 0; i < 3; i++) o[i] = (xs[2 + i] + 2 * p[i] - ws[2 + i]) / s[i] + 1;
            r.out = Tensor.zeros(DType.FLOAT64, xs[0], ws[0], o[0], o[1], o[2]);
            r.visit((n, oc, c, od, oh, ow, a, bb, e, id, ih, iw) ->
                r.out.set(r.out.get(n, oc, od, oh, ow) + w.get(oc, c, a, bb, e) * x.get(n, c, id, ih, iw), n, oc, od, oh, ow));
            int[] os = r.out.shape();
            for (int n = 0; n < os[0]; n++) for (int oc = 0; oc < os[1]; oc++) for (int i = 0; i < o[0]; i++) for (int j = 0; j < o[1]; j++) for (int k = 0; k < o[2]; k++) {
                r.out.set(r.out.get(n, oc, i, j, k) + b.get(oc), n, oc, i, j, k);
            }
            return r;
        }

        void backward(Tensor dy) {
            dx = Tensor.zerosLike(x);
            dw = Tensor.zerosLike(w);
            db = Tensor.zeros(DType.FLOAT64, w.shape(0));
            visit((n, oc, c, od, oh, ow, a, bb, e, id, ih, iw) -> {
                double g = dy.get(n, oc, od, oh, ow);
                dx.set(dx.get(n, c, id, ih, iw) + g * w.get(oc, c, a, bb, e), n, c, id, ih, iw);
                dw.set(dw.get(oc, c, a, bb, e) + g * x.get(n, c, id, ih, iw), oc, c, a, bb, e);
            });
            int[] os = dy.shape();
            for (int n = 0; n < os[0]; n++) for (int oc = 0; oc < os[1]; oc++) for (int i = 0; i < os[2]; i++) for (int j = 0; j < os[3]; j++) for (int k = 0; k < os[4]; k++) {
                db.set(db.get(oc) + dy.get(n, oc, i, j, k), oc);
            }
        }

        interface Term {
            void at(int n, int oc, int c, int od, int oh, int ow, int a, int b, int e, int id, int ih, int iw);
        }

        /** Every (output position, tap) pair whose input position lies inside x. */
        void visit(Term t) {
            int[] xs = x.shape(), ws = w.shape(), os = out.shape();
            for (int n = 0; n < xs[0]; n++) for (int oc = 0; oc < ws[0]; oc++) for (int c = 0; c < xs[1]; c++)
                for (int od = 0; od < os[2]; od++) for (int oh = 0; oh < os[3]; oh++) for (int ow = 0; ow < os[4]; ow++)
                    for (int a = 0; a < ws[2]; a++) for (int bb = 0; bb < ws[3]; bb++) for (int e = 0; e < ws[4]; e++) {
                        int id = od * s[0] + a - p[0], ih = oh * s[1] + bb - p[1], iw = ow * s[2] + e - p[2];
                        if (id >= 0 && id < xs[2] && ih >= 0 && ih < xs[3] && iw >= 0 && iw < xs[4]) t.at(n, oc, c, od, oh, ow, a, bb, e, id, ih, iw);
                    }
        }
    }
}
