package dev.vdiff.tensor;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Normalization;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormalizationTest {
    static Tensor random(long seed, DType dtype, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = r.nextDouble() * 4 - 2;
        Tensor t = Tensor.of(d, shape);
        return dtype == DType.FLOAT64 ? t : t.to(dtype);
    }

    @Test
    void groupNormMatchesHandComputedValues() {
        Tensor x = Tensor.of(new double[] {1, 3, 10, 30}, 1, 2, 2);
        // One group: mu = 11, deviations -10, -8, -1, 19, var = (100 + 64 + 1 + 361) / 4 = 131.5.
        double sd = Math.sqrt(131.5);
        Close.assertClose(Normalization.groupNorm(x, 1, null, null, 0), Tensor.of(new double[] {-10 / sd, -8 / sd, -1 / sd, 19 / sd}, 1, 2, 2), 1e-15, 1e-15);
        // One group per channel: [1, 3] and [10, 30] both become [-1, 1]; then * [2, 3] + [0.5, -1].
        Tensor w = Tensor.of(new double[] {2, 3}, 2), b = Tensor.of(new double[] {0.5, -1}, 2);
        Close.assertClose(Normalization.groupNorm(x, 2, w, b, 0), Tensor.of(new double[] {-1.5, 2.5, -4, 2}, 1, 2, 2), 1e-15, 1e-15);
        // eps sits inside the square root: var 1 -> 1 / sqrt(1 + 0.25).
        double s = 1 / Math.sqrt(1.25);
        Close.assertClose(Normalization.groupNorm(x.narrow(1, 0, 1), 1, null, null, 0.25), Tensor.of(new double[] {-s, s}, 1, 1, 2), 1e-15, 1e-15);
    }

    @Test
    void layerNormMatchesHandComputedValues() {
        Tensor x = Tensor.of(new double[] {1, 3, 2, 2, 0, 6}, 2, 3);
        // Row [1, 3, 2]: mu 2, var 2/3; row [2, 0, 6]: mu 8/3, var 56/9.
        double a = Math.sqrt(2.0 / 3), c = Math.sqrt(56.0 / 9);
        Tensor expect = Tensor.of(new double[] {-1 / a, 1 / a, 0, (2 - 8.0 / 3) / c, (-8.0 / 3) / c, (6 - 8.0 / 3) / c}, 2, 3);
        Close.assertClose(Normalization.layerNorm(x, null, null, 0), expect, 1e-15, 1e-15);
    }

    @Test
    void groupNormGradientsMatchCentralDifferences() {
        for (int rank = 4; rank <= 5; rank++) {
            int[] shape = rank == 4 ? new int[] {2, 6, 3, 2} : new int[] {2, 6, 2, 2, 3};
            Tensor x = random(1, DType.FLOAT64, shape).requiresGrad(true);
            Tensor w = random(2, DType.FLOAT64, 6).requiresGrad(true), b = random(3, DType.FLOAT64, 6).requiresGrad(true);
            GradCheck.check(t -> Normalization.groupNorm(t[0], 3, t[1], t[2], 1e-5), x, w, b);
            GradCheck.check(t -> Normalization.groupNorm(t[0], 2, null, null, 1e-5), x);
        }
        // A strided (non-dense) input reaches the kernel through contiguous().
        Tensor x = random(4, DType.FLOAT64, 4, 2, 3).requiresGrad(true);
        GradCheck.check(t -> Normalization.groupNorm(t[0].permute(1, 0, 2), 2, null, null, 1e-5), x);
    }

    @Test
    void layerNormGradientsMatchCentralDifferences() {
        Tensor x = random(5, DType.FLOAT64, 3, 2, 5).requiresGrad(true);
        Tensor w = random(6, DType.FLOAT64, 5).requiresGrad(true), b = random(7, DType.FLOAT64, 5).requiresGrad(true);
        GradCheck.check(t -> Normalization.layerNorm(t[0], t[1], t[2], 1e-5), x, w, b);
        GradCheck.check(t -> Normalization.layerNorm(t[0], null, null, 1e-5), x);
        // More rows than one reduction block (32), so dweight and dbias sum several blocks.
        Tensor big = random(8, DType.FLOAT64, 70, 3).requiresGrad(true);
        Tensor w3 = random(9, DType.FLOAT64, 3).requiresGrad(true), b3 = random(10, DType.FLOAT64, 3).requiresGrad(true);
        GradCheck.check(t -> Normalization.layerNorm(t[0], t[1], t[2], 1e-5), big, w3, b3);
    }

    @Test
    void layerNormOfWidthOneGivesTheBiasAndZeroInputGradient() {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor x = random(11, dt, 5, 1).requiresGrad(true);
            Tensor w = random(12, dt, 1).requiresGrad(true), b = random(13, dt, 1).requiresGrad(true);
            Tensor y = Normalization.layerNorm(x, w, b, 1e-5);
            double[] yv = y.toDoubleArray();
            for (double v : yv) assertTrue(v == b.item(), "layer_norm over width 1 must equal the bias exactly, got " + v);
            Tensor up = random(14, dt, 5, 1);
            y.backward(up);
            assertArrayEquals(new double[5], x.grad().toDoubleArray(), 0.0);
            // dbias = sum of upstream; dweight = sum of upstream * xhat = 0.
            Close.assertClose(b.grad().toDoubleArray(), new double[] {sum(up.toDoubleArray())}, 1e-6, 1e-6);
            assertArrayEquals(new double[1], w.grad().toDoubleArray(), 0.0);
        }
        GradCheck.check(t -> Normalization.layerNorm(t[0], t[1], t[2], 1e-5),
            random(15, DType.FLOAT64, 4, 1).requiresGrad(true), random(16, DType.FLOAT64, 1).requiresGrad(true), random(17, DType.FLOAT64, 1).requiresGrad(true));
    }

    @Test
    void groupNormWithOneGroupEqualsLayerNormOverTheFlattenedSample() {
        Tensor x = random(18, DType.FLOAT64, 3, 4, 5);
        Tensor g = Normalization.groupNorm(x, 1, null, null, 1e-5);
        Tensor l = Normalization.layerNorm(x.reshape(3, 20), null, null, 1e-5).reshape(3, 4, 5);
        Close.assertClose(g, l, 1e-13, 1e-13);
    }

    @Test
    void float32AgreesWithFloat64() {
        Tensor x = random(19, DType.FLOAT64, 2, 8, 5, 7);
        Tensor w = random(20, DType.FLOAT64, 8), b = random(21, DType.FLOAT64, 8);
        Tensor y64 = Normalization.groupNorm(x, 4, w, b, 1e-5);
        Tensor y32 = Normalization.groupNorm(x.to(DType.FLOAT32), 4, w.to(DType.FLOAT32), b.to(DType.FLOAT32), 1e-5);
        Close.assertClose(y32.to(DType.FLOAT64), y64, 1e-5, 1e-5);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        double[][] one = runBoth(1), two = runBoth(2);
        for (int i = 0; i < one.length; i++) assertArrayEquals(one[i], two[i], 0.0, "result " + i + " changed with the thread count");
    }

    /** GroupNorm and LayerNorm, float32, forward and all gradients, on inputs big enough to be split. */
    private static double[][] runBoth(int threads) {
        return Parallel.withThreads(threads, () -> runBothHere());
    }

    private static double[][] runBothHere() {
        // 32 groups of 1024 elements: two or more tasks; 200 rows of 128: two or more tasks, seven row blocks.
        Tensor x = random(22, DType.FLOAT32, 8, 16, 16, 16).requiresGrad(true);
        Tensor w = random(23, DType.FLOAT32, 16).requiresGrad(true), b = random(24, DType.FLOAT32, 16).requiresGrad(true);
        Tensor y = Normalization.groupNorm(x, 4, w, b, 1e-5);
        y.backward(random(25, DType.FLOAT32, 8, 16, 16, 16));
        Tensor xl = random(26, DType.FLOAT32, 200, 128).requiresGrad(true);
        Tensor wl = random(27, DType.FLOAT32, 128).requiresGrad(true), bl = random(28, DType.FLOAT32, 128).requiresGrad(true);
        Tensor yl = Normalization.layerNorm(xl, wl, bl, 1e-5);
        yl.backward(random(29, DType.FLOAT32, 200, 128));
        return new double[][] {y.toDoubleArray(), x.grad().toDoubleArray(), w.grad().toDoubleArray(), b.grad().toDoubleArray(),
            yl.toDoubleArray(), xl.grad().toDoubleArray(), wl.grad().toDoubleArray(), bl.grad().toDoubleArray()};
    }

    @Test
    void badArgumentsGiveMessagesNamingTheShapes() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 6, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Normalization.groupNorm(x, 4, null, null, 1e-5));
        assertTrue(e.getMessage().contains("4 groups") && e.getMessage().contains("[2, 6, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.groupNorm(x, 3, Tensor.zeros(DType.FLOAT32, 5), Tensor.zeros(DType.FLOAT32, 5), 1e-5));
        assertTrue(e.getMessage().contains("weight must be [6]") && e.getMessage().contains("[5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.layerNorm(x, Tensor.zeros(DType.FLOAT64, 3), Tensor.zeros(DType.FLOAT64, 3), 1e-5));
        assertTrue(e.getMessage().contains("float64") && e.getMessage().contains("float32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.layerNorm(x, Tensor.zeros(DType.FLOAT32, 3), null, 1e-5));
        assertTrue(e.getMessage().contains("both weight and bias"), e.getMessage());
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }
}
