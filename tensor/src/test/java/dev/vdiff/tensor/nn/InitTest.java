package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitTest {
    /** kaiming_uniform_(a = sqrt 5) on fan_in 64: gain sqrt(2 / 6), bound sqrt(1/3) sqrt(3/64) = 1/8. */
    @Test
    void defaultKaimingUniformHasBoundOneOverSqrtFanIn() {
        Tensor w = Init.kaimingUniform(Rng.seed(1), DType.FLOAT64, Math.sqrt(5), 64, 256, 64);
        assertArrayEquals(new int[] {256, 64}, w.shape());
        assertUniform(w.doubles(), 0.125);
    }

    @Test
    void kaimingUniformWithReluGainAndFanInBias() {
        // a = 0 (ReLU): gain sqrt 2, bound sqrt(2) sqrt(3 / 24) = 0.5.
        assertUniform(Init.kaimingUniform(Rng.seed(2), DType.FLOAT32, 0, 24, 100, 200).toDoubleArray(), 0.5);
        assertUniform(Init.fanInUniform(Rng.seed(3), DType.FLOAT64, 16, 20_000).doubles(), 0.25);
        assertArrayEquals(new double[3], Init.fanInUniform(Rng.seed(3), DType.FLOAT64, 0, 3).doubles(), 0);
    }

    /** Every value in [-b, b), mean 0 and variance b^2/3 within 4 standard errors (Var(s^2) = 4 b^4 / 45 / n). */
    private static void assertUniform(double[] v, double b) {
        int n = v.length;
        double mean = 0, var = 0;
        for (double x : v) {
            assertTrue(x >= -b && x < b, "value " + x + " outside [-" + b + ", " + b + ")");
            mean += x;
        }
        mean /= n;
        for (double x : v) var += (x - mean) * (x - mean);
        var /= n;
        assertEquals(0, mean, 4 * b / Math.sqrt(3 * n));
        assertEquals(b * b / 3, var, 4 * Math.sqrt(4.0 / 45 / n) * b * b);
    }
}
