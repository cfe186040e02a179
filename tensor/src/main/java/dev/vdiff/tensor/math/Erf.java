package dev.vdiff.tensor.math;

/**
 * The error function {@code erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt} and its complement
 * {@code erfc(x) = 1 - erf(x)}, accurate to a few units in the last place of a double.
 *
 * <p>Method: W. J. Cody, "Rational Chebyshev approximations for the error function", Mathematics of
 * Computation 23 (1969) 631-637, with the coefficients of his SPECFUN routine CALERF. Three intervals of
 * {@code y = |x|}:
 * <ol>
 *   <li>{@code y <= 0.46875}: {@code erf(x) = x R1(y^2)};</li>
 *   <li>{@code 0.46875 < y <= 4}: {@code erfc(y) = exp(-y^2) R2(y)};</li>
 *   <li>{@code y > 4}: {@code erfc(y) = exp(-y^2)/y (1/sqrt(pi) + R3(1/y^2)/y^2)}.</li>
 * </ol>
 * {@code exp(-y^2)} is formed as {@code exp(-s^2) exp(-(y-s)(y+s))} with {@code s} = y rounded down to a
 * multiple of 1/16, so that {@code s^2} is exact and the rounding error of {@code y^2} is not magnified by
 * the exponential. Negative arguments use {@code erf(-x) = -erf(x)} and {@code erfc(-x) = 2 - erfc(x)}.
 *
 * <pre>{@code
 * Erf.erf(1.0);    // 0.8427007929497149
 * Erf.erfc(5.0);   // 1.5374597944280349e-12 (no cancellation: computed directly, not as 1 - erf)
 * }</pre>
 */
public final class Erf {
    private Erf() {}

    // Interval 1: erf(x) = x * (A0..A3 with A4 leading) / (B0..B3), a rational function of x^2.
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03};
    // Interval 2: erfc(y) exp(y^2) as a rational function of y.
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
        8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
        3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03};
    // Interval 3: the asymptotic correction as a rational function of 1/y^2.
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
        6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
        2.33520497626869185e-3};

    private static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;
    private static final double THRESHOLD = 0.46875;
    /** Below this, x^2 underflows the polynomial's relative precision: erf(x) = x * 2/sqrt(pi). */
    private static final double TINY = 1.11e-16;
    /** Above this, erfc(y) underflows to 0 in double. */
    private static final double BIG = 26.543;

    /** The error function; odd, {@code erf(+-inf) = +-1}, NaN for NaN. */
    public static double erf(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) return x * smallRatio(y);
        // (0.5 - erfc) + 0.5 rounds better than 1 - erfc when erfc is just below 0.5.
        double r = (0.5 - erfcPositive(y)) + 0.5;
        return x < 0 ? -r : r;
    }

    /** The complementary error function {@code 1 - erf(x)}, computed without cancellation for large x. */
    public static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) return 0.5 + (0.5 - x * smallRatio(y));
        double r = erfcPositive(y);
        return x < 0 ? 2 - r : r;
    }

    /** erf(x)/x for |x| <= 0.46875 (interval 1). */
    private static double smallRatio(double y) {
        double z = y > TINY ? y * y : 0;
        double num = A[4] * z, den = z;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * z;
            den = (den + B[i]) * z;
        }
        return (num + A[3]) / (den + B[3]);
    }

    /** erfc(y) for y > 0.46875 (intervals 2 and 3); NaN stays NaN. */
    private static double erfcPositive(double y) {
        if (y != y) return y;
        double r;
        if (y <= 4) {
            double num = C[8] * y, den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            r = (num + C[7]) / (den + D[7]);
        } else {
            if (y >= BIG) return 0;
            double z = 1 / (y * y);
            double num = P[5] * z, den = z;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * z;
                den = (den + Q[i]) * z;
            }
            r = z * (num + P[4]) / (den + Q[4]);
            r = (ONE_OVER_SQRT_PI - r) / y;
        }
        double s = Math.floor(y * 16) / 16;    // exact square: s has at most a few significant bits after the point
        double del = (y - s) * (y + s);        // y^2 - s^2 without the rounding error of y^2
        return Math.exp(-s * s) * Math.exp(-del) * r;
    }
}
