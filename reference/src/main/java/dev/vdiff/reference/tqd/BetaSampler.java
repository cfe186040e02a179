package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.random.Rng;

/**
 * Two exact ways to draw from {@code Beta(alpha, beta)} with our counter-based {@link Rng}. Both give the law of
 * SPEC §2.2 exactly (up to floating point); they differ in cost and in how draws relate to the random numbers.
 *
 * <ul>
 *   <li>{@link #GAMMA_RATIO} (default; SPEC §2.5b "Java notes"): {@code X ~ Gamma(alpha)}, {@code Y ~ Gamma(beta)},
 *       {@code t = X / (X + Y)}. Gamma by Marsaglia and Tsang (2000), "A simple method for generating gamma
 *       variables", ACM TOMS 26(3): for shape {@code a >= 1}, with {@code d = a - 1/3}, {@code c = 1/sqrt(9d)}:
 *       repeat {@code x ~ N(0,1)}, {@code v = (1 + c x)^3}, {@code u ~ U(0,1)} until {@code v > 0} and
 *       {@code ln u < x^2/2 + d - d v + d ln v}; return {@code d v}. For {@code a < 1} their boost:
 *       {@code Gamma(a) = Gamma(a + 1) U^(1/a)}, kept in logs ({@code ln X = ln Gamma(a+1) + ln(U)/a}) because
 *       {@code U^(1/a)} underflows for {@code a = 1e-4}; then {@code t = 1 / (1 + exp(ln Y - ln X))}. About 0.2 us
 *       a draw; the number of uniforms per draw varies (rejection).</li>
 *   <li>{@link #INVERSION}: {@code t = I^{-1}_u(alpha, beta)} for one uniform {@code u}
 *       ({@link TimestepLaw#quantile}, on {@code BetaFunctions}). One uniform per draw, monotone in {@code u}
 *       (so draws of the laws of {@code (m, v)} and {@code (v, m)} can be coupled as {@code t} and
 *       {@code 1 - t}); about 50 times slower (a root search on the incomplete beta function).</li>
 * </ul>
 *
 * <p>Normal deviates are Box–Muller on two {@link Rng#nextDouble()} ({@code u1} mapped into (0, 1]), keeping the
 * cosine half. Transcendentals use {@link StrictMath}, so the same stream gives the same bits on every JVM.
 */
public enum BetaSampler {
    GAMMA_RATIO("gamma"),
    INVERSION("inversion");

    /** The name used on the command line. */
    public final String cliName;

    BetaSampler(String cliName) {
        this.cliName = cliName;
    }

    public static BetaSampler parse(String name) {
        for (BetaSampler s : values()) if (s.cliName.equalsIgnoreCase(name.strip())) return s;
        throw new IllegalArgumentException("unknown Beta sampler '" + name + "' (expected gamma or inversion)");
    }

    /** One draw of {@code law}, clamped into {@code [T_MIN, T_MAX]} (SPEC §2.2). */
    public double draw(TimestepLaw law, Rng rng) {
        double t = this == INVERSION ? law.quantile(rng.nextDouble()) : gammaRatio(law.alpha(), law.beta(), rng);
        return Math.min(TimestepLaw.T_MAX, Math.max(TimestepLaw.T_MIN, t));
    }

    /** {@code X / (X + Y)} with {@code X ~ Gamma(a)}, {@code Y ~ Gamma(b)}, from their logarithms. */
    static double gammaRatio(double a, double b, Rng rng) {
        double logX = logGamma(a, rng), logY = logGamma(b, rng);
        return 1 / (1 + StrictMath.exp(logY - logX));
    }

    /** {@code ln X}, {@code X ~ Gamma(shape, 1)} (Marsaglia–Tsang, with the boost below shape 1). */
    static double logGamma(double shape, Rng rng) {
        if (shape >= 1) return StrictMath.log(marsagliaTsang(shape, rng));
        double boosted = marsagliaTsang(shape + 1, rng);
        double u = 1 - rng.nextDouble();                     // (0, 1]: ln never sees 0
        return StrictMath.log(boosted) + StrictMath.log(u) / shape;
    }

    /** {@code X ~ Gamma(a, 1)} for {@code a >= 1}. */
    private static double marsagliaTsang(double a, Rng rng) {
        double d = a - 1.0 / 3, c = 1 / StrictMath.sqrt(9 * d);
        while (true) {
            double x = normal(rng);
            double v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = 1 - rng.nextDouble();                 // (0, 1]
            double x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2) return d * v;      // the squeeze: skips the logarithms 98% of the time
            if (StrictMath.log(u) < 0.5 * x2 + d * (1 - v + StrictMath.log(v))) return d * v;
        }
    }

    /** A standard normal deviate: Box–Muller, cosine half. */
    private static double normal(Rng rng) {
        double u1 = 1 - rng.nextDouble(), u2 = rng.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
