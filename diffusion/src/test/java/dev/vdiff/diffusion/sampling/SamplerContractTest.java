package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.ClassifierFreeGuidance;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks every sampler must pass (the shared test base of STYLE.md): shape and dtype kept, finite output,
 * same seed gives the same bits, stochastic samplers move with the seed and deterministic ones do not, and the
 * float32 path follows the float64 one. Each sampler runs a smooth fake model on a small video batch.
 */
class SamplerContractTest {
    private static final int[] SHAPE = {2, 3, 2, 4, 4};   // [B, C, F, H, W]
    private static final Tensor LABELS = Tensor.ofLongs(new long[] {3, 7}, 2);
    private static final Tensor NULL_LABELS = Tensor.ofLongs(new long[] {10, 10}, 2);

    /** A sampler with its model, and whether it draws fresh noise. */
    interface Case {
        Tensor run(Tensor noise, Rng rng);

        boolean stochastic();
    }

    record Named(String name, Case c) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Named> samplers() {
        var vc2 = TestModels.VC2;
        return List.of(
            named("DDIM trailing 10, eps, eta 0", false, (n, r) -> new DdimSampler(vc2, Timesteps.Spacing.TRAILING, 10, Timesteps.FinalStep.TO_FIRST_TIMESTEP, 0, DdimSampler.NO_CLIP)
                .sample(TestModels.smooth(PredictionType.EPSILON), n, LABELS, r)),
            named("DDIM benchmark 16 + Imagen CFG 7.5", false, (n, r) -> DdimSampler.benchmark()
                .sample(ClassifierFreeGuidance.guide(TestModels.smooth(PredictionType.EPSILON), NULL_LABELS, ClassifierFreeGuidance.Convention.IMAGEN, 7.5), n, LABELS, r)),
            named("DDIM from top 8, v, eta 0.7", true, (n, r) -> new DdimSampler(vc2, Timesteps.Spacing.FROM_TOP, 8, Timesteps.FinalStep.TO_FIRST_TIMESTEP, 0.7, DdimSampler.NO_CLIP)
                .sample(TestModels.smooth(PredictionType.V_PREDICTION), n, LABELS, r)),
            named("DDIM trailing 5, x0, eta 1, clip 2", true, (n, r) -> new DdimSampler(vc2, Timesteps.Spacing.TRAILING, 5, Timesteps.FinalStep.TO_FIRST_TIMESTEP, 1, 2)
                .sample(TestModels.smooth(PredictionType.SAMPLE), n, null, r)),
            named("LCM 4 of 50 + LCM CFG 6.5", true, (n, r) -> new LcmSampler(vc2, LcmBoundary.T2V_TURBO, 4, 50)
                .sample(ClassifierFreeGuidance.guide(TestModels.smooth(PredictionType.EPSILON), NULL_LABELS, ClassifierFreeGuidance.Convention.LCM, 6.5), n, LABELS, r)),
            named("LCM 1 of 50, S=4", false, (n, r) -> new LcmSampler(vc2, LcmBoundary.MCM, 1, 50)
                .sample(TestModels.smooth(PredictionType.EPSILON), n, LABELS, r)),
            named("flow Euler 6, shift 3", false, (n, r) -> new FlowEulerSampler(6, 3.0).sample(TestModels.smoothVelocity(), n, LABELS, r)));
    }

    private static Named named(String name, boolean stochastic, java.util.function.BiFunction<Tensor, Rng, Tensor> run) {
        return new Named(name, new Case() {
            @Override
            public Tensor run(Tensor noise, Rng rng) {
                return run.apply(noise, rng);
            }

            @Override
            public boolean stochastic() {
                return stochastic;
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void keepsShapeAndDtypeAndIsFinite(Named s) {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor out = s.c().run(TestModels.normal(1, dtype, SHAPE), Rng.seed(5));
            assertArrayEquals(SHAPE, out.shape());
            assertEquals(dtype, out.dtype());
            for (double v : out.toDoubleArray()) assertTrue(Double.isFinite(v), s + " gave a non-finite value in " + dtype);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void sameSeedSameBitsAndOnlyStochasticSamplersFollowTheSeed(Named s) {
        Tensor noise = TestModels.normal(2, DType.FLOAT32, SHAPE);
        float[] a = s.c().run(noise, Rng.seed(11)).contiguous().floats();
        float[] b = s.c().run(noise, Rng.seed(11)).contiguous().floats();
        float[] c = s.c().run(noise, Rng.seed(12)).contiguous().floats();
        assertArrayEquals(a, b, "same seed, same bits");
        assertEquals(s.c().stochastic(), !Arrays.equals(a, c), "a stochastic sampler must depend on the seed, a deterministic one must not");
        assertFalse(Arrays.equals(a, s.c().run(TestModels.normal(3, DType.FLOAT32, SHAPE), Rng.seed(11)).contiguous().floats()), "the output depends on the starting noise");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void float32FollowsFloat64(Named s) {
        Assumptions.assumeFalse(s.c().stochastic(), "Rng lays out float32 and float64 normals differently, so stochastic samplers draw different noise in the two precisions");
        Tensor noise = TestModels.normal(4, DType.FLOAT64, SHAPE);
        Tensor out64 = s.c().run(noise, null);
        Tensor out32 = s.c().run(noise.to(DType.FLOAT32), null);
        Close.assertClose(out32.to(DType.FLOAT64), out64, 1e-4, 1e-4);
    }
}
