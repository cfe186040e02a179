package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renoising at a stage jump, SPEC §5.8 items 3-5: the Monte-Carlo marginal, exact cancellation in the pair
 * average, the worked flow-matching numbers, and the detection of the printed-coefficient typo.
 */
class RenoiseTest {
    static final int DRAWS = 20_000;
    /** Accept a Monte-Carlo estimate within this many standard errors (seeded, so the outcome is fixed). */
    static final double Z = 5;

    @Test
    void flowWorkedNumbers() {
        // SPEC §5.5 / §5.8 item 5.
        PyramidStages st = PyramidConfig.flow().stages();
        Renoise.Jump into2 = st.jump(2), into1 = st.jump(1);
        assertEquals(0.783612, into2.c(), 1e-6);
        assertEquals(0.522408, into2.alpha(), 1e-6);
        assertEquals(-1, into2.rho(), 0);
        assertEquals(0.878680, into1.c(), 1e-6);
        assertEquals(0.292893, into1.alpha(), 1e-6);
        assertEquals(-1, into1.rho(), 0);
        // The ratio forms of SPEC §5.5: c = (sigma_s + sqrt2 gamma_s)/sqrt2 = 1/(sqrt2 (1 - gamma_e) + gamma_e).
        double ge = 1.0 / 3, gs = st.gammaStart(2), ss = st.sigmaStart(2);
        assertEquals((ss + Math.sqrt(2) * gs) / Math.sqrt(2), into2.c(), 1e-12);
        assertEquals(1 / (Math.sqrt(2) * (1 - ge) + ge), into2.c(), 1e-12);
    }

    @Test
    void printedCoefficientEqualsGammaEndNotTheRatio() {
        // SPEC §5.8 item 5: the printed eq. 15/23 coefficient is gamma_e (1/3 and 2/3 here), i.e. a typo.
        PyramidStages printed = PyramidConfig.flow().withCoefficient(PyramidConfig.RenoiseCoefficient.PRINTED_EQ23).stages();
        assertEquals(1.0 / 3, printed.jump(2).c(), 1e-12);
        assertEquals(2.0 / 3, printed.jump(1).c(), 1e-12);
        PyramidStages ratio = PyramidConfig.flow().stages();
        assertTrue(Math.abs(printed.jump(2).c() - ratio.jump(2).c()) > 0.4);
    }

    /** Per-copy moments of the fine latent: mean and variance of each copy, and their covariance. */
    record Moments(double mean0, double mean1, double var0, double var1, double cov) {}

    /**
     * x̂_e = gamma_e mu + sigma_e eps for DRAWS independent one-frame latents ([N, 1], frames on axis 1), renoised
     * to [N, 2] with {@code jump}.
     */
    static Moments renoised(Renoise.Jump jump, double gammaE, double sigmaE, double mu, long seed) {
        Rng rng = Rng.seed(seed);
        double[] e = rng.normal(DType.FLOAT64, DRAWS, 1).doubles();
        for (int i = 0; i < DRAWS; i++) e[i] = gammaE * mu + sigmaE * e[i];
        double[] xs = Renoise.apply(Tensor.of(e, DRAWS, 1), jump, 1, rng).contiguous().doubles();
        double m0 = 0, m1 = 0;
        for (int i = 0; i < DRAWS; i++) {
            m0 += xs[2 * i];
            m1 += xs[2 * i + 1];
        }
        m0 /= DRAWS;
        m1 /= DRAWS;
        double v0 = 0, v1 = 0, c = 0;
        for (int i = 0; i < DRAWS; i++) {
            double a = xs[2 * i] - m0, b = xs[2 * i + 1] - m1;
            v0 += a * a;
            v1 += b * b;
            c += a * b;
        }
        return new Moments(m0, m1, v0 / (DRAWS - 1), v1 / (DRAWS - 1), c / (DRAWS - 1));
    }

