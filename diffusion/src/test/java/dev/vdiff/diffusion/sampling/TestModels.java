package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.VelocityModel;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stand-in models for sampler tests: smooth fakes, oracles that know x0, and call recorders. */
final class TestModels {
    private TestModels() {}

    static final NoiseSchedule VC2 = NoiseSchedule.videoCrafter2();

    static Tensor normal(long seed, DType dtype, int... shape) {
        return Rng.seed(seed).normal(dtype, shape);
    }

    /**
     * A smooth, bounded fake network: {@code 0.5 tanh(x) + 1e-4 t_b + 0.05 cond_b}, per sample b. It checks that
     * the sampler hands it a time tensor [B] of {@code timeType} and keeps the batch.
     */
    static Tensor fake(Tensor x, Tensor t, Tensor cond, DType timeType) {
        int b = x.shape(0);
        assertEquals(timeType, t.dtype(), "time tensor dtype");
        assertArrayEquals(new int[] {b}, t.shape(), "time tensor shape");
        double[] bias = new double[b];
        double[] ts = t.toDoubleArray();
        for (int i = 0; i < b; i++) bias[i] = 1e-4 * ts[i] + (cond == null ? 0 : 0.05 * cond.toDoubleArray()[i]);
        int[] shape = new int[x.rank()];
        Arrays.fill(shape, 1);
        shape[0] = b;
        Tensor perSample = Tensor.of(bias, shape).to(x.dtype());   // [B] -> [B, 1, ..., 1]
        return Arithmetic.add(Arithmetic.mul(Pointwise.tanh(x), 0.5), perSample);
    }

    static Denoiser smooth(PredictionType type) {
        return Denoiser.of(type, (x, t, cond) -> fake(x, t, cond, DType.INT64));
    }

    static VelocityModel smoothVelocity() {
        return (x, t, cond) -> fake(x, t, cond, x.dtype());
    }

    /**
     * The output an exact network gives when the data is known to be {@code x0}: at (x, t) the implied noise is
     * {@code (x - a_t x0) / s_t}, and the output is that noise, x0, or {@code v = a_t eps - s_t x0}.
     */
    static Denoiser oracle(PredictionType type, Tensor x0) {
        return Denoiser.of(type, (x, t, cond) -> {
            int step = (int) t.longs()[0];
            double a = VC2.sqrtAlphaBar(step), s = VC2.sqrtOneMinusAlphaBar(step);
            Tensor eps = Parameterization.epsilonFromX0(x, x0, a, s);
            return type == PredictionType.EPSILON ? eps : type == PredictionType.SAMPLE ? x0 : Parameterization.velocity(x0, eps, a, s);
        });
    }

    /** An eps model that returns {@code e} whatever it is asked. */
    static Denoiser constantEps(Tensor e) {
        return Denoiser.of(PredictionType.EPSILON, (x, t, cond) -> e);
    }

    /** One recorded model call. */
    record Call(Tensor x, Tensor t, Tensor cond) {}

    /** Wraps a denoiser and records every call in {@code calls}. */
    static Denoiser recording(Denoiser inner, List<Call> calls) {
        return Denoiser.of(inner.predictionType(), (x, t, cond) -> {
            calls.add(new Call(x, t, cond));
            return inner.predict(x, t, cond);
        });
    }

    static List<Call> calls() {
        return new ArrayList<>();
    }
}
