package dev.vdiff.tensor.math;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErfTest {
    /** Reference values from 40-digit mpmath (mpmath.erf / mpmath.erfc), rounded to 25 digits. */
    @ParameterizedTest
    @CsvSource({
        "0.5, 0.5204998778130465376827467",
        "1, 0.8427007929497148693412206",
        "2, 0.9953222650189527341620693",
        "3.5, 0.9999992569016276585872545",
        "0.001, 0.001128378790969236379948478",
        "0.3, 0.328626759459127427638914",
        "-0.7, -0.6778011938374184729756288",
        "4.5, 0.9999999998033839558457113",
        "6, 0.9999999999999999784802633"})
    void erfMatchesHighPrecisionValues(double x, double expected) {
        assertEquals(expected, Erf.erf(x), 1e-16 + 2e-16 * Math.abs(expected), "erf(" + x + ")");
        assertEquals(-expected, Erf.erf(-x), 1e-16 + 2e-16 * Math.abs(expected), "erf is odd");
    }

    @ParameterizedTest
    @CsvSource({
        "5, 1.537459794428034850188343e-12",
        "10, 2.088487583762544757000786e-45",
        "26, 5.663192408856142846475728e-296",
        "0.2, 0.777297410789521545859861",
        "-3, 1.999977909503001414558627",
        "4.2, 2.855494179592188615749219e-9"})
    void erfcHasRelativeAccuracyInTheTail(double x, double expected) {
        assertEquals(expected, Erf.erfc(x), 1e-14 * Math.abs(expected), "erfc(" + x + ")");
    }

    @Test
    void agreesWithCommonsMathOverTheWholeRange() {
        SplittableRandom rnd = new SplittableRandom(7);
        double worst = 0;
        for (int i = 0; i < 20000; i++) {
            // dense near 0 and around the interval boundaries 0.46875 and 4, sparse out to 8
            double x = (rnd.nextDouble() * 2 - 1) * (i % 2 == 0 ? 8 : 1);
            double diff = Math.abs(Erf.erf(x) - org.apache.commons.math3.special.Erf.erf(x));
            worst = Math.max(worst, diff);
        }
        assertTrue(worst <= 1e-15, "largest |erf - commons-math erf| = " + worst);
        for (double x : new double[] {0.46875, Math.nextUp(0.46875), 4, Math.nextUp(4.0), 26.543, 30}) {
            assertEquals(org.apache.commons.math3.special.Erf.erf(x), Erf.erf(x), 1e-15, "erf(" + x + ")");
            double ce = org.apache.commons.math3.special.Erf.erfc(x);
            assertEquals(ce, Erf.erfc(x), 1e-300 + 1e-13 * ce, "erfc(" + x + ")");
        }
    }

    @Test
    void limitsAndSpecialValues() {
        assertEquals(0.0, Erf.erf(0.0));
        assertEquals(1.0, Erf.erf(40));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(-40));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)) && Double.isNaN(Erf.erfc(Double.NaN)));
        // tiny arguments: erf(x) = 2x/sqrt(pi) to full precision
        assertEquals(2e-20 / Math.sqrt(Math.PI), Erf.erf(1e-20), 1e-15 * 1.2e-20);
    }
}
