package dev.vdiff.tensor.math;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogGammaTest {
    /** A few ulps of the value (1e-300 only guards exact zeros). */
    private static double tol(double expected) {
        return 1e-15 * Math.abs(expected) + 1e-300;
    }

    @Test
    void factorialsAndHalfIntegersMatchClosedForms() {
        double factorial = 1;                       // (n-1)! exactly in double up to n = 23
        for (int n = 1; n <= 23; n++) {
            if (n > 1) factorial *= n - 1;
            assertEquals(Math.log(factorial), LogGamma.logGamma(n), tol(Math.log(factorial)), "n=" + n);
        }
        // Gamma(1/2) = sqrt(pi), Gamma(3/2) = sqrt(pi)/2, Gamma(5/2) = 3 sqrt(pi)/4
        double lnSqrtPi = 0.5 * Math.log(Math.PI);
        assertEquals(lnSqrtPi, LogGamma.logGamma(0.5), 1e-15);
        assertEquals(lnSqrtPi - Math.log(2), LogGamma.logGamma(1.5), 1e-15);
        assertEquals(lnSqrtPi + Math.log(0.75), LogGamma.logGamma(2.5), 1e-15);
    }

    @Test
    void matchesCommonsNumbersOverTheBetaParameterRange() {
        for (double x = 1e-3; x < 1e4; x *= 1.0137) {
            double expected = org.apache.commons.numbers.gamma.LogGamma.value(x);
            assertEquals(expected, LogGamma.logGamma(x), tol(expected), "x=" + x);
        }
    }

    @Test
    void keepsRelativeAccuracyNearTheZerosAtOneAndTwo() {
        for (double root : new double[] {1, 2}) {
            for (double d = 1e-12; d < 0.4; d *= 1.7) {
                for (double x : new double[] {root - d, root + d}) {
                    double expected = org.apache.commons.numbers.gamma.LogGamma.value(x);
                    assertEquals(expected, LogGamma.logGamma(x), tol(expected), "x=" + x);
                }
            }
            assertEquals(0.0, LogGamma.logGamma(root));
        }
    }

    @Test
    void zetaCoefficientsMatchClosedForms() {
        double pi2 = Math.PI * Math.PI;
        assertEquals(pi2 / 6 - 1, LogGamma.zetaMinusOne(2), 1e-16);
        assertEquals(pi2 * pi2 / 90 - 1, LogGamma.zetaMinusOne(4), 1e-16);
        assertEquals(0.2020569031595942854, LogGamma.zetaMinusOne(3), 1e-16);          // Apery's constant - 1
        double direct = 0;                                                              // converges fast for k = 30
        for (int n = 100; n >= 2; n--) direct += Math.pow(n, -30);
        assertEquals(direct, LogGamma.zetaMinusOne(30), 1e-15 * direct);
    }

    @Test
    void satisfiesTheRecurrenceAcrossTheStirlingThreshold() {
        // ln Gamma(x+1) - ln Gamma(x) = ln x; x + 1 crosses from the shifted branch into direct Stirling.
        for (double x = 8.5; x < 10.5; x += 0.0625) {
            double lhs = LogGamma.logGamma(x + 1) - LogGamma.logGamma(x);
            assertEquals(Math.log(x), lhs, 2e-14, "x=" + x);
        }
    }

    @Test
    void rejectsNonPositiveArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> LogGamma.logGamma(0));
        assertEquals("logGamma: argument must be positive and finite, got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogGamma.logGamma(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> LogGamma.logGamma(-1.5));
    }
}
