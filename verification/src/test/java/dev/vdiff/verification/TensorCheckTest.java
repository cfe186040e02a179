package dev.vdiff.verification;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Tolerance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorCheckTest {
    private static final Tolerance TOL = new Tolerance(1e-3, 1e-2, false);

    @Test
    void worstRatioIsErrorOverTolerance() {
        Tensor expected = Tensor.of(new double[] {1, 10, -100}, 3);
        // tolerances: 0.011, 0.02, 0.11; errors: 0.0055, 0.01, 0.22 -> ratios 0.5, 0.5, 2
        TensorCheck c = TensorCheck.of("out", Tensor.of(new double[] {1.0055, 10.01, -100.22}, 3), expected, TOL);
        assertFalse(c.pass());
        assertEquals(2, c.worstRatio(), 1e-9);
        assertEquals("out[2]: actual -100.2200000 vs expected -100.0000000 (error/tolerance 2.00, 1 of 3 elements off)", c.describe());
        assertTrue(TensorCheck.of("out", Tensor.of(new double[] {1.0055, 10.01, -100.05}, 3), expected, TOL).pass());
    }

    @Test
    void float32ResultsAreWidenedAndNonFiniteValuesFail() {
        Tensor expected = Tensor.of(new double[] {0.5, 0.25}, 2);
        assertTrue(TensorCheck.of("out", Tensor.of(new float[] {0.5f, 0.25f}, 2), expected, TOL).pass());
        TensorCheck nan = TensorCheck.of("out", Tensor.of(new float[] {Float.NaN, 0.25f}, 2), expected, TOL);
        assertFalse(nan.pass());
        assertEquals(Double.POSITIVE_INFINITY, nan.worstRatio());
    }

    @Test
    void shapesMustMatchExactlyIncludingZeroDimensional() {
        Tensor scalar = Tensor.of(new double[] {3});
        TensorCheck c = TensorCheck.of("out", Tensor.of(new double[] {3}, 1), scalar, TOL);
        assertFalse(c.pass());
        assertEquals("out has shape [1] but the reference has []", c.describe());
        assertFalse(TensorCheck.of("out", null, scalar, TOL).pass());
    }

    @Test
    void rmsScaledRuleUsesTheReferenceTensorsRms() {
        Tensor expected = Tensor.of(new double[] {3, -4, 0, 0}, 4);     // rms = sqrt(25 / 4) = 2.5
        Tolerance rms = new Tolerance(0, 0.1, true);                      // absolute part 0.25 for this tensor
        assertTrue(TensorCheck.of("g", Tensor.of(new double[] {3, -4, 0.24, -0.24}, 4), expected, rms).pass());
        TensorCheck off = TensorCheck.of("g", Tensor.of(new double[] {3, -4, 0.5, 0}, 4), expected, rms);
        assertFalse(off.pass());
        assertEquals(2, off.worstRatio(), 1e-12);
    }

    @Test
    void flatIndicesAreShownAsTuples() {
        TensorCheck c = TensorCheck.failed("x", new int[] {2, 3, 4}, "n/a");
        assertEquals("[1, 2, 3]", c.index(23));
        assertEquals("[0, 1, 0]", c.index(4));
        assertEquals("[]", TensorCheck.failed("s", new int[0], "n/a").index(0));
    }
}
