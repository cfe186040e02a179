package dev.vdiff.diffusion.sampling;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * A sampler: runs a model of type {@code M} ({@link dev.vdiff.diffusion.Denoiser} or
 * {@link dev.vdiff.diffusion.VelocityModel}) from noise to a sample.
 *
 * @param <M> the model type the sampler drives
 */
public interface Sampler<M> {
    /**
     * The sample reached from {@code noise} ({@code [B, ...]}, float32 or float64: the starting point at the
     * sampler's first, noisiest time). {@code cond} (int64 {@code [B]} labels, or null) is passed to every model
     * call; {@code rng} supplies the fresh noise of stochastic steps and may be null for a deterministic sampler.
     * The result has the shape and dtype of {@code noise}; nothing is recorded for autodiff.
     */
    Tensor sample(M model, Tensor noise, Tensor cond, Rng rng);
}
