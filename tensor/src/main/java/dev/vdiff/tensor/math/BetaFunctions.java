package dev.vdiff.tensor.math;

/**
 * The Beta function and the Beta(a, b) distribution: {@code ln B(a, b)}, the density, the regularized
 * incomplete beta function {@code I_x(a, b)} (the CDF) and its inverse (the quantile function).
 * TQD samples its timesteps from Beta laws (SPEC §2.2); the oracle op {@code beta_distribution}
 * (docs/ORACLE.md §5.16) checks these functions against SciPy.
 *
 * <pre>{@code
 * BetaFunctions.logBeta(2, 3);                                  // ln(1/12) = -2.4849066497880004
 * BetaFunctions.pdf(0.25, 2, 3);                                // 12 * 0.25 * 0.75^2 = 1.6875
 * BetaFunctions.regularizedIncompleteBeta(0.5, 2, 2);           // 0.5 (symmetric law)
 * BetaFunctions.inverseRegularizedIncompleteBeta(0.5, 2, 2);    // 0.5
 * }</pre>
 *
 * <table>
 *   <caption>Notation</caption>
 *   <tr><th>here</th><th>meaning</th><th>DLMF</th></tr>
 *   <tr><td>{@code a, b}</td><td>shape parameters, {@code > 0}</td><td>a, b</td></tr>
 *   <tr><td>{@code B(a, b)}</td><td>{@code Gamma(a) Gamma(b) / Gamma(a + b)}</td><td>5.12.1</td></tr>
 *   <tr><td>{@code I_x(a, b)}</td><td>{@code (1/B) int_0^x t^(a-1) (1-t)^(b-1) dt}</td><td>8.17.2</td></tr>
 *   <tr><td>{@code d_m}</td><td>partial numerators of the continued fraction</td><td>8.17.22</td></tr>
 * </table>
 *
 * <p>Accuracy in float64 (tests compare with Apache Commons Statistics over a, b from 0.1 to 100 and
 * x from 1e-3 to 0.999): {@code logBeta} to about 1e-15 relative (absolute near its zeros), the density and
 * {@code I_x} to about 1e-13 relative, the inverse to a few ulps of its result. Float32 tensors are evaluated
 * in double from their float values (the parameters rounded to float first, as docs/ORACLE.md §4 asks) and the
 * result is rounded to float: these are scalar special functions, so "accumulating in higher precision"
 * (docs/ORACLE.md §4) covers the whole evaluation.
 */
public final class BetaFunctions {
    private BetaFunctions() {}

    /** Continued-fraction terms before {@link #regularizedIncompleteBeta} gives up (it needs about sqrt(max(a, b)) of them). */
    static final int MAX_CF_TERMS = 10_000;
    /** Newton/Halley/bisection steps before the inverse gives up; bisection alone needs about 1100 for any double. */
    static final int MAX_INVERSE_STEPS = 2_000;
    /** Lentz's substitute for an exact zero denominator. */
    private static final double TINY = 1e-300;

    /**
     * {@code ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b)}. Where an argument is large the Stirling
     * terms are combined by hand, so that the large {@code ln Gamma} values do not cancel:
     * <pre>
     *   both >= 10:  ln B = (a - 1/2) ln(a/s) + (b - 1/2) ln(b/s) - (ln s)/2 + ln(2 pi)/2 + delta(a) + delta(b) - delta(s)
     *   a >= 10 > b: ln B = ln Gamma(b) + (a - 1/2) ln(1 - b/s) - b ln s + b + delta(a) - delta(s)
     * </pre>
     * with {@code s = a + b} and {@code delta} the Stirling remainder ({@link LogGamma#stirlingCorrection}).
     */
    public static double logBeta(double a, double b) {
        checkShape("logBeta", a, b);
        double lo = Math.min(a, b), hi = Math.max(a, b), s = a + b;
        if (lo >= LogGamma.STIRLING_MIN) {
            return (a - 0.5) * Math.log(a / s) + (b - 0.5) * Math.log(b / s) - 0.5 * Math.log(s) + LogGamma.HALF_LOG_2PI
                + LogGamma.stirlingCorrection(a) + LogGamma.stirlingCorrection(b) - LogGamma.stirlingCorrection(s);
        }
        if (hi >= LogGamma.STIRLING_MIN) {
            // ln Gamma(hi) - ln Gamma(s), both by Stirling, with ln hi - ln s = ln1p(-lo/s) formed without cancellation.
            double ratio = (hi - 0.5) * Math.log1p(-lo / s) - lo * Math.log(s) + lo
                + LogGamma.stirlingCorrection(hi) - LogGamma.stirlingCorrection(s);
            return LogGamma.logGamma(lo) + ratio;
        }
        return LogGamma.logGamma(a) + LogGamma.logGamma(b) - LogGamma.logGamma(s);
    }

