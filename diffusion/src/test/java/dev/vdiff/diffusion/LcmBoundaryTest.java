package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §1.8 item 1 and the reference values of SPEC §1.5. */
class LcmBoundaryTest {
    @Test
    void boundaryConditionMakesTheConsistencyFunctionTheIdentityAtZero() {
        LcmBoundary lcm = LcmBoundary.T2V_TURBO;
        assertEquals(1.0, lcm.cSkip(0));
        assertEquals(0.0, lcm.cOut(0));
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor z = Samples.normal(1, 2, 3, 4).to(dtype), x0 = Samples.normal(2, 2, 3, 4).to(dtype);
            Close.assertClose(lcm.denoised(z, x0, 0), z, 0, 0);
            Close.assertClose(lcm.denoised(z, x0, Tensor.ofLongs(new long[] {0, 0}, 2)), z, 0, 0);
        }
    }

    @Test
    void scalingsShareTheirDenominatorAndAreMonotone() {
        for (LcmBoundary lcm : new LcmBoundary[] {LcmBoundary.T2V_TURBO, LcmBoundary.MCM}) {
            for (int t = 0; t < 1000; t++) {
                double skip = lcm.cSkip(t), out = lcm.cOut(t);
                assertEquals(1 - skip, out * out, 1e-12, "c_out^2 = 1 - c_skip at t=" + t);
                if (t > 0) {
                    assertTrue(skip < lcm.cSkip(t - 1) && out > lcm.cOut(t - 1), "monotone at t=" + t);
                }
            }
        }
    }

    @Test
    void valuesOfSpec() {
        // SPEC §1.5, given to four significant digits.
        assertEquals(1.5623e-4, LcmBoundary.T2V_TURBO.cSkip(4), 1e-8);
        assertEquals(6.925e-6, LcmBoundary.T2V_TURBO.cSkip(19), 1e-9);
        assertEquals(2.505e-9, LcmBoundary.T2V_TURBO.cSkip(999), 1e-12);
        assertEquals(9.756e-4, LcmBoundary.MCM.cSkip(4), 1e-7);
        assertEquals(4.328e-5, LcmBoundary.MCM.cSkip(19), 1e-8);
    }

    @Test
    void tensorFormsMatchTheScalarsInBothPrecisions() {
        Tensor t = Tensor.ofLongs(new long[] {0, 4, 19, 999}, 4);
        LcmBoundary lcm = LcmBoundary.T2V_TURBO;
        Tensor skip64 = lcm.cSkip(t, DType.FLOAT64), out32 = lcm.cOut(t, DType.FLOAT32);
        assertArrayEquals(new int[] {4}, skip64.shape());
        for (int i = 0; i < 4; i++) {
            assertEquals(lcm.cSkip(t.longs()[i]), skip64.doubles()[i]);
            assertEquals((float) lcm.cOut(t.longs()[i]), out32.floats()[i]);
        }
        Tensor z = Samples.normal(3, 2, 5), x0 = Samples.normal(4, 2, 5);
        Tensor both = lcm.denoised(z, x0, Tensor.ofLongs(new long[] {4, 999}, 2));
        Close.assertClose(both.narrow(0, 1, 1), lcm.denoised(z.narrow(0, 1, 1), x0.narrow(0, 1, 1), 999), 0, 0);
    }
}
