package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.random.Rng;

/**
 * Draws TQD timesteps for many samples at once (SPEC §2.2, §2.4): each sample from its own {@link TimestepLaw}.
 *
 * <pre>{@code
 * double[] t = TqdTimesteps.sample(new double[] {0.9, 0.1}, new double[] {0.1, 0.9}, TqdConfig.DEFAULT, rng);
 * // t[0] near 1 (motion-rich, low visual quality), t[1] near 0
 * long[] n = TqdTimesteps.indices(m, v, TqdConfig.DEFAULT, TimestepMapping.ddpm(1000), rng);
 * }</pre>
 *
 * <p>Random numbers: a call takes one {@link Rng#fork()} of {@code rng} (advancing it by one block, so the next
 * call draws differently), and draw {@code i} uses the child stream {@code fork.split(i)} only. So a result is a
 * function of the generator's state and the inputs, whatever the thread count; the draws are computed in
 * parallel, each into its own slot.
 */
public final class TqdTimesteps {
    /** Draws per parallel chunk. */
    private static final int GRAIN = 1024;

    private TqdTimesteps() {}

    /** {@code t_i ~ Beta} of {@code (m_i, v_i)} with {@link BetaSampler#GAMMA_RATIO}, all in {@code [1e-5, 1 - 1e-5]}. */
    public static double[] sample(double[] m, double[] v, TqdConfig config, Rng rng) {
        return sample(m, v, config, rng, BetaSampler.GAMMA_RATIO);
    }

    /** {@code t_i ~ Beta} of {@code (m_i, v_i)} with the given sampler. */
    public static double[] sample(double[] m, double[] v, TqdConfig config, Rng rng, BetaSampler sampler) {
        if (m.length != v.length) throw new IllegalArgumentException("TqdTimesteps: " + m.length + " motion scores but " + v.length + " visual scores");
        TimestepLaw[] laws = new TimestepLaw[m.length];
        for (int i = 0; i < m.length; i++) laws[i] = TimestepLaw.of(m[i], v[i], config);
        return draw(laws.length, i -> laws[i], rng, sampler);
    }

    /** {@code count} draws of one law with {@link BetaSampler#GAMMA_RATIO}. */
    public static double[] sample(TimestepLaw law, int count, Rng rng) {
        return sample(law, count, rng, BetaSampler.GAMMA_RATIO);
    }

    /** {@code count} draws of one law with the given sampler. */
    public static double[] sample(TimestepLaw law, int count, Rng rng, BetaSampler sampler) {
        if (count < 0) throw new IllegalArgumentException("TqdTimesteps: count must be >= 0, got " + count);
        return draw(count, i -> law, rng, sampler);
    }

    /** {@link #sample} mapped to the model's integer timesteps ({@link TimestepMapping#index}). */
    public static long[] indices(double[] m, double[] v, TqdConfig config, TimestepMapping mapping, Rng rng) {
        return mapping.indices(sample(m, v, config, rng));
    }

    private static double[] draw(int n, java.util.function.IntFunction<TimestepLaw> law, Rng rng, BetaSampler sampler) {
        Rng base = rng.fork();
        double[] t = new double[n];
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) t[i] = sampler.draw(law.apply(i), base.split(i));
        });
        return t;
    }
}
