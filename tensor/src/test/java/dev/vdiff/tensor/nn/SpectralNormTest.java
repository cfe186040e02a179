package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpectralNormTest {
    /** A linear layer whose weight is spectrally normalised. */
    static final class SnLinear extends Module {
        final SpectralNorm sn;

        SnLinear(Tensor w, Rng rng) {
            sn = SpectralNorm.register(this, "weight", w, 1, rng);
        }

        Tensor forward(Tensor x, boolean update) {
            return LinearAlgebra.linear(x, sn.weight(update), null);
        }
    }

    /** {@code H = I - 2 h h^T / |h|^2}: an orthogonal matrix. */
    static double[][] householder(Rng rng, int n) {
        double[] h = rng.normal(DType.FLOAT64, n).doubles();
        double nn = 0;
        for (double v : h) nn += v * v;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] = (i == j ? 1 : 0) - 2 * h[i] * h[j] / nn;
        return m;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void powerIterationFindsTheLargestSingularValue(long seed) {
        Rng rng = Rng.seed(seed);
        int r = 4, c = 6;
        double[] s = {2.5, 1.0, 0.5, 0.25};          // W = A diag(s) B^T with A, B orthogonal: sigma = 2.5
        double[][] a = householder(rng, r), b = householder(rng, c);
        double[] w = new double[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) {
            double v = 0;
            for (int k = 0; k < r; k++) v += a[i][k] * s[k] * b[j][k];
            w[i * c + j] = v;
        }
        SnLinear m = new SnLinear(Tensor.of(w, r, c), rng);
        for (int it = 0; it < 60; it++) m.sn.weight(true);
        assertEquals(2.5, m.sn.sigma(), 1e-9);
        // the normalised weight has spectral norm 1: it maps the top right-singular vector to a unit vector
        Tensor wn = m.sn.weight(false);
        double[] top = new double[c];
        for (int j = 0; j < c; j++) top[j] = b[j][0];
        Tensor y = LinearAlgebra.linear(Tensor.of(top, 1, c), wn.detach(), null);
        double n2 = 0;
        for (double v : y.toDoubleArray()) n2 += v * v;
        assertEquals(1.0, Math.sqrt(n2), 1e-9);
    }

    @Test
    void gradientThroughSigmaMatchesFiniteDifferences() {
        Rng rng = Rng.seed(7);
        SnLinear m = new SnLinear(rng.normal(DType.FLOAT64, 3, 5), rng);
        m.sn.weight(true);
        Tensor x = rng.normal(DType.FLOAT64, 2, 5).requiresGrad(true);
        GradCheck.checkInPlace(() -> m.forward(x, false), x, m.sn.raw());
    }

    @Test
    void stateDictCarriesThePowerIterationAndResumesBitForBit() {
        SnLinear a = new SnLinear(Rng.seed(9).normal(DType.FLOAT32, 3, 4), Rng.seed(10));
        assertEquals(List.of("weight_orig", "weight_u", "weight_v"), List.copyOf(a.stateDict().keySet()));
        assertEquals(List.of("weight_orig"), List.copyOf(a.namedParameters().keySet()));
        a.sn.weight(true);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> saved.put(k, v.copy()));
        SnLinear b = new SnLinear(Rng.seed(99).normal(DType.FLOAT32, 3, 4), Rng.seed(98));
        b.loadStateDict(saved);
        Tensor x = Rng.seed(11).normal(DType.FLOAT32, 2, 4);
        for (int step = 0; step < 3; step++) {
            assertArrayEquals(a.forward(x, true).contiguous().floats(), b.forward(x, true).contiguous().floats(), 0f, "step " + step);
        }
        assertArrayEquals(a.stateDict().get("weight_u").floats(), b.stateDict().get("weight_u").floats(), 0f);
        assertTrue(a.sn.sigma() > 0);
    }
}
