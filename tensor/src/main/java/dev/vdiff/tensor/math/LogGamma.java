package dev.vdiff.tensor.math;

/**
 * The logarithm of the gamma function for positive arguments, accurate to a few ulps everywhere, including
 * near its zeros at 1 and 2.
 *
 * <p>Two expansions cover {@code (0, infinity)}:
 * <ul>
 *   <li>{@code x >= 10}: Stirling's asymptotic series (DLMF 5.11.1)
 *   <pre>
 *   ln Gamma(x) = (x - 1/2) ln x - x + ln(2 pi)/2 + delta(x),
 *   delta(x)    = sum_{k>=1} B_{2k} / (2k (2k-1) x^(2k-1))          B_{2k}: Bernoulli numbers
 *   </pre>
 *   truncated after 8 terms; the first omitted term is below {@code 2e-18} at {@code x = 10}.</li>
 *   <li>{@code x < 10}: the Taylor series of {@code ln Gamma} about 2, obtained from DLMF 5.7.3
 *   ({@code ln Gamma(1+z) = -gamma z + sum_{k>=2} (-1)^k zeta(k) z^k / k}) by adding
 *   {@code ln(1+z) = sum_{k>=1} (-1)^(k+1) z^k / k} term by term (A&S 6.1.33):
 *   <pre>
 *   S(z) = ln Gamma(2 + z) = (1 - gamma) z + sum_{k>=2} (-1)^k (zeta(k) - 1) z^k / k,     |z| < 2,
 *   </pre>
 *   whose terms shrink like {@code (z/2)^k}: about 30 terms for {@code |z| <= 1/2}. It is used on
 *   {@code [1.5, 2.5)} directly; below, {@code ln Gamma(1+z) = S(z) - ln(1+z)} and {@code ln Gamma(z) =
 *   ln Gamma(1+z) - ln z}; above, {@code Gamma(x) = (x-1)(x-2)...(x-m) Gamma(x-m)} (DLMF 5.5.1). Because
 *   {@code S} starts with {@code z} itself, the zeros at 1 and 2 come out with full relative accuracy, which a
 *   shifted Stirling series (a difference of two numbers near 14) cannot give.</li>
 * </ul>
 * The coefficients {@code zeta(k) - 1} are computed once, by summing {@code n^-k} for {@code n < 10} and adding
 * the Euler-Maclaurin tail (DLMF 2.10.1).
 *
 * <p>{@link #stirlingCorrection} is public because {@link BetaFunctions#logBeta} combines the corrections of
 * large arguments directly, avoiding the cancellation of {@code ln Gamma(a) + ln Gamma(b) - ln Gamma(a+b)}.
 */
public final class LogGamma {
    private LogGamma() {}

    /** {@code ln(2 pi) / 2}. */
    static final double HALF_LOG_2PI = 0.9189385332046727417803297;
    /** Euler's constant gamma. */
    static final double EULER_GAMMA = 0.5772156649015328606065121;

    /** Stirling's series is used from here on. */
    static final double STIRLING_MIN = 10;

    /** Bernoulli numbers B_2, B_4, ..., B_16. */
    private static final double[] BERNOULLI = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510};

    /** Coefficients of S(z) beyond the linear one: {@code SERIES[k] = (-1)^k (zeta(k) - 1) / k}, k = 2..41. */
    private static final double[] SERIES = new double[42];

    static {
        for (int k = 2; k < SERIES.length; k++) SERIES[k] = ((k % 2 == 0) ? 1 : -1) * zetaMinusOne(k) / k;
    }

    /**
     * {@code ln Gamma(x)} for {@code x > 0}.
     *
     * <pre>{@code
     * LogGamma.logGamma(0.5);   // ln sqrt(pi) = 0.5723649429247001
     * LogGamma.logGamma(5);     // ln 24       = 3.1780538303479458
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code x} is not a positive finite number
     */
    public static double logGamma(double x) {
        if (!(x > 0) || x == Double.POSITIVE_INFINITY) throw new IllegalArgumentException("logGamma: argument must be positive and finite, got " + x);
        if (x >= STIRLING_MIN) return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x);
        if (x < 0.5) return aroundTwo(x) - Math.log1p(x) - Math.log(x);       // Gamma(x) = Gamma(2 + x) / ((1 + x) x)
        if (x < 1.5) return aroundTwo(x - 1) - Math.log1p(x - 1);              // x - 1 is exact here
        // x - m lands in [1.5, 2.5); every x - j is exact, and the product has at most 8 factors.
        double product = 1;
        double y = x;
        while (y >= 2.5) {
            y -= 1;
            product *= y;
        }
        return aroundTwo(y - 2) + Math.log(product);
    }

    /** {@code S(z) = ln Gamma(2 + z)} for {@code |z| <= 1/2}, by Horner's rule. */
    private static double aroundTwo(double z) {
        double sum = 0;
        for (int k = SERIES.length - 1; k >= 2; k--) sum = SERIES[k] + z * sum;
        return z * ((1 - EULER_GAMMA) + z * sum);
    }

    /**
     * {@code zeta(k) - 1 = sum_{n>=2} n^-k} for {@code k >= 2}: the terms {@code n = 2..9} summed smallest first,
     * plus the Euler-Maclaurin tail {@code sum_{n>=N} n^-k = N^(1-k)/(k-1) + N^-k/2
     * + sum_j B_{2j}/(2j)! k(k+1)...(k+2j-2) N^-(k+2j-1)} at {@code N = 10} (error below 1e-17 relative).
     */
    static double zetaMinusOne(int k) {
        final int n0 = 10;
        double tail = Math.pow(n0, 1 - k) / (k - 1) + 0.5 * Math.pow(n0, -k);
        double rising = k;          // k (k+1) ... (k+2j-2)
        double factorial = 2;       // (2j)!
        for (int j = 1; j <= BERNOULLI.length; j++) {
            tail += BERNOULLI[j - 1] / factorial * rising * Math.pow(n0, -(k + 2 * j - 1));
            rising *= (double) (k + 2 * j - 1) * (k + 2 * j);
            factorial *= (double) (2 * j + 1) * (2 * j + 2);
        }
        double sum = tail;
        for (int n = n0 - 1; n >= 2; n--) sum += Math.pow(n, -k);
        return sum;
    }

    /**
     * {@code delta(x) = ln Gamma(x) - [(x - 1/2) ln x - x + ln(2 pi)/2]}, the remainder of Stirling's formula,
     * for {@code x >= 10} (accurate to about {@code 1e-18} absolute there; {@code delta(10) = 0.00833}).
     */
    public static double stirlingCorrection(double x) {
        if (!(x >= STIRLING_MIN)) throw new IllegalArgumentException("stirlingCorrection: needs x >= " + STIRLING_MIN + ", got " + x);
        // delta(x) = (1/x) sum_k c_k z^(k-1) with z = 1/x^2 and c_k = B_{2k} / (2k (2k-1)); Horner in z.
        double z = 1 / (x * x);
        double sum = 0;
        for (int k = BERNOULLI.length; k >= 1; k--) sum = BERNOULLI[k - 1] / (2 * k * (2 * k - 1)) + z * sum;
        return sum / x;
    }
}
