package dev.vdiff.diffusion.sampling;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/** Argument checks and the per-sample timestep tensors shared by the samplers. */
final class SamplerInputs {
    private SamplerInputs() {}

    /** The batch size of a float sample {@code [B, ...]}; rejects anything else with a message naming the sampler. */
    static int batch(String sampler, Tensor x) {
        if (x == null || !x.dtype().isFloat() || x.rank() < 1 || x.numel() == 0) {
            throw new IllegalArgumentException(sampler + ": the starting sample must be a non-empty float32/float64 tensor [B, ...], got "
                + (x == null ? "null" : x.dtype() + Shape.str(x.shape())));
        }
        return x.shape(0);
    }

    /** The discrete timestep {@code t} for every sample: int64 {@code [batch]}. */
    static Tensor discrete(int t, int batch) {
        long[] v = new long[batch];
        Arrays.fill(v, t);
        return Tensor.ofLongs(v, batch);
    }

    /** A continuous model time for every sample: {@code [batch]} in {@code dtype}. */
    static Tensor continuous(double t, int batch, DType dtype) {
        return Tensor.full(dtype, t, batch);
    }

    /** Fresh standard normal noise of {@code x}'s shape and dtype from {@code rng}. */
    static Tensor noiseLike(String sampler, Tensor x, Rng rng) {
        if (rng == null) throw new IllegalArgumentException(sampler + ": this sampler draws fresh noise and needs an Rng, got null");
        return rng.normal(x.dtype(), x.shape());
    }

    /** The model output must keep the sample's shape and dtype. */
    static Tensor checkOutput(String sampler, Tensor x, Tensor out) {
        if (out == null || !Arrays.equals(out.shape(), x.shape()) || out.dtype() != x.dtype()) {
            throw new IllegalArgumentException(sampler + ": the model returned " + (out == null ? "null" : out.dtype() + Shape.str(out.shape()))
                + " for a sample " + x.dtype() + Shape.str(x.shape()));
        }
        return out;
    }
}
