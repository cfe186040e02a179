package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.random.Rng;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §2.6 items 1–5 and the §2.5b worked parameters. Distributions are checked with Kolmogorov–Smirnov
 * distances (fixed seeds) against Apache Commons Statistics' {@link BetaDistribution}, an independent
 * implementation of the law; parameters against the formulas of SPEC §2.2 evaluated by hand.
 */
class TimestepLawTest {
    private static final TqdConfig BASE2 = TqdConfig.DEFAULT, BASE4 = new TqdConfig(4, 8);

    private static double[] draws(double m, double v, TqdConfig c, int n, long seed) {
        return TqdTimesteps.sample(TimestepLaw.of(m, v, c), n, Rng.seed(seed));
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double t : x) s += t;
        return s / x.length;
    }

    private static double variance(double[] x) {
        double mu = mean(x), s = 0;
        for (double t : x) s += (t - mu) * (t - mu);
        return s / (x.length - 1);
    }

    /** SPEC §2.6.1: m = v and kappa_base = 2 give Beta(1, 1); 10^5 draws are within KS distance 0.01 of U(0, 1). */
    @ParameterizedTest
    @CsvSource({"0.0, 0.0", "0.3, 0.3", "0.8, 0.8", "1.0, 1.0"})
    void equalScoresWithBaseTwoAreUniform(double m, double v) {
        TimestepLaw law = TimestepLaw.of(m, v, BASE2);
        assertEquals(1.0, law.alpha(), 0);
        assertEquals(1.0, law.beta(), 0);
        double[] t = draws(m, v, BASE2, 100_000, 11);
        double d = KolmogorovSmirnov.distance(t, x -> Math.min(1, Math.max(0, x)));
        assertTrue(d < 0.01, "KS distance to U(0,1) " + d);
    }

    /** SPEC §2.5b table, every row: mu, kappa, alpha, beta, E[t], and the keep probability. */
    @ParameterizedTest
    @CsvSource({
        // m,  v,   mu,   kappa, alpha, beta,   keep
        "0.9, 0.1, 0.90, 6.8, 6.12, 0.68,   0.9",
        "0.1, 0.9, 0.10, 6.8, 0.68, 6.12,   0.9",
        "0.8, 0.8, 0.50, 2.0, 1.00, 1.00,   0.8",
        "0.1, 0.1, 0.50, 2.0, 1.00, 1.00,   0.1",
        "1.0, 0.0, 1.00, 8.0, 8.00, 0.0001, 1.0",
    })
    void workedParametersOfSpec25b(double m, double v, double mu, double kappa, double alpha, double beta, double keep) {
        TimestepLaw law = TimestepLaw.of(m, v, BASE2);
        assertEquals(mu, law.mu(), 1e-12);
        assertEquals(kappa, law.kappa(), 1e-12);
        assertEquals(alpha, law.alpha(), 1e-12);
        assertEquals(beta, law.beta(), 1e-12);
        assertEquals(mu, law.mean(), 1e-4);                  // the clamped row: 8 / 8.0001
        assertEquals(keep, QualityDropout.keepProbability(m, v), 0);
    }

    /** SPEC §2.5b, last line: with kappa_base = 4 the golden row is Beta(2, 2). */
    @Test
    void goldenRowWithBaseFourIsBetaTwoTwo() {
        TimestepLaw law = TimestepLaw.of(0.8, 0.8, BASE4);
        assertEquals(2.0, law.alpha(), 0);
        assertEquals(2.0, law.beta(), 0);
    }

    /** SPEC §2.6.5. */
    @Test
    void exampleOfSpec26() {
        TimestepLaw law = TimestepLaw.of(0.9, 0.1, new TqdConfig(2, 8));
        assertEquals(0.9, law.mu(), 1e-15);
        assertEquals(6.8, law.kappa(), 1e-14);
        assertEquals(6.12, law.alpha(), 1e-14);
        assertEquals(0.68, law.beta(), 1e-14);
    }

    /** The identities of SPEC §2.2: alpha = kappa (1 + m - v) / 2, beta = kappa (1 - m + v) / 2, mean mu, variance mu(1-mu)/(kappa+1). */
    @ParameterizedTest
    @CsvSource({"0.0, 0.0, 2, 8", "0.25, 0.75, 2, 8", "0.6, 0.2, 4, 8", "0.95, 0.05, 4, 20", "0.5, 0.4, 3, 3"})
    void parameterIdentities(double m, double v, double kb, double km) {
        TqdConfig c = new TqdConfig(kb, km);
        TimestepLaw law = TimestepLaw.of(m, v, c);
        double kappa = kb + (km - kb) * Math.abs(m - v);
        assertEquals(kappa, law.kappa(), 1e-13);
        assertEquals(kappa * (1 + m - v) / 2, law.alpha(), 1e-13);
        assertEquals(kappa * (1 - m + v) / 2, law.beta(), 1e-13);
        assertEquals(law.alpha() + law.beta(), law.kappa(), 1e-13);
        assertEquals(0.5 + 0.5 * (m - v), law.mean(), 1e-15);
        assertEquals(law.mu() * (1 - law.mu()) / (kappa + 1), law.variance(), 1e-15);
        BetaDistribution ref = BetaDistribution.of(law.alpha(), law.beta());
        assertEquals(ref.getMean(), law.mean(), 1e-15);
        assertEquals(ref.getVariance(), law.variance(), 1e-15);
        for (double t = 0.05; t < 1; t += 0.1) {
            assertEquals(ref.density(t), law.density(t), 1e-12 * Math.max(1, ref.density(t)), "density at " + t);
            assertEquals(ref.cumulativeProbability(t), law.cdf(t), 1e-12, "cdf at " + t);
        }
    }

    /**
     * Both samplers draw from Beta(alpha, beta): KS distance to Commons Statistics' CDF, over the whole (m, v)
     * square, shapes below and above 1 (Marsaglia–Tsang's boost and main branch).
     */
    @ParameterizedTest
    @CsvSource({
        "0.9, 0.1, 2, 8, GAMMA_RATIO", "0.1, 0.9, 2, 8, GAMMA_RATIO", "0.6, 0.2, 4, 8, GAMMA_RATIO", "0.0, 1.0, 2, 8, GAMMA_RATIO",
        "0.5, 0.5, 4, 8, GAMMA_RATIO", "0.7, 0.0, 2, 30, GAMMA_RATIO", "0.5, 0.5, 0.2, 0.4, GAMMA_RATIO",
        "0.9, 0.1, 2, 8, INVERSION", "0.6, 0.2, 4, 8, INVERSION", "0.0, 1.0, 2, 8, INVERSION", "0.5, 0.5, 0.2, 0.4, INVERSION"})
    void drawsFollowTheBetaLaw(double m, double v, double kb, double km, BetaSampler sampler) {
        TimestepLaw law = TimestepLaw.of(m, v, new TqdConfig(kb, km));
        BetaDistribution ref = BetaDistribution.of(law.alpha(), law.beta());
        int n = 20_000;
        double[] t = TqdTimesteps.sample(law, n, Rng.seed(5), sampler);
        double d = KolmogorovSmirnov.distance(t, ref::cumulativeProbability);
        assertTrue(d < KolmogorovSmirnov.critical001(n), "KS distance " + d + " for " + law);
    }

    /** SPEC §2.6.2: sample means of 10^5 draws are strictly increasing across a grid of m - v, and match mu. */
    @Test
    void sampleMeanIncreasesWithMotionMinusVisual() {
        double prev = -1;
        for (int k = -4; k <= 4; k++) {
            double d = k / 4.0;
            double m = Math.max(0, d), v = Math.max(0, -d);
            double[] t = draws(m, v, BASE2, 100_000, 100 + k);
            double mean = mean(t);
            double mu = 0.5 + 0.5 * d;
            TimestepLaw law = TimestepLaw.of(m, v, BASE2);
            double se = Math.sqrt(law.variance() / t.length);
            assertEquals(law.mean(), mean, 5 * se + 1e-5, "mean at m - v = " + d);
            assertEquals(mu, law.mean(), 2e-5);
            assertTrue(mean > prev, "sample mean " + mean + " at m - v = " + d + " not above " + prev);
            prev = mean;
        }
    }

    /**
     * SPEC §2.6.3: swapping (m, v) swaps alpha and beta exactly and maps t to 1 - t: in law (KS against the
     * reflected CDF) and draw by draw under inversion ({@code t(m, v; u) = 1 - t(v, m; 1 - u)}).
     */
    @ParameterizedTest
    @CsvSource({"0.9, 0.1", "0.7, 0.2", "0.3, 0.0", "1.0, 0.0"})
    void swappingScoresReflectsTheLaw(double m, double v) {
        TimestepLaw law = TimestepLaw.of(m, v, BASE2), swapped = TimestepLaw.of(v, m, BASE2);
        assertEquals(law.alpha(), swapped.beta(), 0);
        assertEquals(law.beta(), swapped.alpha(), 0);
        int n = 20_000;
        double[] t = draws(v, m, BASE2, n, 3);
        double d = KolmogorovSmirnov.distance(t, x -> 1 - law.cdf(1 - x));   // P(1 - T <= x) for T ~ law(m, v)
        assertTrue(d < KolmogorovSmirnov.critical001(n), "KS distance " + d);
        for (int i = 1; i < 200; i++) {
            double u = i / 200.0;
            assertEquals(law.quantile(u), 1 - swapped.quantile(1 - u), 1e-12, "u = " + u);
        }
    }

    /**
     * SPEC §2.6.4: kappa grows with |m - v|, so the variance relative to its largest value at that centre,
     * {@code Var / (mu (1 - mu)) = 1 / (kappa + 1)}, shrinks; at m = v the variance is 1/12 (kappa_base 2) or
     * 1/20 (kappa_base 4), exactly and in sample.
     */
    @Test
    void concentrationGrowsWithDisagreement() {
        double prevKappa = 0, prevRel = 1;
        for (int k = 0; k <= 10; k++) {
            double d = k / 10.0;
            TimestepLaw law = TimestepLaw.of(0.5 + d / 2, 0.5 - d / 2, BASE2);
            assertTrue(law.kappa() > prevKappa, "kappa at |m - v| = " + d);
            if (k < 10) {
                double rel = law.variance() / (law.mu() * (1 - law.mu()));
                assertEquals(1 / (law.kappa() + 1), rel, 1e-14);
                assertTrue(rel < prevRel, "relative variance at |m - v| = " + d);
                prevRel = rel;
            }
            prevKappa = law.kappa();
        }
        // At a fixed centre (fixed m - v) a larger kappa_max concentrates the law.
        assertTrue(TimestepLaw.of(0.8, 0.2, new TqdConfig(2, 16)).variance() < TimestepLaw.of(0.8, 0.2, new TqdConfig(2, 8)).variance());
        assertEquals(1.0 / 12, TimestepLaw.of(0.4, 0.4, BASE2).variance(), 1e-15);
        assertEquals(1.0 / 20, TimestepLaw.of(0.4, 0.4, BASE4).variance(), 1e-15);
        int n = 100_000;
        double se12 = Math.sqrt((1.0 / 80 - 1.0 / 144) / n), se20 = Math.sqrt(2e-3 / n);   // Var of (t - mu)^2, generous for Beta(2,2)
        assertEquals(1.0 / 12, variance(draws(0.4, 0.4, BASE2, n, 21)), 5 * se12);
        assertEquals(1.0 / 20, variance(draws(0.4, 0.4, BASE4, n, 22)), 5 * se20);
    }

    /** SPEC §2.6.6 (second half): every draw lies strictly inside (0, 1), also where a shape is clamped to 1e-4. */
    @ParameterizedTest
    @CsvSource({"1.0, 0.0", "0.0, 1.0", "0.99, 0.0", "0.5, 0.5"})
    void drawsAreStrictlyInsideTheUnitInterval(double m, double v) {
        for (double t : draws(m, v, BASE2, 20_000, 9)) assertTrue(t > 0 && t < 1 && t >= TimestepLaw.T_MIN && t <= TimestepLaw.T_MAX, "t = " + t);
        assertEquals(TimestepLaw.T_MIN, TimestepLaw.of(m, v, BASE2).quantile(0), 0);
        assertEquals(TimestepLaw.T_MAX, TimestepLaw.of(m, v, BASE2).quantile(1), 0);
    }

    @Test
    void sameSeedSameDrawsAnyThreadCount() {
        double[] m = new double[3000], v = new double[3000];
        Rng r = Rng.seed(4);
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextDouble();
            v[i] = r.nextDouble();
        }
        Rng rng = Rng.seed(8);
        double[] a = TqdTimesteps.sample(m, v, BASE2, rng);
        double[] b = TqdTimesteps.sample(m, v, BASE2, Rng.seed(8));
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertTrue(TqdTimesteps.sample(m, v, BASE2, rng)[0] != a[0], "a second call draws afresh");
        // Draw i comes from stream fork.split(i) alone: computed one at a time, sequentially, it is the same.
        Rng fork = Rng.seed(8).fork();
        for (int i = 0; i < m.length; i += 97) assertEquals(TimestepLaw.of(m[i], v[i], BASE2).sample(fork.split(i)), a[i], 0);
    }

    @Test
    void badInputsAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimestepLaw.of(1.2, 0.1, BASE2));
        assertTrue(e.getMessage().contains("motion quality") && e.getMessage().contains("1.2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TimestepLaw.of(0.2, Double.NaN, BASE2));
        assertTrue(e.getMessage().contains("visual quality"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TqdConfig(4, 2));
        assertTrue(e.getMessage().contains("kappa_max"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TqdConfig(0, 2));
    }

    /**
     * The law's own quantile is unclamped (PAPERS.md §3.11): it agrees with Commons Statistics' Beta inverse CDF
     * and reaches 0 and 1 at the ends, where the sampler's {@link TimestepLaw#quantile} stays inside
     * {@code [T_MIN, T_MAX]}.
     */
    @ParameterizedTest
    @CsvSource({"0.9, 0.1", "0.1, 0.9", "0.8, 0.8", "0.3, 0.6"})
    void inverseCdfIsTheUnclampedQuantileOfTheLaw(double m, double v) {
        TimestepLaw law = TimestepLaw.of(m, v, BASE2);
        BetaDistribution ref = BetaDistribution.of(law.alpha(), law.beta());
        for (double u : new double[] {1e-6, 0.01, 0.25, 0.5, 0.75, 0.99, 1 - 1e-6}) {
            double expected = ref.inverseCumulativeProbability(u);
            assertEquals(expected, law.inverseCdf(u), 1e-12 + 1e-9 * expected, "u = " + u);
        }
        assertEquals(0.0, law.inverseCdf(0), 0);
        assertEquals(1.0, law.inverseCdf(1), 0);
        assertEquals(TimestepLaw.T_MIN, law.quantile(0), 0);
        assertEquals(TimestepLaw.T_MAX, law.quantile(1), 0);
    }
}
