package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §1.8 items 2 and 3, plus the DDIM paper's eta = 1 special case; float64 identities at 1e-12. */
class DdimStepTest {
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.videoCrafter2();
    private static final double TOL = 1e-12;

    /** The network output that an exact model gives for z_t = a_t x0 + s_t eps. */
    private static Tensor exactOutput(PredictionType type, Tensor x0, Tensor eps, int t) {
        double a = SCHEDULE.sqrtAlphaBar(t), s = SCHEDULE.sqrtOneMinusAlphaBar(t);
        return type == PredictionType.EPSILON ? eps : type == PredictionType.SAMPLE ? x0 : Parameterization.velocity(x0, eps, a, s);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({"EPSILON,999,979", "EPSILON,500,480", "EPSILON,21,1", "EPSILON,999,-1", "V_PREDICTION,999,979",
        "V_PREDICTION,261,241", "V_PREDICTION,1,-1", "SAMPLE,500,0"})
    void withTheExactModelOutputAStepLandsOnTheForwardProcess(PredictionType type, int t, int tPrev) {
        Tensor x0 = Samples.normal(1, 1, 4, 2, 4, 4), eps = Samples.normal(2, 1, 4, 2, 4, 4);
        Tensor xt = Parameterization.addNoise(x0, eps, SCHEDULE.sqrtAlphaBar(t), SCHEDULE.sqrtOneMinusAlphaBar(t));
        DdimStep.Result r = new DdimStep(SCHEDULE, type, 0).step(xt, exactOutput(type, x0, eps, t), t, tPrev);
        double aPrev = tPrev < 0 ? 1 : SCHEDULE.sqrtAlphaBar(tPrev), sPrev = tPrev < 0 ? 0 : SCHEDULE.sqrtOneMinusAlphaBar(tPrev);
        Close.assertClose(r.prevSample(), Parameterization.addNoise(x0, eps, aPrev, sPrev), TOL, 20 * TOL);
        Close.assertClose(r.predOriginalSample(), x0, TOL, 20 * TOL);
        Close.assertClose(r.predEpsilon(), eps, TOL, 20 * TOL);
    }

    @Test
    void aStepToTheSameTimeIsTheIdentityAndTheLastStepReturnsX0() {
        Tensor xt = Samples.normal(3, 2, 3, 4), out = Samples.normal(4, 2, 3, 4);
        for (PredictionType type : PredictionType.values()) {
            DdimStep ddim = new DdimStep(SCHEDULE, type, 0);
            Close.assertClose(ddim.step(xt, out, 700, 700).prevSample(), xt, TOL, TOL);
            DdimStep.Result last = ddim.step(xt, out, 30, -1);
            Close.assertClose(last.prevSample(), last.predOriginalSample(), 0, 0);   // sqrt(1) x0 + 0 eps, exactly
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"999,979", "500,480", "21,1", "5,-1", "40,40"})
    void inversionUndoesTheDeterministicStep(int t, int tPrev) {
        Tensor xt = Samples.normal(5, 2, 3, 4), eps = Samples.normal(6, 2, 3, 4);
        DdimStep ddim = new DdimStep(SCHEDULE, PredictionType.EPSILON, 0);
        Tensor prev = ddim.step(xt, eps, t, tPrev).prevSample();
        Close.assertClose(ddim.invert(prev, eps, tPrev, t), xt, TOL, 20 * TOL);
    }

    @Test
    void etaOneGivesTheDdpmPosteriorVariance() {
        // DDIM §4.1: with eta = 1 and a step of one, sigma^2 = (1 - abar_{t-1}) / (1 - abar_t) * beta_t.
        DdimStep ddpm = new DdimStep(SCHEDULE, PredictionType.EPSILON, 1);
        for (int t : new int[] {1, 10, 500, 999}) {
            double expected = (1 - SCHEDULE.alphaBar(t - 1)) / (1 - SCHEDULE.alphaBar(t)) * SCHEDULE.beta(t);
            double sigma = ddpm.sigma(t, t - 1);
            assertEquals(expected, sigma * sigma, 1e-12 * expected, "t=" + t);
        }
        assertEquals(0, new DdimStep(SCHEDULE, PredictionType.EPSILON, 0).sigma(999, 979));
    }

    @Test
    void stochasticStepAddsScaledNoise() {
        Tensor xt = Samples.normal(7, 8), out = Samples.normal(8, 8), noise = Samples.normal(9, 8);
        DdimStep half = new DdimStep(SCHEDULE, PredictionType.EPSILON, 0.5);
        DdimStep.Result withNoise = half.step(xt, out, 600, 580, noise);
        DdimStep.Result withZero = half.step(xt, out, 600, 580, Tensor.zeros(DType.FLOAT64, 8));
        double sigma = half.sigma(600, 580);
        assertTrue(sigma > 0);
        double[] d = withNoise.prevSample().toDoubleArray(), z = withZero.prevSample().toDoubleArray(), n = noise.toDoubleArray();
        for (int i = 0; i < 8; i++) assertEquals(sigma * n[i], d[i] - z[i], 1e-14);
        assertThrows(IllegalArgumentException.class, () -> half.step(xt, out, 600, 580));
    }

    @Test
    void float32StepFollowsTheFloat64One() {
        Tensor xt = Samples.normal(10, 1, 4, 2, 4, 4), out = Samples.normal(11, 1, 4, 2, 4, 4);
        DdimStep ddim = new DdimStep(SCHEDULE, PredictionType.V_PREDICTION, 0);
        DdimStep.Result r64 = ddim.step(xt, out, 981, 961), r32 = ddim.step(xt.to(DType.FLOAT32), out.to(DType.FLOAT32), 981, 961);
        assertEquals(DType.FLOAT32, r32.prevSample().dtype());
        Close.assertClose(r32.prevSample().to(DType.FLOAT64), r64.prevSample(), 1e-5, 1e-6);
        assertSame(out, new DdimStep(SCHEDULE, PredictionType.EPSILON, 0).step(xt, out, 10, 5).predEpsilon());
    }

    @Test
    void badTimesAndShapesAreRejected() {
        Tensor xt = Samples.normal(1, 2, 3);
        DdimStep ddim = new DdimStep(SCHEDULE, PredictionType.EPSILON, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> ddim.step(xt, xt, 10, 11));
        assertTrue(e.getMessage().contains("t_prev = 11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ddim.step(xt, xt, 1000, 11));
        assertTrue(e.getMessage().contains("t = 1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ddim.step(xt, Samples.normal(1, 3, 2), 10, 5));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }
}