    /**
     * The Beta(a, b) density {@code x^(a-1) (1-x)^(b-1) / B(a, b)} (docs/ORACLE.md §5.16), 0 outside [0, 1]; at
     * the end points it is the limit (infinite where the exponent is negative).
     */
    public static double pdf(double x, double a, double b) {
        checkShape("pdf", a, b);
        if (Double.isNaN(x)) return x;
        if (x < 0 || x > 1) return 0;
        if (x == 0) return a < 1 ? Double.POSITIVE_INFINITY : a == 1 ? b : 0;    // B(1, b) = 1/b
        if (x == 1) return b < 1 ? Double.POSITIVE_INFINITY : b == 1 ? a : 0;
        // log1p(-x) keeps the digits of 1 - x when x is small.
        return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
    }

    /**
     * The regularized incomplete beta function {@code I_x(a, b)}, i.e. the Beta(a, b) CDF (docs/ORACLE.md §5.16).
     *
     * <p>DLMF 8.17.22: {@code I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * 1 / (1 + d_1 / (1 + d_2 / (1 + ...)))}, with
     * <pre>
     *   d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),     d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)),
     * </pre>
     * evaluated by the modified Lentz method. It converges quickly for {@code x < (a+1)/(a+b+2)} (the mean
     * region); above that we use the symmetry {@code I_x(a, b) = 1 - I_{1-x}(b, a)} (DLMF 8.17.4). Both sides
     * share the prefactor {@code x^a (1-x)^b / B(a, b)}, computed once in log space.
     */
    public static double regularizedIncompleteBeta(double x, double a, double b) {
        checkShape("regularizedIncompleteBeta", a, b);
        if (Double.isNaN(x)) return x;
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double prefactor = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
        if (x <= (a + 1) / (a + b + 2)) return prefactor / (a * continuedFraction(x, a, b));
        return 1 - prefactor / (b * continuedFraction(1 - x, b, a));
    }