    static Stream<Arguments> jumps() {
        PyramidStages flow = PyramidConfig.flow().stages();
        PyramidStages vp = PyramidConfig.vp(NoiseSchedule.videoCrafter2()).stages();
        PyramidStages flow4 = PyramidConfig.flow().withUniformStages(4).stages();
        return Stream.of(
            Arguments.of("flow into stage 2", flow, 2), Arguments.of("flow into stage 1", flow, 1),
            Arguments.of("vp into stage 2", vp, 2), Arguments.of("vp into stage 1", vp, 1),
            Arguments.of("flow K=4 into stage 3", flow4, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jumps")
    void renoisedMarginalMatchesTheStageStart(String name, PyramidStages st, int k) {
        // SPEC §5.8 item 3: mean gamma_s mu, variance sigma_s^2, uncorrelated copies (Monte Carlo, 20k draws).
        double mu = 1.7;
        double ge = st.gammaEnd(k + 1), se = st.sigmaEnd(k + 1), gs = st.gammaStart(k), ss = st.sigmaStart(k);
        Renoise.Jump jump = st.jump(k);
        assertTrue(jump.rho() >= -1 && jump.rho() <= 0, name + ": rho " + jump.rho());
        Moments m = renoised(jump, ge, se, mu, 42 + k);
        double seMean = ss / Math.sqrt(DRAWS), seVar = ss * ss * Math.sqrt(2.0 / DRAWS), seCov = ss * ss / Math.sqrt(DRAWS);
        assertEquals(gs * mu, m.mean0(), Z * seMean, name + " mean of copy 0");
        assertEquals(gs * mu, m.mean1(), Z * seMean, name + " mean of copy 1");
        assertEquals(ss * ss, m.var0(), Z * seVar, name + " variance of copy 0");
        assertEquals(ss * ss, m.var1(), Z * seVar, name + " variance of copy 1");
        assertEquals(0, m.cov(), Z * seCov, name + " covariance of the copies");
    }

    @Test
    void printedCoefficientGivesTheWrongMarginal() {
        // The typo, detected by its marginal: with c = gamma_e the mean is gamma_e^2 mu, not gamma_s mu, and the
        // copies stay correlated; the ratio gamma_s/gamma_e passes the same test (above).
        double mu = 1.7;
        PyramidStages printed = PyramidConfig.flow().withCoefficient(PyramidConfig.RenoiseCoefficient.PRINTED_EQ23).stages();
        PyramidStages ratio = PyramidConfig.flow().stages();
        for (int k = 1; k <= 2; k++) {
            double ge = printed.gammaEnd(k + 1), se = printed.sigmaEnd(k + 1), gs = printed.gammaStart(k), ss = printed.sigmaStart(k);
            double seMean = ss / Math.sqrt(DRAWS), seVar = ss * ss * Math.sqrt(2.0 / DRAWS);
            Moments wrong = renoised(printed.jump(k), ge, se, mu, 7 + k);
            Moments right = renoised(ratio.jump(k), ge, se, mu, 7 + k);
            assertTrue(Math.abs(wrong.mean0() - gs * mu) > 20 * seMean, "printed coefficient should miss the mean: " + wrong);
            assertEquals(ge * ge * mu, wrong.mean0(), Z * seMean, "the printed mean is gamma_e^2 mu");
            assertTrue(Math.abs(wrong.var0() - ss * ss) > 10 * seVar, "printed coefficient should miss the variance: " + wrong);
            assertEquals(gs * mu, right.mean0(), Z * seMean);
            assertEquals(ss * ss, right.var0(), Z * seVar);
        }
    }

    @Test
    void antiCorrelatedNoiseCancelsInThePairAverage() {
        // SPEC §5.8 item 4: (x_s[2f] + x_s[2f+1]) / 2 == c x_e[f], for a [B, F, C, H, W] latent.
        PyramidStages st = PyramidConfig.flow().stages();
        Renoise.Jump jump = st.jump(1);
        Tensor xe = Rng.seed(5).normal(DType.FLOAT64, 2, 4, 3, 2, 2);
        Tensor xs = Renoise.apply(xe, jump, 1, Rng.seed(6));
        for (int b = 0; b < 2; b++) for (int f = 0; f < 4; f++) for (int c = 0; c < 3; c++) for (int h = 0; h < 2; h++) for (int w = 0; w < 2; w++) {
            double avg = (xs.get(b, 2 * f, c, h, w) + xs.get(b, 2 * f + 1, c, h, w)) / 2;
            double want = jump.c() * xe.get(b, f, c, h, w);
            assertEquals(want, avg, 1e-15 * (1 + Math.abs(want)) + 1e-15);
            assertTrue(xs.get(b, 2 * f, c, h, w) != xs.get(b, 2 * f + 1, c, h, w), "the copies must differ");
        }
    }

    @Test
    void generalCorrelationForADiscreteStart() {
        // A start noisier than the exact one: rho in (-1, 0), and the marginal is still exact (covered above for VP).
        double ge = 0.6, se = 0.8;                   // VP end point
        double gs = 0.3, ss = Math.sqrt(1 - 0.09);    // SNR(s) = 0.33 < SNR(e)/2 = 0.375
        Renoise.Jump j = Renoise.jump(ge, se, gs, ss, PyramidConfig.RenoiseCoefficient.RATIO);
        assertTrue(j.rho() > -1 && j.rho() < 0, "rho " + j.rho());
        assertEquals(gs / ge, j.c(), 1e-15);
        // Diagonal and off-diagonal equations of eq. 19.
        assertEquals(ss * ss, j.c() * j.c() * se * se + j.alpha() * j.alpha(), 1e-12);
        assertEquals(0, j.c() * j.c() * se * se + j.alpha() * j.alpha() * j.rho(), 1e-12);
    }

    @Test
    void aStartThatIsNotNoisyEnoughIsRejected() {
        // SNR(s) > SNR(e) / 2: no rho in [-1, 0] can decorrelate the copies.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Renoise.jump(0.6, 0.8, 0.55, Math.sqrt(1 - 0.55 * 0.55), PyramidConfig.RenoiseCoefficient.RATIO));
        assertTrue(e.getMessage().contains("half the end's SNR"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Renoise.jump(0.6, 0.8, 0.7, Math.sqrt(1 - 0.49), PyramidConfig.RenoiseCoefficient.RATIO));
    }

    @Test
    void pairNoiseNeedsAnRng() {
        assertThrows(IllegalArgumentException.class, () -> Renoise.apply(Tensor.zeros(DType.FLOAT64, 1, 2), new Renoise.Jump(1, 0.5, -1), 1, null));
    }

    /** The given-noise form is the drawn form with the same z (rho = -1 draws only z, SPEC §5.5b). */
    @Test
    void givenNoiseEqualsDrawnNoise() {
        Renoise.Jump jump = Renoise.jump(1.0 / 3, 2.0 / 3, 1 - 0.7387961250362586, 0.7387961250362586, PyramidConfig.RenoiseCoefficient.RATIO);
        Tensor xe = Rng.seed(5).normal(DType.FLOAT64, 2, 3, 4, 2, 2);   // [B, C, F', H, W]
        Tensor drawn = Renoise.apply(xe, jump, 2, Rng.seed(6));
        Tensor given = Renoise.applyWithNoise(xe, jump, 2, Rng.seed(6).normal(DType.FLOAT64, 2, 3, 4, 2, 2));
        assertTrue(java.util.Arrays.equals(drawn.toDoubleArray(), given.toDoubleArray()));
        // x_s[2f] - x_s[2f+1] = 2 alpha z[f]; x_s[2f] + x_s[2f+1] = 2 c x_e[f]
        assertEquals(2 * jump.c() * xe.get(1, 2, 3, 1, 0), given.get(1, 2, 6, 1, 0) + given.get(1, 2, 7, 1, 0), 1e-12);
    }

    /** The SNR-halving jump into a start in each normalisation gives PAPERS.md §3.8's closed forms. */
    @Test
    void jumpIntoStartHasTheClosedForms() {
        double gs = 0.2612038749637414, ss = 0.7387961250362586;
        Renoise.Jump flow = Renoise.jumpIntoStart(gs, ss, DiffusionForm.Normalisation.FLOW, PyramidConfig.RenoiseCoefficient.RATIO);
        assertEquals((ss + Math.sqrt(2) * gs) / Math.sqrt(2), flow.c(), 1e-14);
        assertEquals(ss / Math.sqrt(2), flow.alpha(), 1e-14);
        assertEquals(-1, flow.rho(), 0);
        double g = 0.37796447300922736, s2 = Math.sqrt(1 - g * g);
        Renoise.Jump vp = Renoise.jumpIntoStart(g, s2, DiffusionForm.Normalisation.VARIANCE_PRESERVING, PyramidConfig.RenoiseCoefficient.RATIO);
        assertEquals(Math.sqrt(s2 * s2 + 2 * g * g) / Math.sqrt(2), vp.c(), 1e-14);
        assertEquals(s2 / Math.sqrt(2), vp.alpha(), 1e-14);
    }
}
