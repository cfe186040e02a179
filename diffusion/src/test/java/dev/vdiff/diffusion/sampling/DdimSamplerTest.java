package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.ClassifierFreeGuidance;
import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static dev.vdiff.diffusion.sampling.TestModels.VC2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DdimSamplerTest {
    private static final double TOL = 1e-12;

    @Test
    void gridsHaveTheValuesOfSpecAndTheBenchmark() {
        int[] trailing50 = Timesteps.ddim(Timesteps.Spacing.TRAILING, 50, 1000);
        assertEquals(999, trailing50[0]);
        assertEquals(19, trailing50[49]);
        assertArrayEquals(trailing50, Timesteps.ddim(Timesteps.Spacing.FROM_TOP, 50, 1000), "the spacings agree for n = 50");
        // docs/bench/tiny_video_unet.md §7: t_k = 999 - 66 k, k = 0..15, ending at 9.
        int[] bench = Timesteps.ddim(Timesteps.Spacing.FROM_TOP, 16, 1000);
        for (int k = 0; k < 16; k++) assertEquals(999 - 66 * k, bench[k]);
        // (i+1) k - 1 with k = 62: 991, 929, ..., 61.
        int[] trailing16 = Timesteps.ddim(Timesteps.Spacing.TRAILING, 16, 1000);
        for (int j = 0; j < 16; j++) assertEquals((16 - j) * 62 - 1, trailing16[j]);
        // SPEC §1.3: N = 50 -> {19, 39, ..., 999}, N = 200 -> {4, 9, ..., 999}.
        int[] g50 = Timesteps.distillationGrid(50, 1000), g200 = Timesteps.distillationGrid(200, 1000);
        for (int i = 0; i < 50; i++) assertEquals(19 + 20 * i, g50[i]);
        for (int i = 0; i < 200; i++) assertEquals(4 + 5 * i, g200[i]);
        assertArrayEquals(new int[] {999}, Timesteps.ddim(Timesteps.Spacing.FROM_TOP, 1, 1000));
        assertArrayEquals(new int[] {999, 0}, Timesteps.ddim(Timesteps.Spacing.FROM_TOP, 2, 1000));
        assertArrayEquals(new int[] {999}, Timesteps.ddim(Timesteps.Spacing.TRAILING, 1, 1000));
        int[] every = Timesteps.ddim(Timesteps.Spacing.FROM_TOP, 1000, 1000);
        assertArrayEquals(every, Timesteps.ddim(Timesteps.Spacing.TRAILING, 1000, 1000));
        for (int j = 0; j < 1000; j++) assertEquals(999 - j, every[j]);
        DdimSampler bm = DdimSampler.benchmark();
        assertArrayEquals(bench, bm.timesteps());
        assertEquals(933, bm.previous(0));
        assertEquals(-1, bm.previous(15));
    }

    @ParameterizedTest(name = "{0}, {1} steps, {2}, eta {3}")
    @CsvSource({"EPSILON,TRAILING,10,0", "EPSILON,FROM_TOP,16,0.5", "V_PREDICTION,TRAILING,7,0", "V_PREDICTION,FROM_TOP,4,1", "SAMPLE,TRAILING,3,1"})
    void anOracleThatKnowsX0RecoversItExactly(PredictionType type, Timesteps.Spacing spacing, int steps, double eta) {
        Tensor x0 = TestModels.normal(1, DType.FLOAT64, 2, 4, 3, 4, 4), noise = TestModels.normal(2, DType.FLOAT64, 2, 4, 3, 4, 4);
        DdimSampler ddim = new DdimSampler(VC2, spacing, steps, Timesteps.FinalStep.TO_CLEAN, eta, DdimSampler.NO_CLIP);
        // The last step lands on sqrt(1) x0_hat + 0 eps_hat and every x0_hat is x0, noise or not.
        Close.assertClose(ddim.sample(TestModels.oracle(type, x0), noise, null, Rng.seed(3)), x0, TOL, 20 * TOL);
    }

    @Test
    void withExactNoiseDeterministicDdimStaysOnTheForwardPathToAlphaBarZero() {
        // SPEC §1.8 item 2 over a whole chain: z_T = a_T x0 + s_T eps and an exact model keep every z_t = a_t x0 + s_t eps,
        // and the LVDM convention ends at a_0 x0 + s_0 eps.
        Tensor x0 = TestModels.normal(4, DType.FLOAT64, 2, 3, 8), eps = TestModels.normal(5, DType.FLOAT64, 2, 3, 8);
        int[] grid = Timesteps.ddim(Timesteps.Spacing.TRAILING, 25, 1000);
        Tensor zT = Parameterization.addNoise(x0, eps, VC2.sqrtAlphaBar(grid[0]), VC2.sqrtOneMinusAlphaBar(grid[0]));
        DdimSampler ddim = new DdimSampler(VC2, grid, Timesteps.FinalStep.TO_FIRST_TIMESTEP, 0, DdimSampler.NO_CLIP);
        Tensor expected = Parameterization.addNoise(x0, eps, VC2.sqrtAlphaBar(0), VC2.sqrtOneMinusAlphaBar(0));
        Close.assertClose(ddim.sample(TestModels.oracle(PredictionType.V_PREDICTION, x0), zT, null, null), expected, TOL, 20 * TOL);
    }

    @Test
    void benchmarkSamplerFollowsTheWrittenProcedureWithTwoSeparatePassesPerStep() {
        // docs/bench/tiny_video_unet.md §7 transcribed on plain arrays: eps = eps_u + 7.5 (eps_c - eps_u); x0 = clamp((x - s eps)/a, -1, 1);
        // x = sqrt(abar_prev) x0 + sqrt(1 - abar_prev) eps, t_k = 999 - 66 k, abar_prev = abar[t_k - 66] or 1.
        int[] shape = {2, 8, 4, 2, 2};   // [B, F, C, H, W] as the benchmark lays it out
        Tensor noise = TestModels.normal(6, DType.FLOAT64, shape);
        Tensor labels = Tensor.ofLongs(new long[] {3, 7}, 2), nulls = Tensor.ofLongs(new long[] {10, 10}, 2);
        List<TestModels.Call> calls = TestModels.calls();
        Denoiser model = TestModels.recording(TestModels.smooth(PredictionType.EPSILON), calls);
        Tensor got = DdimSampler.benchmark().sample(ClassifierFreeGuidance.guide(model, nulls, ClassifierFreeGuidance.Convention.IMAGEN, 7.5), noise, labels, null);

        double[] x = noise.toDoubleArray().clone();
        int per = x.length / 2;
        for (int k = 0; k < 16; k++) {
            int t = 999 - 66 * k;
            double abar = VC2.alphaBar(t), abarPrev = k < 15 ? VC2.alphaBar(t - 66) : 1.0;
            for (int i = 0; i < x.length; i++) {
                int b = i / per;
                double tanh = 0.5 * Math.tanh(x[i]);   // the fake model, written out: 0.5 tanh(x) + 1e-4 t + 0.05 label
                double epsC = tanh + 1e-4 * t + 0.05 * labels.longs()[b], epsU = tanh + 1e-4 * t + 0.05 * 10;
                double eps = epsU + 7.5 * (epsC - epsU);
                double x0 = Math.max(-1, Math.min(1, (x[i] - Math.sqrt(1 - abar) * eps) / Math.sqrt(abar)));
                x[i] = Math.sqrt(abarPrev) * x0 + Math.sqrt(1 - abarPrev) * eps;
            }
        }
        Close.assertClose(got.toDoubleArray(), x, TOL, TOL);

        assertEquals(32, calls.size(), "two forward passes per step");
        for (int c = 0; c < 32; c++) {
            TestModels.Call call = calls.get(c);
            assertArrayEquals(shape, call.x().shape(), "batch 2 per pass, never a batched 4");
            assertArrayEquals(new long[] {999 - 66 * (c / 2), 999 - 66 * (c / 2)}, call.t().longs());
            assertTrue(call.cond() == (c % 2 == 0 ? labels : nulls), "conditional pass first, then the null label");
        }
    }

    @Test
    void clippingBoundsX0AndKeepsTheNoiseEstimate() {
        Tensor noise = TestModels.normal(7, DType.FLOAT64, 2, 16);
        Denoiser wild = Denoiser.of(PredictionType.SAMPLE, (x, t, c) -> Tensor.full(DType.FLOAT64, 5.0, 2, 16));
        Tensor out = new DdimSampler(VC2, new int[] {999}, Timesteps.FinalStep.TO_FIRST_TIMESTEP, 0, 1.0).sample(wild, noise, null, null);
        // x0_hat = 5 -> clamp 1; eps_hat from the unclipped x0: (z - a 5) / s.
        double a = VC2.sqrtAlphaBar(999), s = VC2.sqrtOneMinusAlphaBar(999), a0 = VC2.sqrtAlphaBar(0), s0 = VC2.sqrtOneMinusAlphaBar(0);
        double[] z = noise.toDoubleArray(), expected = new double[z.length];
        for (int i = 0; i < z.length; i++) expected[i] = a0 * 1.0 + s0 * (z[i] - a * 5) / s;
        Close.assertClose(out.toDoubleArray(), expected, TOL, TOL);
    }

    @Test
    void stochasticSamplingIsReproducibleAndMovesWithTheSeed() {
        DdimSampler ddim = new DdimSampler(VC2, Timesteps.Spacing.TRAILING, 10, Timesteps.FinalStep.TO_FIRST_TIMESTEP, 1.0, DdimSampler.NO_CLIP);
        Tensor noise = TestModels.normal(8, DType.FLOAT64, 2, 3, 4);
        Denoiser model = TestModels.smooth(PredictionType.EPSILON);
        double[] a = ddim.sample(model, noise, null, Rng.seed(1)).toDoubleArray();
        assertArrayEquals(a, ddim.sample(model, noise, null, Rng.seed(1)).toDoubleArray());
        assertFalse(Arrays.equals(a, ddim.sample(model, noise, null, Rng.seed(2)).toDoubleArray()));
        var e = assertThrows(IllegalArgumentException.class, () -> ddim.sample(model, noise, null, null));
        assertTrue(e.getMessage().contains("needs an Rng"), e.getMessage());
    }

    @Test
    void prevSampleOnConvertedPredictionsIsTheStep() {
        Tensor xt = TestModels.normal(9, DType.FLOAT64, 2, 5), out = TestModels.normal(10, DType.FLOAT64, 2, 5), xi = TestModels.normal(11, DType.FLOAT64, 2, 5);
        DdimStep step = new DdimStep(VC2, PredictionType.V_PREDICTION, 0.3);
        DdimStep.Result r = step.step(xt, out, 700, 650, xi);
        Close.assertClose(step.prevSample(r.predOriginalSample(), r.predEpsilon(), 700, 650, xi), r.prevSample(), 0, 0);
    }

    @Test
    void badGridsAndSamplesAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new DdimSampler(VC2, new int[] {500, 700}, Timesteps.FinalStep.TO_CLEAN, 0, DdimSampler.NO_CLIP));
        assertTrue(e.getMessage().contains("strictly decreasing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DdimSampler(VC2, new int[] {1000}, Timesteps.FinalStep.TO_CLEAN, 0, DdimSampler.NO_CLIP));
        assertTrue(e.getMessage().contains("timestep 1000 outside 0..999"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Timesteps.ddim(Timesteps.Spacing.TRAILING, 0, 1000));
        assertTrue(e.getMessage().contains("1..1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DdimSampler.benchmark().sample(TestModels.smooth(PredictionType.EPSILON), Tensor.ofLongs(new long[] {1}, 1), null, null));
        assertTrue(e.getMessage().contains("float32/float64"), e.getMessage());
        Denoiser wrong = Denoiser.of(PredictionType.EPSILON, (x, t, c) -> Tensor.zeros(x.dtype(), 3));
        e = assertThrows(IllegalArgumentException.class, () -> DdimSampler.benchmark().sample(wrong, TestModels.normal(1, DType.FLOAT32, 2, 2), null, null));
        assertTrue(e.getMessage().contains("model returned float32[3]"), e.getMessage());
    }
}
