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

    /**
     * {@code t ~ U{0, ..., T-1}}, except that a fraction {@code p} of the samples is drawn from the {@code k} noisiest
     * steps {@code U{T-k, ..., T-1}} instead: more training where a zero-terminal-SNR network decides a clip's global
     * colour (docs/demo/RECIPE.md). The loss stays unweighted, so this changes how often each step is trained, not
     * its weight within a batch. {@code p = 0} is {@link #uniform}'s law (not its draws: the random numbers differ).
     */
    /**
     * The run.json section that makes {@link #uniformWithNoisyTail} a run's default law ({@code {"tail_fraction": p,
     * "tail_steps": k}}; absent: uniform), so that a resumed run draws its timesteps as the run it continues did.
     */
    String NOISY_TAIL_SECTION = "noisy_tail_timesteps";

    /** The run's default law: {@link #uniformWithNoisyTail} when it has a {@link #NOISY_TAIL_SECTION}, else {@link #uniform}. */
    static TimestepSampler ofRun(RunSpec run) {
        int T = run.schedule().numTrainTimesteps();
        return run.readSection(NOISY_TAIL_SECTION, m -> uniformWithNoisyTail(T, JsonFields.doubleOf(m, "tail_fraction"), (int) JsonFields.longOf(m, "tail_steps")),
            uniform(T));
    }

    /** {@code run} with the {@link #NOISY_TAIL_SECTION} that makes {@link #ofRun} draw {@code p} of its timesteps from the {@code k} noisiest. */
    static RunSpec withNoisyTail(RunSpec run, double p, int k) {
        uniformWithNoisyTail(run.schedule().numTrainTimesteps(), p, k);   // checks p and k now
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("tail_fraction", p);
        m.put("tail_steps", (long) k);
        return run.withSection(NOISY_TAIL_SECTION, m);
    }

    static TimestepSampler uniformWithNoisyTail(int numTrainTimesteps, double p, int k) {
        if (numTrainTimesteps < 1) throw new IllegalArgumentException("TimestepSampler.uniformWithNoisyTail: need T >= 1, got " + numTrainTimesteps);
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("TimestepSampler.uniformWithNoisyTail: need 0 <= p <= 1, got " + p);
        if (k < 1 || k > numTrainTimesteps) throw new IllegalArgumentException("TimestepSampler.uniformWithNoisyTail: need 1 <= k <= T = " + numTrainTimesteps + ", got " + k);
        return (batch, rng) -> {
            int b = batch.size();
            long[] base = rng.split(0).randint(0, numTrainTimesteps, b).longs();      // [B]
            long[] tail = rng.split(1).randint(numTrainTimesteps - k, numTrainTimesteps, b).longs();   // [B]
            double[] coin = rng.split(2).uniform(dev.vdiff.tensor.DType.FLOAT64, b).doubles();   // [B]
            long[] t = new long[b];
            for (int i = 0; i < b; i++) t[i] = coin[i] < p ? tail[i] : base[i];
            return Tensor.ofLongs(t, b);
        };
    }
}
