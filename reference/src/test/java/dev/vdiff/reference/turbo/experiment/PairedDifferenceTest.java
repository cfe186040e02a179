package dev.vdiff.reference.turbo.experiment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedDifferenceTest {
    @Test
    void handComputedCase() {
        // differences 1, 2, 3, 6: mean 3, sample variance (4 + 1 + 0 + 9) / 3 = 14/3, standard error sqrt(14/3 / 4)
        PairedDifference d = PairedDifference.of(new double[] {2, 2, 3, 7}, new double[] {1, 0, 0, 1});
        assertEquals(3.0, d.mean(), 1e-15);
        assertEquals(Math.sqrt(14.0 / 12.0), d.standardError(), 1e-15);
        assertEquals(4, d.higher());
        assertEquals(4, d.n());
        assertTrue(d.clearlyPositive());   // 3 > 2 * 1.08
    }

    @Test
    void noiseAroundZeroIsNotAnEffect() {
        PairedDifference d = PairedDifference.of(new double[] {1, 0, 1, 0}, new double[] {0, 1, 0, 1});
        assertEquals(0.0, d.mean(), 1e-15);
        assertEquals(2, d.higher());
        assertFalse(d.clearlyPositive());
    }

    @Test
    void refusesUnpairedInput() {
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new double[] {1, 2}, new double[] {1}));
    }
}
