package dev.vdiff.tensor.check;

import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The golden-case pass rule, on values whose tolerances are worked out by hand. */
class ToleranceTest {

    @Test
    void plainRuleIsAtolPlusRtolTimesTheReference() {
        Tolerance tol = Tolerance.of(1e-3, 1e-2);
        Tensor expected = Tensor.of(new double[] {1, 10, -100}, 3);
        // tolerances 0.011, 0.02, 0.11; errors 0.0055, 0.01, 0.22 -> ratios 0.5, 0.5, 2
        Close.Result r = tol.compare(Tensor.of(new double[] {1.0055, 10.01, -100.22}, 3), expected);
        assertFalse(r.pass());
        assertEquals(2, r.worstRatio(), 1e-9);
        assertEquals(2, r.worstIndex());
        assertEquals(1, r.failures());
        assertEquals(-100.22, r.actual(), 1e-12);
        assertEquals(-100, r.expected(), 0);
        // Error 0.1 against tolerance 0.11 on the last element: pass.
        assertTrue(tol.compare(Tensor.of(new double[] {1.0055, 10.01, -100.1}, 3), expected).pass());
    }

    @Test
    void rmsScaledRuleMultipliesAtolByTheReferenceRms() {
        Tolerance tol = Tolerance.rmsScaled(0, 0.1);
        double[] expected = {3, -4, 0, 0};                      // rms = sqrt(25 / 4) = 2.5: absolute part 0.25
        assertEquals(0.25, tol.absoluteFor(expected), 1e-15);
        assertTrue(tol.compare(new double[] {3, -4, 0.24, -0.24}, expected).pass());
        Close.Result off = tol.compare(new double[] {3, -4, 0.5, 0}, expected);
        assertFalse(off.pass());
        assertEquals(2, off.worstRatio(), 1e-12);
        assertEquals(2, off.worstIndex());
    }

    @Test
    void mismatchReportNamesCountWorstIndexActualAndExpected() {
        Tolerance tol = Tolerance.of(0, 0.1);
        AssertionError e = assertThrows(AssertionError.class,
            () -> tol.assertClose("out", Tensor.of(new double[] {0, 0.5, 0.3, 0}, 4), Tensor.of(new double[] {0, 0, 0, 0}, 4)));
        assertEquals("out (rtol 0.0, atol 0.1): 2 element(s) off; worst at flat index 1: actual 0.500000000 vs expected 0.00000000 "
            + "(error/tolerance 5.00)", e.getMessage());
        AssertionError shape = assertThrows(AssertionError.class,
            () -> tol.assertClose("out", Tensor.of(new double[] {0, 0}, 2), Tensor.of(new double[] {0, 0}, 1, 2)));
        assertEquals("out (rtol 0.0, atol 0.1): shape [2] vs expected [1, 2]", shape.getMessage());
    }

    @Test
    void nonFiniteActualValuesFail() {
        Close.Result r = Tolerance.of(1, 1).compare(new double[] {Double.NaN, 0}, new double[] {0, 0});
        assertFalse(r.pass());
        assertEquals(Double.POSITIVE_INFINITY, r.worstRatio());
    }

    @Test
    void parsesBothManifestForms() {
        assertEquals(Tolerance.of(1e-4, 1e-5), Tolerance.parse(Map.of("rtol", 1e-4, "atol", 1e-5), "c"));
        assertEquals(Tolerance.rmsScaled(1e-3, 2e-4), Tolerance.parse(Map.of("rtol", 1e-3, "atol_rms", 2e-4), "c"));
        assertEquals(Tolerance.of(0, 1), Tolerance.parse(Map.of("rtol", 0L, "atol", 1L), "c"));   // JSON integers
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> Tolerance.parse(Map.of("rtol", 1e-4), "case x tolerance.float32"));
        assertEquals("case x tolerance.float32: 'atol' should be a number, got nothing", missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tolerance.parse(Map.of("rtol", 1e-4, "atol", 1e-5, "atol_rms", 1e-5), "c"));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(-1, 0));
    }
}
