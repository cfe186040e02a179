package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradClipTest {
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void clipsToMaxNormWithTorchEpsilon(DType dt) {
        // Gradients (3, 4) and (12): global norm sqrt(9 + 16 + 144) = 13.
        Tensor a = Tensor.zeros(dt, 2), b = Tensor.zeros(dt, 1, 1), c = Tensor.zeros(dt, 3);
        a.setGrad(Tensor.of(new double[] {3, 4}, 2).to(dt));
        b.setGrad(Tensor.of(new double[] {12}, 1, 1).to(dt));
        double total = GradClip.clipGradNorm(List.of(a, b, c), 6.5);
        assertEquals(13.0, total, 0);
        double coef = 6.5 / (13 + 1e-6);
        double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-15;
        assertArrayEquals(new double[] {3 * coef, 4 * coef}, a.grad().toDoubleArray(), tol * 4);
        assertEquals(12 * coef, b.grad().item(), tol * 12);
        assertNull(c.grad(), "parameters without gradient stay without");
        assertEquals(13 * coef, GradClip.gradNorm(List.of(a, b, c)), tol * 13);
        assertTrue(GradClip.gradNorm(List.of(a, b)) < 6.5);
    }

    @Test
    void smallGradientsAreLeftExactlyAsTheyAre() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 3);
        float[] g = {0.1f, -0.2f, 0.3f};
        a.setGrad(Tensor.of(g.clone(), 3));
        double total = GradClip.clipGradNorm(List.of(a), 1.0);
        assertEquals(Math.sqrt(0.1f * 0.1f + 0.2f * 0.2f + 0.3f * 0.3f), total, 1e-7);
        assertArrayEquals(g, a.grad().floats());
    }

    @Test
    void largeNormIsExactForConstantGradientsAndThreadIndependent() {
        int n = 200_000;
        Tensor p = Tensor.zeros(DType.FLOAT64, n);
        double[] norms = new double[2];
        for (int threads = 1; threads <= 2; threads++) {
            double[] g = new double[n];
            for (int i = 0; i < n; i++) g[i] = Math.sin(i);
            p.setGrad(Tensor.of(g, n));
            norms[threads - 1] = Parallel.withThreads(threads, () -> GradClip.gradNorm(List.of(p)));
        }
        assertEquals(norms[0], norms[1], 0, "bit-identical on 1 and 2 threads");
        p.setGrad(Tensor.full(DType.FLOAT64, 0.5, n));
        assertEquals(0.5 * Math.sqrt(n), GradClip.gradNorm(List.of(p)), 1e-12 * Math.sqrt(n));
    }

    @Test
    void nonFiniteNormIsReturned() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2);
        a.setGrad(Tensor.of(new double[] {Double.NaN, 1}, 2));
        assertTrue(Double.isNaN(GradClip.clipGradNorm(List.of(a), 1.0)));
    }
}
