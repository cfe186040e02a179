package dev.vdiff.tensor;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Reductions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReductionsTest {
    private static final Tensor X = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test
    void handValuesAndShapes() {
        Tensor s1 = Reductions.sum(X, new int[] {1}, false);
        assertArrayEquals(new int[] {2}, s1.shape());
        assertArrayEquals(new double[] {6, 15}, s1.toDoubleArray());
        Tensor m0 = Reductions.mean(X, new int[] {0}, true);
        assertArrayEquals(new int[] {1, 3}, m0.shape());
        assertArrayEquals(new double[] {2.5, 3.5, 4.5}, m0.toDoubleArray());
        Tensor all = Reductions.sum(X, null, false);
        assertArrayEquals(new int[] {}, all.shape());
        assertEquals(21, all.item());
        assertArrayEquals(new int[] {1, 1}, Reductions.mean(X, null, true).shape());
        assertEquals(3.5, Reductions.meanAll(X).item());
        assertArrayEquals(new int[] {}, Reductions.sumAll(X).shape());
        assertArrayEquals(new double[] {6, 15}, Reductions.sum(X, new int[] {-1}, false).toDoubleArray());
        Tensor mx = Reductions.max(X, -1, true);
        assertArrayEquals(new int[] {2, 1}, mx.shape());
        assertArrayEquals(new double[] {3, 6}, mx.toDoubleArray());
        assertArrayEquals(new double[] {4, 5, 6}, Reductions.max(X, 0, false).toDoubleArray());
        // a 0-d tensor reduces to itself
        assertEquals(7, Reductions.sum(Tensor.scalar(DType.FLOAT64, 7), null, false).item());
    }

    /** Shapes and axis lists covering adjacent, non-adjacent, negative and size-1 axes. */
    static Stream<Object[]> layouts() {
        return Stream.of(
            new Object[] {new int[] {3, 4, 5}, new int[] {1}},
            new Object[] {new int[] {3, 4, 5}, new int[] {0, 2}},
            new Object[] {new int[] {3, 4, 5}, new int[] {-1, 0}},
            new Object[] {new int[] {2, 3, 4, 5}, new int[] {1, 3}},
            new Object[] {new int[] {2, 1, 3, 1}, new int[] {1, 3}},
            new Object[] {new int[] {4, 1, 6}, new int[] {0, 2}},
            new Object[] {new int[] {2, 3, 4}, null},
            new Object[] {new int[] {5, 2000}, new int[] {0}},
            new Object[] {new int[] {3, 5000}, new int[] {1}});
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void matchesANaiveSumForEveryLayout(int[] shape, int[] axes) {
        Tensor x = random(shape, 11);
        for (boolean keepdim : new boolean[] {true, false}) {
            Tensor expected = naiveSum(x, axes, keepdim);
            Tensor s = Reductions.sum(x, axes, keepdim);
            Close.assertClose(s, expected, 1e-13, 1e-13);
            double count = (double) x.numel() / expected.numel();
            Close.assertClose(Reductions.mean(x, axes, keepdim).toDoubleArray(), scaled(expected, 1 / count), 1e-13, 1e-13);
            Close.assertClose(Reductions.sum(x.to(DType.FLOAT32), axes, keepdim).to(DType.FLOAT64), expected, 1e-5, 1e-5);
        }
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Tensor x = random(new int[] {2, 3, 4}, 3).requiresGrad(true);
        GradCheck.check(t -> Reductions.sum(t[0], new int[] {1}, false), x);
        GradCheck.check(t -> Reductions.sum(t[0], new int[] {0, 2}, true), x);
        GradCheck.check(t -> Reductions.mean(t[0], new int[] {-1, 0}, false), x);
        GradCheck.check(t -> Reductions.meanAll(t[0]), x);
        GradCheck.check(t -> Reductions.sumAll(t[0].transpose(0, 2)), x);
        GradCheck.check(t -> Reductions.max(t[0], 1, false), x);
        GradCheck.check(t -> Reductions.max(t[0], -1, true), x);
        GradCheck.checkDirection(t -> Reductions.mean(t[0], new int[] {0}, false), 3, 5, random(new int[] {300, 40}, 4).requiresGrad(true));
    }

    @Test
    void maxSendsTheGradientToTheFirstOfTiedMaxima() {
        Tensor x = Tensor.of(new double[] {1, 5, 5, 2, 3, 3}, 2, 3).requiresGrad(true);
        Reductions.max(x, 1, false).backward(Tensor.of(new double[] {10, 20}, 2));
        assertArrayEquals(new double[] {0, 10, 0, 0, 20, 0}, x.grad().toDoubleArray());
    }

    @Test
    void longSumsAreAccurate() {
        // 2^20 copies of 0.1f: the exact sum is 2^20 times the float32 number nearest 0.1
        int n = 1 << 20;
        float[] a = new float[n];
        java.util.Arrays.fill(a, 0.1f);
        double exact = new BigDecimal(0.1f).multiply(BigDecimal.valueOf(n)).doubleValue();
        assertEquals(exact, Reductions.sumAll(Tensor.of(a, n)).item(), exact * 1e-7);
        // float64 with large cancellation: +1e8 and -1e8 alternating with small values, exact sum known
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = (i % 2 == 0 ? 1e8 : -1e8) + 0.25;
        assertEquals(0.25 * n, Reductions.sumAll(Tensor.of(d, n)).item(), 1e-6);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Tensor x = random(new int[] {7, 9000}, 8);
        Tensor y = random(new int[] {40, 3000}, 9).to(DType.FLOAT32);
        double[] a1 = Parallel.withThreads(1, () -> Reductions.sum(x, new int[] {1}, false).toDoubleArray());
        double[] b1 = Parallel.withThreads(1, () -> Reductions.sum(y, new int[] {0}, false).toDoubleArray());
        double c1 = Parallel.withThreads(1, () -> Reductions.sumAll(x).item());
        Parallel.withThreads(3, () -> {
            assertArrayEquals(a1, Reductions.sum(x, new int[] {1}, false).toDoubleArray());
            assertArrayEquals(b1, Reductions.sum(y, new int[] {0}, false).toDoubleArray());
            assertEquals(c1, Reductions.sumAll(x).item());
            return null;
        });
    }

    @Test
    void badAxesNameTheOpAndShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Reductions.sum(X, new int[] {2}, false));
        assertTrue(e.getMessage().contains("sum") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Reductions.mean(X, new int[] {1, -1}, false));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reductions.max(Tensor.zeros(DType.FLOAT64, 2, 0), 1, false));
    }

    static Tensor random(int[] shape, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 4 - 2);
        return Tensor.of(v, shape);
    }

    /** Sum by visiting every element with explicit multi-indices (independent of the kernel's layout tricks). */
    private static Tensor naiveSum(Tensor x, int[] axes, boolean keepdim) {
        int[] shape = x.shape();
        int r = shape.length;
        boolean[] red = new boolean[r];
        if (axes == null) java.util.Arrays.fill(red, true);
        else for (int a : axes) red[a < 0 ? a + r : a] = true;
        int[] keepShape = shape.clone();
        for (int d = 0; d < r; d++) if (red[d]) keepShape[d] = 1;
        double[] out = new double[Shape.numel(keepShape)];
        int[] idx = new int[r];
        double[] v = x.toDoubleArray();
        for (int flat = 0; flat < v.length; flat++) {
            int rem = flat, o = 0;
            for (int d = r - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            for (int d = 0; d < r; d++) o = o * keepShape[d] + (red[d] ? 0 : idx[d]);
            out[o] += v[flat];
        }
        if (keepdim) return Tensor.of(out, keepShape);
        int[] s = new int[r];
        int k = 0;
        for (int d = 0; d < r; d++) if (!red[d]) s[k++] = shape[d];
        return Tensor.of(out, java.util.Arrays.copyOf(s, k));
    }

    private static double[] scaled(Tensor t, double c) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] *= c;
        return v;
    }
}
