package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.math.Erf;

/**
 * The scalar functions behind the activation kernels, in double precision, each written so that it stays
 * finite and accurate for any finite argument (no {@code inf/inf}, no {@code 0*inf}, no {@code 1 - s}
 * cancellation). Static and tiny, so the JIT inlines them into the kernel loops.
 */
public final class ScalarMath {
    private ScalarMath() {}

    /** sqrt(2/pi), the scale inside the tanh approximation of GELU. */
    static final double SQRT_2_OVER_PI = 0.7978845608028654;
    /** 1/sqrt(2), so that Phi(x) = erfc(-x/sqrt(2))/2. */
    static final double SQRT_HALF = 0.7071067811865476;
    /** 1/sqrt(2 pi), the peak of the standard normal density. */
    static final double INV_SQRT_2PI = 0.3989422804014327;
    /** The cubic coefficient of the tanh approximation (Hendrycks & Gimpel 2016). */
    static final double GELU_CUBIC = 0.044715;

    /**
     * sigmoid(x) = 1/(1+exp(-x)), from e = exp(-|x|) in (0, 1]: sigmoid(|x|) = 1/(1+e) and
     * sigmoid(-|x|) = e/(1+e). Neither form overflows, and both sides keep full relative precision.
     */
    public static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        double big = 1 / (1 + e);
        return x >= 0 ? big : e * big;
    }

    /** silu(x) = x sigmoid(x). */
    public static double silu(double x) {
        return x * sigmoid(x);
    }

    /** silu'(x) = s (1 + x (1 - s)) with s = sigmoid(x) and 1 - s = sigmoid(-x), both formed without cancellation. */
    public static double siluGrad(double x) {
        double e = Math.exp(-Math.abs(x));
        double big = 1 / (1 + e), small = e * big;
        double s = x >= 0 ? big : small, oneMinusS = x >= 0 ? small : big;
        return s * (1 + x * oneMinusS);
    }

    /** The standard normal CDF Phi(x) = erfc(-x/sqrt 2)/2: relative precision also in the lower tail. */
    public static double normalCdf(double x) {
        return 0.5 * Erf.erfc(-x * SQRT_HALF);
    }

    /** Exact GELU: x Phi(x) = 0.5 x (1 + erf(x/sqrt 2)). */
    public static double gelu(double x) {
        return x * normalCdf(x);
    }

    /** gelu'(x) = Phi(x) + x phi(x), phi the standard normal density (exp underflows to 0 in the tails). */
    public static double geluGrad(double x) {
        return normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /**
     * Tanh-approximate GELU, 0.5 x (1 + tanh(u)) with u = sqrt(2/pi)(x + 0.044715 x^3), evaluated as the
     * identical x sigmoid(2u): 1 + tanh(u) = 2 sigmoid(2u) but loses all precision for u << 0.
     */
    public static double geluTanh(double x) {
        double u = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
        return x * sigmoid(2 * u);
    }

    /** d/dx [x sigmoid(2u)] = s + 2 x s (1 - s) u', with u' = sqrt(2/pi)(1 + 3 * 0.044715 x^2). */
    public static double geluTanhGrad(double x) {
        double x2 = x * x;
        double u = SQRT_2_OVER_PI * (x + GELU_CUBIC * x2 * x);
        double du = SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * x2);
        double e = Math.exp(-Math.abs(2 * u));
        double big = 1 / (1 + e), small = e * big;
        double s = u >= 0 ? big : small, oneMinusS = u >= 0 ? small : big;
        return s + 2 * x * s * oneMinusS * du;
    }

    /** d/dx x^p = p x^(p-1), with the exponent 0 giving 0 (PyTorch) and the common exponents done exactly. */
    public static double powGrad(double x, double p) {
        if (p == 0) return 0;
        if (p == 1) return 1;
        if (p == 2) return 2 * x;
        return p * Math.pow(x, p - 1);
    }

    /** x^p with the common exponents done exactly (x*x rather than pow, sqrt for 0.5). */
    public static double pow(double x, double p) {
        if (p == 2) return x * x;
        if (p == 1) return x;
        if (p == 0.5) return Math.sqrt(x);
        return Math.pow(x, p);
    }
}
