package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.math.BetaFunctions;
import dev.vdiff.tensor.random.Rng;

/**
 * The Beta law of one training sample's timestep in TQD (SPEC §2.2): a sample whose motion quality {@code m}
 * beats its visual quality {@code v} is trained at larger (noisier) {@code t}, where motion is learnt; one with
 * better visual quality at smaller {@code t}, where detail is learnt. {@code t = 1} is pure noise (SPEC §1.6,
 * our convention for TQD).
 *
 * <pre>
 *   mu    = 0.5 + 0.5 (m - v)                                   centre, E[t]
 *   kappa = kappa_base + (kappa_max - kappa_base) |m - v|       concentration
 *   t ~ Beta(alpha, beta),  alpha = max(mu kappa, 1e-4),  beta = max((1 - mu) kappa, 1e-4)
 *   Var[t] = mu (1 - mu) / (kappa + 1)
 * </pre>
 *
 * <p>Worked example (SPEC §2.5b): {@code m = 0.9, v = 0.1} with the default config gives {@code mu = 0.9,
 * kappa = 6.8, alpha = 6.12, beta = 0.68}:
 * <pre>{@code
 * TimestepLaw law = TimestepLaw.of(0.9, 0.1, TqdConfig.DEFAULT);
 * law.alpha();                       // 6.12
 * law.sample(Rng.seed(1));           // one draw in [1e-5, 1 - 1e-5]
 * }</pre>
 *
 * <p>Sampling: {@link #sample(Rng)} uses {@link BetaSampler#GAMMA_RATIO} (exact, fast); {@link #quantile} is the
 * inverse CDF that {@link BetaSampler#INVERSION} feeds with one uniform. The clamps of SPEC §2.2 apply to both;
 * {@link #inverseCdf} is the unclamped quantile of the law.
 *
 * <table>
 *   <caption>Notation (SPEC §2.2)</caption>
 *   <tr><th>here</th><th>SPEC / notes</th><th>meaning</th></tr>
 *   <tr><td>{@code m, v}</td><td>mq_norm, vq_norm</td><td>normalised motion / visual quality in [0, 1]</td></tr>
 *   <tr><td>{@code mu}</td><td>mu</td><td>mean of the law (before the shape clamp)</td></tr>
 *   <tr><td>{@code kappa}</td><td>kappa</td><td>concentration {@code alpha + beta} (before the shape clamp)</td></tr>
 *   <tr><td>{@code alpha, beta}</td><td>alpha, beta</td><td>Beta shape parameters after the {@code 1e-4} clamp</td></tr>
 * </table>
 *
 * @param mu    {@code 0.5 + 0.5 (m - v)}
 * @param kappa {@code kappa_base + (kappa_max - kappa_base) |m - v|}
 * @param alpha {@code max(mu kappa, 1e-4)}
 * @param beta  {@code max((1 - mu) kappa, 1e-4)}
 */
public record TimestepLaw(double mu, double kappa, double alpha, double beta) {
    /** Smallest shape parameter: {@code m = 1, v = 0} would give {@code beta = 0} (SPEC §2.2, after KREA). */
    public static final double MIN_SHAPE = 1e-4;
    /** Draws are clamped into {@code [T_MIN, 1 - T_MIN]}, strictly inside (0, 1) (SPEC §2.2, RECONSTRUCTED). */
    public static final double T_MIN = 1e-5;
    public static final double T_MAX = 1 - T_MIN;

    public TimestepLaw {
        if (!(alpha > 0 && beta > 0) || Double.isInfinite(alpha) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("TimestepLaw: alpha and beta must be finite and > 0, got " + alpha + ", " + beta);
        }
    }

    /** The law of a sample with normalised scores {@code m, v} in [0, 1] (SPEC §2.2). */
    public static TimestepLaw of(double m, double v, TqdConfig config) {
        checkScore("m (motion quality)", m);
        checkScore("v (visual quality)", v);
        double d = m - v;
        double mu = 0.5 + 0.5 * d;
        double kappa = config.kappaBase() + (config.kappaMax() - config.kappaBase()) * Math.abs(d);
        return new TimestepLaw(mu, kappa, Math.max(mu * kappa, MIN_SHAPE), Math.max((1 - mu) * kappa, MIN_SHAPE));
    }

    /** Throws unless {@code q} is in [0, 1]; {@code what} names it in the message. */
    static void checkScore(String what, double q) {
        if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("TQD: " + what + " must be a normalised score in [0, 1], got " + q);
    }

    /** {@code alpha / (alpha + beta)}: equals {@link #mu} unless a shape was clamped. */
    public double mean() {
        return alpha / (alpha + beta);
    }

    /** {@code alpha beta / ((alpha + beta)^2 (alpha + beta + 1))}, i.e. {@code mu (1 - mu) / (kappa + 1)} unclamped. */
    public double variance() {
        double s = alpha + beta;
        return alpha * beta / (s * s * (s + 1));
    }

    /** The Beta density at {@code t} (before the clamp into {@code [T_MIN, T_MAX]}, which moves no visible mass). */
    public double density(double t) {
        return BetaFunctions.pdf(t, alpha, beta);
    }

    /** The Beta CDF {@code I_t(alpha, beta)}. */
    public double cdf(double t) {
        return BetaFunctions.regularizedIncompleteBeta(t, alpha, beta);
    }

    /**
     * The quantile of the Beta law itself, {@code I^{-1}_u(alpha, beta)} for {@code u} in [0, 1], unclamped: the
     * {@code ppf} of the papers suite's {@code tqd_timestep_law} (PAPERS.md §3.11). It may return exactly 0 or 1,
     * or a value within 1e-300 of either, for extreme laws such as {@code Beta(8, 1e-4)}: use it to study the law,
     * not to draw training timesteps (that is {@link #quantile}, which keeps them strictly inside (0, 1)).
     */
    public double inverseCdf(double u) {
        if (!(u >= 0 && u <= 1)) throw new IllegalArgumentException("TimestepLaw.inverseCdf: u must be in [0, 1], got " + u);
        return BetaFunctions.inverseRegularizedIncompleteBeta(u, alpha, beta);
    }

    /**
     * The sampler's quantile: {@code clamp(I^{-1}_u(alpha, beta), T_MIN, T_MAX)} for {@code u} in [0, 1], by
     * {@code BetaFunctions}' root search (exact to a few ulps). The clamp is SPEC §2.2's guard for a training
     * timestep; {@link #inverseCdf} is the law's own quantile without it. {@code u <= I_{T_MIN}} gives {@code T_MIN} directly (and the mirror at the top):
     * the same result as clamping afterwards, without searching where the answer underflows (e.g. {@code beta = 1e-4}).
     */
    public double quantile(double u) {
        if (!(u >= 0 && u <= 1)) throw new IllegalArgumentException("TimestepLaw.quantile: u must be in [0, 1], got " + u);
        if (u <= cdf(T_MIN)) return T_MIN;
        if (u >= cdf(T_MAX)) return T_MAX;
        return Math.min(T_MAX, Math.max(T_MIN, inverseCdf(u)));
    }

    /** One draw with {@link BetaSampler#GAMMA_RATIO}, in {@code [T_MIN, T_MAX]}. */
    public double sample(Rng rng) {
        return BetaSampler.GAMMA_RATIO.draw(this, rng);
    }

    /** One draw with the given sampler, in {@code [T_MIN, T_MAX]}. */
    public double sample(Rng rng, BetaSampler sampler) {
        return sampler.draw(this, rng);
    }
}
