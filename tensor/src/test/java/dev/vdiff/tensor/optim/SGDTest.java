package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SGDTest {
    /**
     * p0 = 1, gradients 0.5 then 0.25, lr 0.1, momentum 0.9, weight decay 0.1. By hand:
     * plain momentum: d1 = 0.5 + 0.1 = 0.6 = b1, p1 = 0.94; d2 = 0.25 + 0.094 = 0.344, b2 = 0.54 + 0.344 = 0.884,
     *   p2 = 0.94 - 0.0884 = 0.8516.
     * nesterov: p1 = 1 - 0.1 (0.6 + 0.54) = 0.886; d2 = 0.25 + 0.0886 = 0.3386, b2 = 0.54 + 0.3386 = 0.8786,
     *   p2 = 0.886 - 0.1 (0.3386 + 0.79074) = 0.773066.
     */
    @ParameterizedTest
    @CsvSource({"false, 0.94, 0.8516, 0.884", "true, 0.886, 0.773066, 0.8786"})
    void twoMomentumStepsMatchHandComputedValues(boolean nesterov, double p1, double p2, double buf2) {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-14;
            Tensor p = Tensor.full(dt, 1.0, 1);
            SGD opt = new SGD(Map.of("w", p), 0.1, 0.9, 0, 0.1, nesterov);
            p.setGrad(Tensor.full(dt, 0.5, 1));
            opt.step();
            assertEquals(p1, p.item(), tol);
            p.setGrad(Tensor.full(dt, 0.25, 1));
            opt.step();
            assertEquals(p2, p.item(), tol);
            assertEquals(buf2, opt.stateDict().get("w.momentum_buffer").item(), tol);
        }
    }

    @Test
    void plainSgdIsGradientDescent() {
        Tensor p = Tensor.of(new double[] {1, -2}, 2);
        SGD opt = new SGD(Map.of("w", p), 0.5);
        p.setGrad(Tensor.of(new double[] {0.2, 0.4}, 2));
        opt.step();
        assertArrayEquals(new double[] {0.9, -2.2}, p.doubles(), 1e-15);
        assertTrue(opt.stateDict().isEmpty(), "no momentum buffer without momentum");
    }

    @Test
    void dampenedTrajectoryMatchesScalarReference() {
        double lr = 0.03, mu = 0.7, damp = 0.25, wd = 0.05;
        double[] a = {2.0, 0.5, 4.0}, p0 = {1.0, -1.0, 0.25};
        Tensor p = Tensor.of(p0.clone(), 3);
        SGD opt = new SGD(Map.of("p", p), lr, mu, damp, wd, false);
        double[] ref = p0.clone(), buf = new double[3];
        for (int t = 0; t < 15; t++) {
            double[] g = new double[3];
            for (int i = 0; i < 3; i++) g[i] = a[i] * p.doubles()[i] * p.doubles()[i];   // gradient of a p^3 / 3
            p.setGrad(Tensor.of(g, 3));
            opt.step();
            for (int i = 0; i < 3; i++) {
                double d = a[i] * ref[i] * ref[i] + wd * ref[i];
                buf[i] = t == 0 ? d : mu * buf[i] + (1 - damp) * d;   // the first step takes d undamped
                ref[i] -= lr * buf[i];
            }
        }
        Close.assertClose(p.doubles(), ref, 1e-12, 1e-14);
    }

    @Test
    void stateRoundTripAndValidation() {
        Tensor p = Tensor.of(new double[] {1, 2}, 2);
        SGD opt = new SGD(Map.of("w", p), 0.1, 0.9, 0, 0, false);
        p.setGrad(Tensor.of(new double[] {1, 1}, 2));
        opt.step();
        Map<String, Tensor> saved = opt.stateDict();
        Tensor q = p.copy();
        SGD resumed = new SGD(Map.of("w", q), 0.1, 0.9, 0, 0, false);
        resumed.loadStateDict(saved);
        p.setGrad(Tensor.of(new double[] {0.5, -1}, 2));
        q.setGrad(Tensor.of(new double[] {0.5, -1}, 2));
        opt.step();
        resumed.step();
        assertArrayEquals(p.doubles(), q.doubles());
        assertThrows(IllegalArgumentException.class, () -> new SGD(Map.of("w", p), 0.1, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> resumed.loadStateDict(Map.of("w.exp_avg", Tensor.zeros(DType.FLOAT64, 2))));
    }
}
