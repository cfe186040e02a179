package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Rectifiers;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Softmax;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Autograd#grad}: its contract, and a gradient penalty differentiated with respect to a network's parameters. */
class GradApiTest {
    @Test
    void powerRuleTwice() {
        Tensor x = Tensor.of(new double[] {3}, 1).requiresGrad(true);
        Tensor y = Reductions.sumAll(Pointwise.pow(x, 3));
        Tensor dy = Autograd.grad(y, new Tensor[] {x}, true)[0];
        assertEquals(27, dy.item(), 1e-12);
        assertEquals(18, Autograd.grad(Reductions.sumAll(dy), new Tensor[] {x}, false)[0].item(), 1e-12);
        assertNull(x.grad(), "grad() must not accumulate into leaves");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT32", "FLOAT64"})
    void firstOrderGradEqualsBackwardBitForBit(String dt) {
        DType dtype = DType.valueOf(dt);
        Rng r = Rng.seed(4);
        Tensor x = r.normal(dtype, 2, 3, 5, 5).requiresGrad(true), w = r.normal(dtype, 4, 3, 3, 3).requiresGrad(true);
        Tensor gw = r.normal(dtype, 4).requiresGrad(true), gb = r.normal(dtype, 4).requiresGrad(true);
        java.util.function.Supplier<Tensor> f = () -> Reductions.sumAll(Pointwise.silu(Normalization.groupNorm(
            Convolution.conv2d(x, w, null, new int[] {1, 1}, new int[] {1, 1}), 2, gw, gb, 1e-5)));
        Tensor[] viaGrad = Autograd.grad(f.get(), new Tensor[] {x, w, gw, gb}, false);
        Tensor[] viaGraph = Autograd.grad(f.get(), new Tensor[] {x, w, gw, gb}, true);
        f.get().backward();
        Tensor[] leaves = {x, w, gw, gb};
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(leaves[i].grad().toDoubleArray(), viaGrad[i].toDoubleArray(), 0.0, "input " + i);
            double[] a = viaGraph[i].toDoubleArray(), b = viaGrad[i].toDoubleArray();
            for (int k = 0; k < a.length; k++) assertEquals(b[k], a[k], (dtype == DType.FLOAT32 ? 1e-4 : 1e-11) * (1 + Math.abs(b[k])), "input " + i + " at " + k);
        }
    }

    @Test
    void unusedInputGetsZerosAndGraphSurvives() {
        Tensor a = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true), b = Tensor.of(new double[] {5}, 1).requiresGrad(true);
        Tensor y = Reductions.sumAll(Pointwise.square(a));
        Tensor[] g = Autograd.grad(y, new Tensor[] {a, b}, false);
        assertArrayEquals(new double[] {2, 4}, g[0].toDoubleArray());
        assertArrayEquals(new double[] {0}, g[1].toDoubleArray());
        y.backward();   // grad() did not free the graph
        assertArrayEquals(new double[] {2, 4}, a.grad().toDoubleArray());
    }

    @Test
    void opWithoutSecondOrderIsNamed() {
        Tensor x = Rng.seed(1).normal(DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor y = Reductions.sumAll(Pointwise.square(Softmax.softmax(x, -1)));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Autograd.grad(y, new Tensor[] {x}, true));
        assertTrue(e.getMessage().contains("'softmax'"), e.getMessage());
        Tensor z = Reductions.sumAll(Pointwise.gelu(x));
        assertTrue(assertThrows(UnsupportedOperationException.class, () -> Autograd.grad(z, new Tensor[] {x}, true)).getMessage().contains("'gelu'"));
    }

    @Test
    void createGraphInsideNoGradIsRefused() {
        Tensor x = Tensor.of(new double[] {1}, 1).requiresGrad(true);
        Tensor y = Reductions.sumAll(Pointwise.square(x));
        try (var s = Autograd.noGrad()) {
            assertThrows(IllegalStateException.class, () -> Autograd.grad(y, new Tensor[] {x}, true));
        }
    }

    /**
     * A WGAN-GP style penalty {@code GP = mean_b (||d D(x_b)/d x_b|| - 1)^2} of a small critic (conv, group
     * norm, leaky ReLU, SiLU, mean, linear), differentiated with respect to every parameter and the input,
     * against central differences of GP itself (GP from first-order gradients only).
     */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void gradientPenaltyParameterGradientsMatchFiniteDifferences(long seed) {
        Rng r = Rng.seed(seed);
        Tensor[] p = {
            r.normal(DType.FLOAT64, 2, 2, 4, 4),                 // x
            r.normal(0, 0.4, DType.FLOAT64, 3, 2, 3, 3),         // conv weight
            r.normal(DType.FLOAT64, 3),                          // conv bias
            r.normal(1, 0.2, DType.FLOAT64, 3),                  // norm weight
            r.normal(0, 0.2, DType.FLOAT64, 3),                  // norm bias
            r.normal(DType.FLOAT64, 1, 3),                       // linear weight
            r.normal(DType.FLOAT64, 1)};                         // linear bias
        for (Tensor t : p) t.requiresGrad(true);
        Tensor gp = penalty(p, true);
        Tensor[] analytic = Autograd.grad(gp, p, false);
        double eps = 1e-6;
        for (int k = 0; k < p.length; k++) {
            double[] v = p[k].doubles();
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + eps;
                double hi = penalty(p, false).item();
                v[i] = keep - eps;
                double lo = penalty(p, false).item();
                v[i] = keep;
                double num = (hi - lo) / (2 * eps), ana = analytic[k].toDoubleArray()[i];
                assertTrue(Math.abs(ana - num) <= 1e-5 + 1e-3 * Math.abs(num), "tensor " + k + " index " + i + ": autodiff " + ana + " vs central difference " + num);
            }
        }
    }

    static Tensor critic(Tensor[] p, Tensor x) {
        Tensor h = Convolution.conv2d(x, p[1], p[2], new int[] {1, 1}, new int[] {1, 1});   // [B, 3, 4, 4]
        h = Rectifiers.leakyRelu(Normalization.groupNorm(h, 3, p[3], p[4], 1e-5), 0.2);
        h = Pointwise.silu(h);
        Tensor pooled = Reductions.mean(h, new int[] {2, 3}, false);                        // [B, 3]
        return LinearAlgebra.linear(pooled, p[5], p[6]);                                    // [B, 1]
    }

    /** GP of the critic at p[0]; with {@code createGraph} false the value only (for the finite differences). */
    static Tensor penalty(Tensor[] p, boolean createGraph) {
        Tensor d = Reductions.sumAll(critic(p, p[0]));
        Tensor g = Autograd.grad(d, new Tensor[] {p[0]}, createGraph)[0];                  // [B, 2, 4, 4]
        Tensor norm = Pointwise.sqrt(Reductions.sum(Pointwise.square(g), new int[] {1, 2, 3}, false));
        return Reductions.meanAll(Pointwise.square(Arithmetic.add(norm, -1.0)));
    }
}
