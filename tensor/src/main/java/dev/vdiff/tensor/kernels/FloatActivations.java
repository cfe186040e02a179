package dev.vdiff.tensor.kernels;

/**
 * Float32 forms of the sigmoid-family activations, built on {@link ExpF}. Each line has a twin in
 * {@link FloatVectorKernels} that performs the same float operations in the same order, so scalar and
 * vector paths agree bit for bit.
 *
 * <p>All use {@code e = exp(-|z|)} in (0, 1]: {@code sigmoid(|z|) = 1/(1+e)} and {@code sigmoid(-|z|) =
 * e/(1+e)}. Nothing overflows, and both sigmoid(z) and 1 - sigmoid(z) keep full relative precision.
 */
public final class FloatActivations {
    private FloatActivations() {}

    static final float GELU_K = (float) ScalarMath.SQRT_2_OVER_PI;
    static final float GELU_C = (float) ScalarMath.GELU_CUBIC;
    static final float GELU_C3 = (float) (3 * ScalarMath.GELU_CUBIC);

    public static float sigmoid(float z) {
        float e = ExpF.exp(-Math.abs(z));
        float big = 1f / (e + 1f);
        return z < 0 ? e * big : big;
    }

    public static float silu(float x) {
        return x * sigmoid(x);
    }

    /** silu'(x) = s (1 + x (1 - s)), s = sigmoid(x). */
    public static float siluGrad(float x) {
        float e = ExpF.exp(-Math.abs(x));
        float big = 1f / (e + 1f), small = e * big;
        float s = x < 0 ? small : big, oneMinusS = x < 0 ? big : small;
        return s * (x * oneMinusS + 1f);
    }

    /** x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715 x^3): the tanh-approximate GELU (see ScalarMath#geluTanh). */
    public static float geluTanh(float x) {
        float u = (x + x * x * GELU_C * x) * GELU_K;
        return x * sigmoid(u * 2f);
    }

    /** s + 2 x s (1 - s) u' with s = sigmoid(2u), u' = sqrt(2/pi)(1 + 3 * 0.044715 x^2). */
    public static float geluTanhGrad(float x) {
        float x2 = x * x;
        float t = (x + x2 * GELU_C * x) * GELU_K * 2f;
        float du = (x2 * GELU_C3 + 1f) * GELU_K;
        float e = ExpF.exp(-Math.abs(t));
        float big = 1f / (e + 1f), small = e * big;
        float s = t < 0 ? small : big, oneMinusS = t < 0 ? big : small;
        return x * 2f * s * oneMinusS * du + s;
    }
}
