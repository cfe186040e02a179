package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §1.8 item 4: the conversions of §1.2 round-trip; exact identities, so float64 at 1e-12. */
class ParameterizationTest {
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.videoCrafter2();
    private static final double RTOL = 1e-12, ATOL = 1e-12;

    @ParameterizedTest(name = "t={0}")
    @ValueSource(ints = {0, 1, 21, 261, 500, 981, 999})
    void conversionsRoundTrip(int t) {
        double a = SCHEDULE.sqrtAlphaBar(t), s = SCHEDULE.sqrtOneMinusAlphaBar(t);
        Tensor x0 = Samples.normal(10 + t, 2, 4, 3, 5), eps = Samples.normal(20 + t, 2, 4, 3, 5);
        Tensor zt = Parameterization.addNoise(x0, eps, a, s);
        // eps -> x0 -> eps
        Tensor x0FromEps = Parameterization.x0FromEpsilon(zt, eps, a, s);
        Close.assertClose(x0FromEps, x0, RTOL, ATOL / a);   // dividing by a = 0.068 at t = 999 amplifies rounding 15-fold
        Close.assertClose(Parameterization.epsilonFromX0(zt, x0FromEps, a, s), eps, RTOL, ATOL / s);
        // v -> x0, v -> eps
        Tensor v = Parameterization.velocity(x0, eps, a, s);
        Close.assertClose(Parameterization.x0FromV(zt, v, a, s), x0, RTOL, ATOL);
        Close.assertClose(Parameterization.epsilonFromV(zt, v, a, s), eps, RTOL, ATOL);
        // The dispatch by prediction type agrees with the direct formulas.
        Close.assertClose(Parameterization.x0(PredictionType.V_PREDICTION, zt, v, a, s), x0, RTOL, ATOL);
        Close.assertClose(Parameterization.epsilon(PredictionType.SAMPLE, zt, x0, a, s), eps, RTOL, ATOL / s);
        Close.assertClose(Parameterization.x0(PredictionType.EPSILON, zt, eps, a, s), x0, RTOL, ATOL / a);
    }

    @Test
    void perSampleCoefficientsMatchOneTimestepAtATime() {
        long[] steps = {999, 3, 500};
        Tensor t = Tensor.ofLongs(steps, 3);
        Tensor a = SCHEDULE.sqrtAlphaBar(t), s = SCHEDULE.sqrtOneMinusAlphaBar(t);
        Tensor x0 = Samples.normal(1, 3, 2, 4), eps = Samples.normal(2, 3, 2, 4);
        Tensor zt = Parameterization.addNoise(x0, eps, a, s);
        Tensor x0Back = Parameterization.x0FromEpsilon(zt, eps, a, s);
        for (int b = 0; b < steps.length; b++) {
            int tb = (int) steps[b];
            Tensor one = Parameterization.addNoise(x0.narrow(0, b, 1), eps.narrow(0, b, 1), SCHEDULE.sqrtAlphaBar(tb), SCHEDULE.sqrtOneMinusAlphaBar(tb));
            Close.assertClose(zt.narrow(0, b, 1), one, 0, 0);
        }
        Close.assertClose(x0Back, x0, RTOL, 2e-11);
    }

    @Test
    void float32UsesCoefficientsRoundedToFloat() {
        double a = SCHEDULE.sqrtAlphaBar(500), s = SCHEDULE.sqrtOneMinusAlphaBar(500);
        Tensor x0 = Samples.normal(3, 16), eps = Samples.normal(4, 16);
        Tensor z64 = Parameterization.addNoise(x0, eps, a, s);
        Tensor z32 = Parameterization.addNoise(x0.to(DType.FLOAT32), eps.to(DType.FLOAT32), a, s);
        org.junit.jupiter.api.Assertions.assertEquals(DType.FLOAT32, z32.dtype());
        Close.assertClose(z32.to(DType.FLOAT64), z64, 1e-6, 1e-6);
    }

    @Test
    void conversionsAreDifferentiable() {
        Tensor t = Tensor.ofLongs(new long[] {10, 900}, 2);
        Tensor a = SCHEDULE.sqrtAlphaBar(t), s = SCHEDULE.sqrtOneMinusAlphaBar(t);
        Tensor zt = Samples.normal(5, 2, 3).requiresGrad(true), out = Samples.normal(6, 2, 3).requiresGrad(true);
        GradCheck.check(x -> Parameterization.x0FromEpsilon(x[0], x[1], a, s), zt, out);
        GradCheck.check(x -> Parameterization.epsilonFromV(x[0], x[1], a, s), zt, out);
        GradCheck.check(x -> Parameterization.epsilonFromX0(x[0], x[1], 0.8, 0.6), zt, out);
    }
}
