package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.ConsistencyFunction;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.vdiff.diffusion.sampling.TestModels.VC2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LCM multistep timesteps and sampler (SPEC §1.5, §1.8 item 6). */
class LcmTest {
    @Test
    void timestepsOfSpec() {
        assertArrayEquals(new int[] {999, 759, 519, 279}, Timesteps.lcm(4, 50, 1000));
        assertArrayEquals(new int[] {999, 749, 499, 249}, Timesteps.lcm(4, 200, 1000));
        int[] sixteen = Timesteps.lcm(16, 200, 1000);
        assertEquals(16, sixteen.length);
        for (int k = 0; k < 16; k++) assertEquals(999 - 60 * k, sixteen[k]);
        assertEquals(99, sixteen[15]);
        assertArrayEquals(new int[] {999}, Timesteps.lcm(1, 50, 1000));
        // All 50 steps visit the whole distillation grid, top down.
        int[] all = Timesteps.lcm(50, 50, 1000), grid = Timesteps.distillationGrid(50, 1000);
        for (int i = 0; i < 50; i++) assertEquals(grid[49 - i], all[i]);
        var e = assertThrows(IllegalArgumentException.class, () -> Timesteps.lcm(51, 50, 1000));
        assertTrue(e.getMessage().contains("1..lcm_origin_steps = 50"), e.getMessage());
    }

    @Test
    void samplerFollowsTheStepsOfSpec() {
        // SPEC §1.5 transcribed on arrays: denoised = c_out x0_hat + c_skip z; z = sqrt(abar_next) denoised + sqrt(1 - abar_next) xi.
        // The fresh noise comes from the same generator in the same order (one normal tensor per renoising step).
        int[] shape = {2, 3, 4};
        Tensor noise = TestModels.normal(1, DType.FLOAT64, shape);
        LcmBoundary boundary = LcmBoundary.T2V_TURBO;
        List<TestModels.Call> calls = TestModels.calls();
        Denoiser model = TestModels.recording(TestModels.smooth(PredictionType.EPSILON), calls);
        Tensor got = new LcmSampler(VC2, boundary, 4, 50).sample(model, noise, null, Rng.seed(7));

        Rng rng = Rng.seed(7);
        int[] ts = {999, 759, 519, 279};
        double[] z = noise.toDoubleArray().clone(), denoised = new double[z.length];
        for (int i = 0; i < 4; i++) {
            int t = ts[i];
            for (int j = 0; j < z.length; j++) {
                double eps = 0.5 * Math.tanh(z[j]) + 1e-4 * t;
                double x0 = (z[j] - VC2.sqrtOneMinusAlphaBar(t) * eps) / VC2.sqrtAlphaBar(t);
                denoised[j] = boundary.cOut(t) * x0 + boundary.cSkip(t) * z[j];
            }
            if (i == 3) break;
            double[] xi = rng.normal(DType.FLOAT64, shape).doubles();
            for (int j = 0; j < z.length; j++) z[j] = VC2.sqrtAlphaBar(ts[i + 1]) * denoised[j] + VC2.sqrtOneMinusAlphaBar(ts[i + 1]) * xi[j];
        }
        Close.assertClose(got.toDoubleArray(), denoised, 1e-12, 1e-12);
        assertEquals(4, calls.size());
        for (int i = 0; i < 4; i++) assertEquals(ts[i], calls.get(i).t().longs()[1]);
    }

    @Test
    void aStudentThatKnowsX0EndsNearItAndTheLastStepIsTheConsistencyFunction() {
        Tensor x0 = TestModels.normal(2, DType.FLOAT64, 2, 16), noise = TestModels.normal(3, DType.FLOAT64, 2, 16);
        Denoiser oracle = TestModels.oracle(PredictionType.SAMPLE, x0);
        // One step: f(z, 999) = c_skip(999) z + c_out(999) x0 exactly.
        Tensor one = new LcmSampler(VC2, LcmBoundary.T2V_TURBO, 1, 50).sample(oracle, noise, null, null);
        Tensor f = new ConsistencyFunction(VC2, LcmBoundary.T2V_TURBO).apply(oracle, noise, Tensor.ofLongs(new long[] {999, 999}, 2), null);
        Close.assertClose(one, f, 0, 0);
        // Four steps with the boundary of S = 10: the last step keeps c_skip(279) ~ 3e-8 of its renoised input.
        Tensor four = new LcmSampler(VC2, LcmBoundary.T2V_TURBO, 4, 50).sample(oracle, noise, null, Rng.seed(4));
        Close.assertClose(four, x0, 1e-5, 1e-5);
    }

    @Test
    void stochasticSamplingIsReproducibleAndMovesWithTheSeed() {
        LcmSampler lcm = new LcmSampler(VC2, LcmBoundary.MCM, 4, 200);
        Tensor noise = TestModels.normal(5, DType.FLOAT32, 1, 2, 3, 4, 4);
        Denoiser model = TestModels.smooth(PredictionType.V_PREDICTION);
        float[] a = lcm.sample(model, noise, null, Rng.seed(1)).floats();
        assertArrayEquals(a, lcm.sample(model, noise, null, Rng.seed(1)).floats());
        assertFalse(Arrays.equals(a, lcm.sample(model, noise, null, Rng.seed(2)).floats()));
        var e = assertThrows(IllegalArgumentException.class, () -> lcm.sample(model, noise, null, null));
        assertTrue(e.getMessage().contains("LcmSampler") && e.getMessage().contains("needs an Rng"), e.getMessage());
    }
}