    /**
     * {@code 1 + d_1 / (1 + d_2 / (1 + ...))} of DLMF 8.17.22 by the modified Lentz method: with
     * {@code f_j = C_j D_j f_{j-1}}, {@code C_j = 1 + d_j / C_{j-1}}, {@code D_j = 1 / (1 + d_j D_{j-1})}, until the
     * factor {@code C_j D_j} is 1 to within one ulp.
     */
    private static double continuedFraction(double x, double a, double b) {
        double f = 1, c = 1, d = 0;
        for (int j = 1; j <= MAX_CF_TERMS; j++) {
            int m = j / 2;
            double dj = (j % 2 == 1)
                ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + dj * d;
            if (Math.abs(d) < TINY) d = TINY;
            c = 1 + dj / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) <= 0x1p-52) return f;
        }
        throw new IllegalStateException("regularizedIncompleteBeta: continued fraction did not converge in " + MAX_CF_TERMS
            + " terms for x=" + x + ", a=" + a + ", b=" + b);
    }

    /**
     * The inverse of {@link #regularizedIncompleteBeta} in {@code x}: the {@code y} in [0, 1] with
     * {@code I_y(a, b) = p}, i.e. the Beta(a, b) quantile (scipy's {@code ppf}; docs/ORACLE.md §5.16).
     *
     * <p>Halley's method on {@code I_y - p} (the derivative is the density, and {@code pdf'/pdf =
     * (a-1)/y - (b-1)/(1-y)}), safeguarded by a bracket that every evaluation shrinks: a step leaving the
     * bracket is replaced by bisection. It stops when a step changes {@code y} by at most two ulps. When the
     * answer lies above 1/2 it solves the mirror problem {@code I_{1-y}(b, a) = 1 - p} instead, so that the
     * quantity it searches for is at most 1/2, where its ulps are no coarser than those of the answer.
     */
    public static double inverseRegularizedIncompleteBeta(double p, double a, double b) {
        checkShape("inverseRegularizedIncompleteBeta", a, b);
        if (Double.isNaN(p)) return p;
        if (p <= 0) return 0;
        if (p >= 1) return 1;
        if (p <= regularizedIncompleteBeta(0.5, a, b)) return lowerQuantile(p, a, b);   // the answer is <= 1/2
        return 1 - lowerQuantile(1 - p, b, a);
    }

    /** The quantile for {@code 0 < p <= I_{1/2}(a, b)}, i.e. an answer in (0, 1/2]. */
    private static double lowerQuantile(double p, double a, double b) {
        double lo = 0, hi = 0.5;
        double y = initialGuess(p, a, b);
        if (!(y < hi)) y = 0.5 * hi;
        for (int step = 0; step < MAX_INVERSE_STEPS; step++) {
            double residual = regularizedIncompleteBeta(y, a, b) - p;
            if (residual == 0) return y;
            if (residual < 0) lo = y; else hi = y;
            double slope = pdf(y, a, b);
            double newton = residual / slope;
            double curvature = (a - 1) / y - (b - 1) / (1 - y);            // pdf'(y) / pdf(y)
            double halley = 1 - 0.5 * newton * curvature;
            double next = y - (halley > 0.5 ? newton / halley : newton);   // Halley only where it is a mild correction
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);        // also catches NaN and infinite steps
            if (Math.abs(next - y) <= 2 * Math.ulp(y) || next == lo || next == hi) return next;
            y = next;
        }
        throw new IllegalStateException("inverseRegularizedIncompleteBeta: no convergence in " + MAX_INVERSE_STEPS
            + " steps for p=" + p + ", a=" + a + ", b=" + b);
    }

    /**
     * A starting point for the quantile search, strictly inside (0, 1). For {@code a, b >= 1}, Abramowitz and
     * Stegun 26.5.22 (a normal approximation, with the normal deviate from 26.2.22). Otherwise the density has
     * a pole at an end point and most of the mass sits near it: we invert the leading terms of the two tails,
     * <pre>
     *   I_y ~ y^a / (a B)  near 0,          1 - I_y ~ (1-y)^b / (b B)  near 1,
     * </pre>
     * using the tail masses at the mean {@code a/s} to decide which end {@code p} belongs to.
     */
    static double initialGuess(double p, double a, double b) {
        double y;
        if (a >= 1 && b >= 1) {
            // The upper-tail standard normal deviate of p (Q(deviate) = p), by A&S 26.2.22 on the smaller tail.
            double t = Math.sqrt(-2 * Math.log(Math.min(p, 1 - p)));
            double deviate = t - (2.30753 + 0.27061 * t) / (1 + t * (0.99229 + t * 0.04481));
            if (p > 0.5) deviate = -deviate;
            double lambda = (deviate * deviate - 3) / 6;
            double h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
            double w = deviate * Math.sqrt(h + lambda) / h
                - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5.0 / 6 - 2 / (3 * h));
            y = a / (a + b * Math.exp(2 * w));
        } else {
            double s = a + b;
            double lowerMass = Math.exp(a * Math.log(a / s)) / a;     // y^a / a at the mean, up to the common 1/B
            double upperMass = Math.exp(b * Math.log(b / s)) / b;
            double total = lowerMass + upperMass;
            y = p < lowerMass / total
                ? Math.pow(a * total * p, 1 / a)
                : 1 - Math.pow(b * total * (1 - p), 1 / b);
        }
        if (!(y > 0 && y < 1)) y = 0.5;
        return y;
    }

    private static void checkShape(String fn, double a, double b) {
        if (!(a > 0) || !(b > 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("BetaFunctions." + fn + ": shape parameters must be positive and finite, got a=" + a + ", b=" + b);
        }
    }
}
