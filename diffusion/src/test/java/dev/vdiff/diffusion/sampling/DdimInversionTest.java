package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.vdiff.diffusion.sampling.TestModels.VC2;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DdimInversionTest {
    private static final double TOL = 1e-12;

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @CsvSource({"TRAILING,TO_FIRST_TIMESTEP,TARGET", "TRAILING,TO_CLEAN,SOURCE", "FROM_TOP,TO_CLEAN,TARGET", "FROM_TOP,TO_FIRST_TIMESTEP,SOURCE"})
    void inversionThenSamplingWithTheSameNoiseIsTheIdentity(Timesteps.Spacing spacing, Timesteps.FinalStep end, DdimInversion.ModelTime modelTime) {
        // SPEC §1.8 item 3 over a whole chain: the noise estimate does not depend on the input, so both directions use the same e.
        Tensor x = TestModels.normal(1, DType.FLOAT64, 2, 3, 2, 4), e = TestModels.normal(2, DType.FLOAT64, 2, 3, 2, 4);
        int[] grid = Timesteps.ddim(spacing, 12, 1000);
        Denoiser model = TestModels.constantEps(e);
        Tensor zT = new DdimInversion(VC2, grid, end, modelTime).invert(model, x, null);
        Tensor back = new DdimSampler(VC2, grid, end, 0, DdimSampler.NO_CLIP).sample(model, zT, null, null);
        Close.assertClose(back, x, TOL, 50 * TOL);
    }

    @Test
    void withTheTrueNoiseInversionClimbsTheForwardPath() {
        // Start on a_0 x0 + s_0 eps; an exact eps keeps every step on a_t x0 + s_t eps, up to t = 999.
        Tensor x0 = TestModels.normal(3, DType.FLOAT64, 2, 8), eps = TestModels.normal(4, DType.FLOAT64, 2, 8);
        int[] grid = Timesteps.ddim(Timesteps.Spacing.TRAILING, 50, 1000);
        Tensor z0 = Parameterization.addNoise(x0, eps, VC2.sqrtAlphaBar(0), VC2.sqrtOneMinusAlphaBar(0));
        Tensor top = new DdimInversion(VC2, grid, Timesteps.FinalStep.TO_FIRST_TIMESTEP, DdimInversion.ModelTime.SOURCE)
            .invert(TestModels.oracle(PredictionType.V_PREDICTION, x0), z0, null);
        Close.assertClose(top, Parameterization.addNoise(x0, eps, VC2.sqrtAlphaBar(999), VC2.sqrtOneMinusAlphaBar(999)), TOL, 20 * TOL);
    }

    @Test
    void oneStepIsTheFormulaOfSpecAndTheModelTimeIsAsNamed() {
        // SPEC §1.3: p = max(t - k_raw, 0); z_t = (z_p - sqrt(1 - abar_p) e) sqrt(abar_t / abar_p) + sqrt(1 - abar_t) e,
        // with e queried at the target time t.
        Tensor x = TestModels.normal(5, DType.FLOAT64, 1, 6), e = TestModels.normal(6, DType.FLOAT64, 1, 6);
        List<TestModels.Call> calls = TestModels.calls();
        Denoiser model = TestModels.recording(TestModels.constantEps(e), calls);
        Tensor z = new DdimInversion(VC2, new int[] {19}, Timesteps.FinalStep.TO_FIRST_TIMESTEP, DdimInversion.ModelTime.TARGET).invert(model, x, null);
        double ap = VC2.alphaBar(0), at = VC2.alphaBar(19);
        double[] xs = x.toDoubleArray(), es = e.toDoubleArray(), expected = new double[6];
        for (int i = 0; i < 6; i++) expected[i] = (xs[i] - Math.sqrt(1 - ap) * es[i]) * Math.sqrt(at / ap) + Math.sqrt(1 - at) * es[i];
        Close.assertClose(z.toDoubleArray(), expected, TOL, TOL);
        assertEquals(19, calls.get(0).t().longs()[0]);

        calls.clear();
        new DdimInversion(VC2, Timesteps.ddim(Timesteps.Spacing.TRAILING, 50, 1000), Timesteps.FinalStep.TO_CLEAN, DdimInversion.ModelTime.SOURCE).invert(model, x, null);
        assertEquals(50, calls.size());
        assertEquals(0, calls.get(0).t().longs()[0], "the clean start is queried at t = 0");
        for (int i = 1; i < 50; i++) assertEquals(20 * i - 1, calls.get(i).t().longs()[0]);
    }
}
