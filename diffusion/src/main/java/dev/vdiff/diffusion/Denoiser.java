package dev.vdiff.diffusion;

import dev.vdiff.tensor.Tensor;

/**
 * A denoising network as the samplers see it: a function of the noisy sample, the timestep and an optional
 * condition, whose output is in the network's own parameterisation ({@link #predictionType()}: eps, x0 or v,
 * SPEC §1.2). Samplers convert the output with {@link Parameterization}, so any model works with any sampler.
 *
 * <table>
 *   <caption>Arguments</caption>
 *   <tr><th>argument</th><th>shape / dtype</th><th>meaning</th></tr>
 *   <tr><td>{@code x}</td><td>{@code [B, ...]} float32 or float64</td><td>noisy sample z_t (video latents
 *       {@code [B, C, F, H, W]}, or the benchmark's {@code [B, F, C, H, W]})</td></tr>
 *   <tr><td>{@code t}</td><td>int64 {@code [B]}</td><td>discrete timestep 0..T-1, one per sample</td></tr>
 *   <tr><td>{@code cond}</td><td>int64 {@code [B]} labels, or null</td><td>the condition; a "null" label
 *       (e.g. the benchmark's class 10) for the unconditional pass of guidance</td></tr>
 * </table>
 * The output has the shape and dtype of {@code x}. Extra inputs a particular network needs (the guidance-scale
 * embedding of an LCM student, {@link GuidanceEmbedding}) are closed over by the implementation.
 *
 * <pre>{@code
 * Denoiser unet = Denoiser.of(PredictionType.EPSILON, (x, t, y) -> model.forward(x, t, y));
 * Tensor eps = unet.predict(zt, Tensor.ofLongs(new long[] {999, 999}, 2), labels);
 * }</pre>
 *
 * <p>Rectified-flow models, whose output is a velocity, are {@link VelocityModel}s instead.
 */
public interface Denoiser {
    /** The network output for {@code x} at timesteps {@code t} under condition {@code cond} (may be null). */
    Tensor predict(Tensor x, Tensor t, Tensor cond);

    /** What {@link #predict} returns: the noise, the clean sample or the velocity v (SPEC §1.2). */
    PredictionType predictionType();

    /** The bare network function of a {@link Denoiser}. */
    @FunctionalInterface
    interface Network {
        Tensor forward(Tensor x, Tensor t, Tensor cond);
    }

    /** A denoiser from a network function and the parameterisation of its output. */
    static Denoiser of(PredictionType type, Network network) {
        if (type == null || network == null) throw new IllegalArgumentException("Denoiser.of: prediction type and network are required");
        return new Denoiser() {
            @Override
            public Tensor predict(Tensor x, Tensor t, Tensor cond) {
                return network.forward(x, t, cond);
            }

            @Override
            public PredictionType predictionType() {
                return type;
            }

            @Override
            public String toString() {
                return "Denoiser(" + type + ")";
            }
        };
    }
}
