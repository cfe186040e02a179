package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseScheduleTest {
    private final NoiseSchedule vc2 = NoiseSchedule.videoCrafter2();

    @Test
    void videoCrafter2ScheduleHasTheValuesOfSpec() {
        // SPEC §1.1 reference values and §1.8 item 5.
        assertEquals(1000, vc2.numTrainTimesteps());
        assertEquals(0.99915, vc2.alphaBar(0), 1e-15);
        assertEquals(0.27767, vc2.alphaBar(499), 5e-6);
        assertEquals(0.0046601, vc2.alphaBar(999), 5e-8);
        assertEquals(0.06826, vc2.sqrtAlphaBar(999), 5e-6);
        assertEquals(0.00085, vc2.beta(0), 1e-12 * 0.00085);
        assertEquals(0.012, vc2.beta(999), 1e-12 * 0.012);
        for (int t = 0; t < 1000; t++) {
            assertTrue(vc2.beta(t) >= 0.00085 * (1 - 1e-12) && vc2.beta(t) <= 0.012 * (1 + 1e-12), "beta in range at " + t);
            if (t > 0) {
                assertTrue(vc2.alphaBar(t) < vc2.alphaBar(t - 1), "alpha_bar decreasing at " + t);
                assertTrue(vc2.beta(t) > vc2.beta(t - 1), "betas increasing at " + t);
            }
        }
    }

    @Test
    void cumulativeProductMatchesASumOfLogs() {
        double logSum = 0;
        for (int t = 0; t < 1000; t++) {
            logSum += Math.log1p(-vc2.beta(t));
            assertEquals(Math.exp(logSum), vc2.alphaBar(t), 1e-12 * vc2.alphaBar(t), "t=" + t);
            double a = vc2.sqrtAlphaBar(t), s = vc2.sqrtOneMinusAlphaBar(t);
            assertEquals(1, a * a + s * s, 1e-15, "a^2 + s^2 = 1 at " + t);
        }
    }

    @Test
    void scaledLinearHasEvenlySpacedRootsAndLinearHasEvenlySpacedBetas() {
        NoiseSchedule lin = NoiseSchedule.linear(1000, 1e-4, 0.02);
        double rootStep = (Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999, step = (0.02 - 1e-4) / 999;
        for (int t = 1; t < 1000; t++) {
            assertEquals(rootStep, Math.sqrt(vc2.beta(t)) - Math.sqrt(vc2.beta(t - 1)), 1e-15);
            assertEquals(step, lin.beta(t) - lin.beta(t - 1), 1e-15);
        }
        assertEquals(0.02, lin.beta(999), 1e-17);
    }

    @Test
    void cosineScheduleTelescopesToTheClosedFormAlphaBar() {
        // Nichol & Dhariwal eq. 17: prod_{i<=t} (1 - beta_i) = f((t+1)/T) / f(0) while no beta is clipped.
        int steps = 1000;
        NoiseSchedule cos = NoiseSchedule.cosine(steps);
        double f0 = f(0);
        for (int t = 0; t < steps - 1; t++) {
            assertTrue(cos.beta(t) < NoiseSchedule.COSINE_MAX_BETA, "unclipped at " + t);
            double expected = f((t + 1.0) / steps) / f0;
            assertEquals(expected, cos.alphaBar(t), 1e-12 * expected + 1e-15, "t=" + t);
        }
        assertEquals(NoiseSchedule.COSINE_MAX_BETA, cos.beta(steps - 1));   // f(1) = 0 would give beta = 1
    }

    private static double f(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    @Test
    void tablesComeInBothPrecisions() {
        Tensor f64 = vc2.sqrtOneMinusAlphasCumprod(DType.FLOAT64), f32 = vc2.sqrtOneMinusAlphasCumprod(DType.FLOAT32);
        assertArrayEquals(new int[] {1000}, f64.shape());
        assertEquals(DType.FLOAT32, f32.dtype());
        for (int t = 0; t < 1000; t++) {
            assertEquals(vc2.sqrtOneMinusAlphaBar(t), f64.doubles()[t]);
            assertEquals((float) vc2.sqrtOneMinusAlphaBar(t), f32.floats()[t]);
        }
        Tensor a = vc2.sqrtAlphaBar(Tensor.ofLongs(new long[] {0, 999, 500}, 3));
        assertArrayEquals(new double[] {vc2.sqrtAlphaBar(0), vc2.sqrtAlphaBar(999), vc2.sqrtAlphaBar(500)}, a.doubles());
    }

    @Test
    void badArgumentsGiveClearMessages() {
        var e = assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.of("sigmoid", 1000, 1e-4, 0.02));
        assertTrue(e.getMessage().contains("unknown beta_schedule 'sigmoid'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> vc2.alphaBar(1000));
        assertTrue(e.getMessage().contains("timestep 1000 outside 0..999"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0.1, 1.5));
        assertTrue(e.getMessage().contains("is not in (0, 1)"), e.getMessage());
        assertEquals(vc2.alphaBar(999), NoiseSchedule.of("scaled_linear", 1000, 0.00085, 0.012).alphaBar(999));
    }

    /**
     * Zero terminal SNR (Lin et al. 2024, Algorithm 1) against an independent implementation: the paper's PyTorch
     * listing run in float64 on the VC2 betas (torch 1.13, {@code enforce_zero_terminal_snr}), values copied here.
     */
    @Test
    void zeroTerminalSnrRescaleMatchesThePapersAlgorithm() {
        NoiseSchedule z = vc2.rescaledToZeroTerminalSnr();
        double[][] golden = {   // t, beta_t, alpha_bar_t
            {0, 0.0008500000000000174, 0.99915}, {1, 0.0009173335933720939, 0.9982334461401823},
            {250, 0.0026475394416827225, 0.6524570153414772}, {499, 0.005515778734596299, 0.24235916655614534},
            {998, 0.7511370041765087, 1.9678880566211582e-07}, {999, 1.0, 0.0}};
        for (double[] g : golden) {
            int t = (int) g[0];
            assertEquals(g[1], z.beta(t), 1e-12 * Math.max(1, g[1] * 1e3), "beta " + t);
            assertEquals(g[2], z.alphaBar(t), 1e-12, "alpha_bar " + t);
        }
        // The paper's two constraints: a_0 is kept, a_999 = 0; and a_t is an affine map of the old a_t.
        assertEquals(vc2.sqrtAlphaBar(0), z.sqrtAlphaBar(0), 1e-15);
        assertEquals(0.0, z.alphaBar(999));
        assertEquals(0.0, z.snr(999));
        double k = (z.sqrtAlphaBar(500) - z.sqrtAlphaBar(100)) / (vc2.sqrtAlphaBar(500) - vc2.sqrtAlphaBar(100));
        assertEquals(vc2.sqrtAlphaBar(0) / (vc2.sqrtAlphaBar(0) - vc2.sqrtAlphaBar(999)), k, 1e-9);
        // beta = 1 is accepted at the last timestep only.
        var e = assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(3, 1.0, 1.0));
        assertTrue(e.getMessage().contains("beta[0] = 1.0 is not in (0, 1)"), e.getMessage());
        assertEquals(0.0, NoiseSchedule.linear(3, 0.5, 1.0).alphaBar(2));
    }
}
