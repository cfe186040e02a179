package dev.vdiff.reference.train;

import dev.vdiff.diffusion.VelocityModel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * A sampling loop that replaces {@link VideoGenerator}'s standard samplers (DDIM, LCM, flow Euler) for runs
 * trained by a method that needs its own, e.g. TPDiff's stage-by-stage samplers with renoising at every stage
 * jump (SPEC §5.5b). A {@link TrainingMethod} hands one out for the runs it trained ({@link TrainingMethod#sampler}).
 * {@link VideoGenerator} still draws the starting noise, applies classifier-free guidance and chunks the labels.
 */
public interface VideoSampler {
    /**
     * The trained network as the sampler may call it, with classifier-free guidance already applied
     * (Imagen form, SPEC §1.4): as a velocity model (flow runs; the float model time is passed unrounded) and as a
     * {@code dev.vdiff.diffusion.Denoiser} in the run's parameterisation (eps/v runs).
     */
    record Network(VelocityModel velocity, dev.vdiff.diffusion.Denoiser denoiser) {}

    /** Frames of the starting noise for videos of {@code frames} frames (a temporal pyramid starts coarser). */
    default int noiseFrames(int frames) {
        return frames;
    }

    /** Refuses settings this sampler cannot honour with an {@link IllegalArgumentException} naming the conflict. */
    void check(SamplerSettings settings);

    /**
     * Videos {@code [B, F, C, H, W]} from noise {@code [B, noiseFrames(F), C, H, W]} and labels int64 {@code [B]};
     * fresh noise only from {@code rng}.
     */
    Tensor sample(Network net, Tensor noise, Tensor y, SamplerSettings settings, Rng rng);

    /** A short description for logs, e.g. {@code "temporal pyramid, 3 stages"}. */
    String describe();
}
