package dev.vdiff.reference.train;

import dev.vdiff.reference.data.Batch;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * Chooses the diffusion timestep of every sample of a training batch. DDPM training draws {@code t} uniformly
 * (Ho et al. 2020, Algorithm 1, line 3); later methods replace this: TQD draws from a Beta distribution shaped
 * by each clip's quality scores (SPEC §2.2), TPDiff restricts each pyramid stage to its own interval. They get
 * the whole {@link Batch} (clips, specs, labels) so per-sample choices are possible.
 *
 * <p>Contract: returns int64 {@code [B]} with values in {@code 0 .. T-1}, drawing random numbers only from
 * {@code rng} (a fresh per-step stream), so that a resumed run draws the same timesteps.
 */
@FunctionalInterface
public interface TimestepSampler {
    Tensor sample(Batch batch, Rng rng);

    /** {@code t ~ U{0, ..., T-1}} independently per sample (Ho et al. 2020, Algorithm 1). */
    static TimestepSampler uniform(int numTrainTimesteps) {
        if (numTrainTimesteps < 1) throw new IllegalArgumentException("TimestepSampler.uniform: need T >= 1, got " + numTrainTimesteps);
        return (batch, rng) -> rng.randint(0, numTrainTimesteps, batch.size());
    }
}
