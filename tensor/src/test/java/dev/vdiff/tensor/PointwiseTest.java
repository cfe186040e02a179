package dev.vdiff.tensor;

import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Pointwise;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PointwiseTest {
    /** The magnitudes docs/ORACLE.md §5.10 asks activations to survive, plus ordinary values. */
    static final double[] EXTREMES = {-100, -50, -20, -3.5, -1, -1e-3, 0, 1e-3, 0.7, 2, 20, 50, 100};

    private static Tensor vec(double... v) {
        return Tensor.of(v.clone(), v.length);
    }

    private static void near(Tensor actual, double... expected) {
        Close.assertClose(actual, vec(expected), 1e-14, 1e-15);
    }

    @Test
    void handValues() {
        near(Pointwise.exp(vec(0, 1, -1)), 1, Math.E, 1 / Math.E);
        near(Pointwise.log(vec(1, Math.E, 0.5)), 0, 1, -Math.log(2));
        near(Pointwise.sqrt(vec(4, 0, 2.25)), 2, 0, 1.5);
        near(Pointwise.square(vec(-3, 0.5)), 9, 0.25);
        near(Pointwise.tanh(vec(0, 1)), 0, (Math.E * Math.E - 1) / (Math.E * Math.E + 1));
        near(Pointwise.sigmoid(vec(0, Math.log(3))), 0.5, 0.75);
        near(Pointwise.pow(vec(2, 3, 4), 3), 8, 27, 64);
        near(Pointwise.pow(vec(4, 9), 0.5), 2, 3);
        near(Pointwise.pow(vec(4), -1), 0.25);
        near(Pointwise.clamp(vec(-2, -1, 0.3, 1, 5), -1, 1), -1, -1, 0.3, 1, 1);
        near(Pointwise.silu(vec(0, Math.log(3))), 0, 0.75 * Math.log(3));
        // gelu(x) = x Phi(x); Phi(1) = 0.8413447460685429 (normal table), so gelu(1) = Phi(1), gelu(-1) = Phi(1) - 1
        near(Pointwise.gelu(vec(0, 1, -1)), 0, 0.8413447460685429, 0.8413447460685429 - 1);
    }

    @Test
    void activationsMatchTheirDefiningFormulas() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] x = new double[200];
        for (int i = 0; i < x.length; i++) x[i] = (rnd.nextDouble() * 2 - 1) * 8;
        Tensor t = vec(x);
        compare(Pointwise.silu(t), x, v -> v / (1 + Math.exp(-v)));
        compare(Pointwise.sigmoid(t), x, v -> 1 / (1 + Math.exp(-v)));
        compare(Pointwise.gelu(t), x, v -> 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        compare(Pointwise.geluTanh(t), x, v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        compare(Pointwise.tanh(t), x, Math::tanh);
    }

    private static void compare(Tensor actual, double[] x, DoubleUnaryOperator f) {
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) e[i] = f.applyAsDouble(x[i]);
        Close.assertClose(actual.toDoubleArray(), e, 1e-12, 1e-13);
    }

    @Test
    void gelusAreDistinguishable() {
        // the tanh form differs from the exact one by ~1e-4 near |x| = 2: the two must not be confused
        double d = Pointwise.gelu(vec(2)).item() - Pointwise.geluTanh(vec(2)).item();
        assertTrue(Math.abs(d) > 1e-5, "gelu(2) - geluTanh(2) = " + d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "float64"})
    void extremeInputsGiveFiniteValuesAndGradients(String dt) {
        DType dtype = DType.parse(dt);
        for (UnaryOperator<Tensor> f : activations()) {
            Tensor x = vec(EXTREMES).to(dtype).copy().requiresGrad(true);
            Tensor y = f.apply(x);
            y.backward(Tensor.ones(dtype, EXTREMES.length));
            for (double v : y.toDoubleArray()) assertTrue(Double.isFinite(v), "value " + v + " in " + y);
            for (double v : x.grad().toDoubleArray()) assertTrue(Double.isFinite(v), "gradient " + v + " in " + x.grad());
        }
        // the saturated ends: sigmoid(-100) is tiny but exact, sigmoid(100) is 1, silu(-100) ~ -3.7e-42
        Tensor s = Pointwise.sigmoid(vec(-100, 100).to(dtype));
        // (float32 sigmoid uses a float exp that flushes below e^-87, the edge of the normal floats, to 0)
        Close.assertClose(s.to(DType.FLOAT64), vec(Math.exp(-100), 1), 1e-6, dtype == DType.FLOAT32 ? 1.2e-38 : 0);
    }

    private static java.util.List<UnaryOperator<Tensor>> activations() {
        return java.util.List.of(Pointwise::sigmoid, Pointwise::tanh, Pointwise::silu, Pointwise::gelu, Pointwise::geluTanh,
            x -> Pointwise.clamp(x, -1, 1));
    }

    @Test
    void float32AgreesWithFloat64() {
        SplittableRandom rnd = new SplittableRandom(5);
        double[] x = new double[1000];
        for (int i = 0; i < x.length; i++) x[i] = (float) ((rnd.nextDouble() * 2 - 1) * 6);
        for (UnaryOperator<Tensor> f : activations()) {
            Tensor x64 = vec(x).requiresGrad(true), x32 = vec(x).to(DType.FLOAT32).copy().requiresGrad(true);
            Tensor y64 = f.apply(x64), y32 = f.apply(x32);
            Close.assertClose(y32.to(DType.FLOAT64), y64, 1e-6, 1e-7);
            y64.backward(Tensor.ones(DType.FLOAT64, x.length));
            y32.backward(Tensor.ones(DType.FLOAT32, x.length));
            Close.assertClose(x32.grad().to(DType.FLOAT64), x64.grad(), 1e-6, 1e-7);
        }
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Tensor pos = vec(0.3, 1.7, 2.5, 0.9, 4.0);
        Tensor any = vec(-1.3, -0.2, 0.4, 1.1, 2.2);
        GradCheck.check(x -> Pointwise.exp(x[0]), any.requiresGrad(true));
        GradCheck.check(x -> Pointwise.log(x[0]), pos.requiresGrad(true));
        GradCheck.check(x -> Pointwise.sqrt(x[0]), pos.requiresGrad(true));
        GradCheck.check(x -> Pointwise.square(x[0]), any.requiresGrad(true));
        GradCheck.check(x -> Pointwise.pow(x[0], 3), any.requiresGrad(true));
        GradCheck.check(x -> Pointwise.pow(x[0], -1.5), pos.requiresGrad(true));
        GradCheck.check(x -> Pointwise.pow(x[0], 0.5), pos.requiresGrad(true));
        GradCheck.check(x -> Pointwise.pow(x[0], 0), any.requiresGrad(true));
        GradCheck.check(x -> Pointwise.clamp(x[0], -0.5, 1.5), any.requiresGrad(true));
        GradCheck.check(x -> Pointwise.clamp(x[0], Double.NEGATIVE_INFINITY, 0), any.requiresGrad(true));
        // activations over the extreme inputs as well
        for (UnaryOperator<Tensor> f : java.util.List.<UnaryOperator<Tensor>>of(Pointwise::tanh, Pointwise::sigmoid, Pointwise::silu,
                Pointwise::gelu, Pointwise::geluTanh)) {
            GradCheck.check(x -> f.apply(x[0]), vec(EXTREMES).requiresGrad(true));
        }
    }

    @Test
    void gradientThroughAStridedView() {
        Tensor a = Tensor.of(new double[] {0.5, -1.2, 2.0, 0.7, 1.1, -0.3}, 2, 3).requiresGrad(true);
        GradCheck.check(x -> Pointwise.silu(x[0].transpose(0, 1)), a);
        GradCheck.check(x -> Pointwise.exp(x[0].narrow(1, 1, 2)), a);
    }

    @Test
    void clampPassesTheGradientAtTheBounds() {
        Tensor x = vec(-1, -0.5, 1, 1.5).requiresGrad(true);
        Pointwise.clamp(x, -1, 1).backward(Tensor.ones(DType.FLOAT64, 4));
        near(x.grad(), 1, 1, 1, 0);
    }

    @Test
    void integerInputIsRejectedWithTheOpName() {
        Tensor i = Tensor.ofLongs(new long[] {1, 2}, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Pointwise.silu(i));
        assertTrue(e.getMessage().contains("silu") && e.getMessage().contains("int64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pointwise.clamp(vec(1), 2, 1));
    }

    @Test
    void noGraphWithoutRequiresGrad() {
        Tensor y = Pointwise.gelu(vec(1, 2));
        assertTrue(!y.requiresGrad());
    }
}
