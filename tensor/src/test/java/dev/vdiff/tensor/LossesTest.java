package dev.vdiff.tensor;

import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Losses;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesTest {
    private static final Tensor PRED = Tensor.of(new double[] {1, 2, 3}, 3), TARGET = Tensor.of(new double[] {1, 0, 0}, 3);

    @Test
    void handValues() {
        Tensor m = Losses.mse(PRED, TARGET);
        assertArrayEquals(new int[] {}, m.shape());
        assertEquals(13.0 / 3, m.item(), 1e-15);
        double ph = (0 + (Math.sqrt(5) - 1) + (Math.sqrt(10) - 1)) / 3;
        assertEquals(ph, Losses.pseudoHuber(PRED, TARGET, 1.0).item(), 1e-15);
        // |d| << c: with z = d^2/c^2, sqrt(d^2 + c^2) - c = c (z/2 - z^2/8 + z^3/16 - ...); d = 1e-6, c = 1e-3
        double d = 1e-6, c = 1e-3, z = d * d / (c * c);
        double small = Losses.pseudoHuber(Tensor.of(new double[] {d}, 1), Tensor.of(new double[] {0}, 1), c).item();
        assertEquals(c * (z / 2 - z * z / 8 + z * z * z / 16), small, 1e-15 * small);
    }

    @Test
    void gradientsForBothInputsMatchCentralDifferences() {
        Tensor a = ReductionsTest.random(new int[] {3, 4}, 1).requiresGrad(true);
        Tensor b = ReductionsTest.random(new int[] {3, 4}, 2).requiresGrad(true);
        GradCheck.check(t -> Losses.mse(t[0], t[1]), a, b);
        GradCheck.check(t -> Losses.pseudoHuber(t[0], t[1], 0.5), a, b);
        GradCheck.check(t -> Losses.mse(t[0].transpose(0, 1), t[1].transpose(0, 1)), a, b);
    }

    @Test
    void float32MatchesFloat64() {
        Tensor a = ReductionsTest.random(new int[] {2, 4, 8, 8}, 5), b = ReductionsTest.random(new int[] {2, 4, 8, 8}, 6);
        Close.assertClose(Losses.mse(a.to(DType.FLOAT32), b.to(DType.FLOAT32)).to(DType.FLOAT64), Losses.mse(a, b), 1e-6, 0);
        Close.assertClose(Losses.pseudoHuber(a.to(DType.FLOAT32), b.to(DType.FLOAT32), 1e-3).to(DType.FLOAT64), Losses.pseudoHuber(a, b, 1e-3), 1e-6, 0);
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(PRED, Tensor.zeros(DType.FLOAT64, 3, 1)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[3, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.pseudoHuber(PRED, TARGET, 0));
    }
}
