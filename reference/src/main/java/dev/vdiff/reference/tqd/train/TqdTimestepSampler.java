package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.tqd.TimestepMapping;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.tqd.TqdTimesteps;
import dev.vdiff.reference.data.Batch;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * TQD's timestep sampler for the {@link dev.vdiff.reference.train.Trainer} (SPEC §2.2, §2.4): sample {@code i}
 * of a batch, data-set index {@code k_i}, draws {@code t_i ~ Beta(mu kappa, (1 - mu) kappa)} from its own scores
 * {@code (m, v) = scores[k_i]} ({@code mu = 0.5 + 0.5 (m - v)}, {@code kappa = kappa_base + (kappa_max -
 * kappa_base)|m - v|}), mapped to the integer timestep {@code n = min(floor(T t), T - 1)} (DDPM) or the nearest
 * flow-matching grid level ({@link TimestepMapping}, SPEC §2.4). Random numbers: only the step's stream
 * ({@link TqdTimesteps}), so a resumed run draws the same timesteps.
 */
public final class TqdTimestepSampler implements TimestepSampler {
    private final ClipScores scores;
    private final TqdConfig config;
    private final TimestepMapping mapping;

    public TqdTimestepSampler(ClipScores scores, TqdConfig config, TimestepMapping mapping) {
        this.scores = scores;
        this.config = config;
        this.mapping = mapping;
    }

    @Override
    public Tensor sample(Batch batch, Rng rng) {
        double[][] mv = scores.of(batch.indices());
        long[] n = TqdTimesteps.indices(mv[0], mv[1], config, mapping, rng);
        return Tensor.ofLongs(n, n.length);
    }
}
