package dev.vdiff.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 sigmoid-family kernels: the Vector API loops must give exactly the bits of their scalar
 * twins (so results never depend on the vector width, loop tails or -Dvdiff.simd), and the scalar forms
 * must be accurate against double arithmetic.
 */
class FloatActivationsTest {
    private static final int N = 1000;
    private static final float[] X = new float[N], G = new float[N];

    static {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < N; i++) {
            X[i] = (float) ((rnd.nextDouble() * 2 - 1) * (i % 3 == 0 ? 120 : 6));
            G[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -87.5f, 87.5f, 1e-3f, -1e-3f};
        System.arraycopy(special, 0, X, 0, special.length);
    }

    @Test
    void vectorAndScalarPathsAgreeBitForBit() {
        // surefire runs with the incubator module (parent pom argLine), so the vector path must be there
        assertTrue(Simd.ENABLED, "Vector API module missing from the test JVM");
        for (int lo : new int[] {0, 3}) {
            int hi = N - lo;
            float[] v = new float[N], s = new float[N];
            FloatVectorKernels.expShifted(X, 1.5f, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = ExpF.exp(X[i] - 1.5f);
            same("expShifted", s, v);
            FloatVectorKernels.sigmoid(X, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatActivations.sigmoid(X[i]);
            same("sigmoid", s, v);
            FloatVectorKernels.silu(X, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatActivations.silu(X[i]);
            same("silu", s, v);
            FloatVectorKernels.siluBackward(X, G, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = G[i] * FloatActivations.siluGrad(X[i]);
            same("silu backward", s, v);
            FloatVectorKernels.geluTanh(X, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatActivations.geluTanh(X[i]);
            same("geluTanh", s, v);
            FloatVectorKernels.geluTanhBackward(X, G, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = G[i] * FloatActivations.geluTanhGrad(X[i]);
            same("geluTanh backward", s, v);
        }
    }

    @Test
    void scalarFormsAreAccurate() {
        for (float x = -30f; x <= 30f; x += 0.0371f) {
            double t = Math.abs(x), u = 2 * ScalarMath.SQRT_2_OVER_PI * Math.abs(x + ScalarMath.GELU_CUBIC * x * x * x);
            within("sigmoid", x, t, FloatActivations.sigmoid(x), ScalarMath.sigmoid(x), 1e-30);
            within("silu", x, t, FloatActivations.silu(x), ScalarMath.silu(x), 1e-30);
            within("geluTanh", x, u, FloatActivations.geluTanh(x), ScalarMath.geluTanh(x), 1e-30);
            // the derivatives cross zero (silu' at x = -1.28), where 1 + x(1-s) cancels: an absolute floor
            within("siluGrad", x, t, FloatActivations.siluGrad(x), ScalarMath.siluGrad(x), 1e-7);
            within("geluTanhGrad", x, u, FloatActivations.geluTanhGrad(x), ScalarMath.geluTanhGrad(x), 1e-7);
        }
    }

    /**
     * A few float32 roundings of relative error, times the condition number of exp at the float32 argument
     * {@code -t} (an argument rounded by 1 ulp moves e^-t by t ulps), plus an absolute floor.
     */
    private static void within(String what, float x, double t, float got, double exact, double floor) {
        double err = Math.abs(got - exact);
        if (!(err <= 1e-6 * (1 + t / 4) * Math.abs(exact) + floor)) throw new AssertionError(what + "(" + x + ") = " + got + ", double gives " + exact);
    }

    private static void same(String what, float[] scalar, float[] vector) {
        for (int i = 0; i < scalar.length; i++) {
            if (Float.floatToIntBits(scalar[i]) != Float.floatToIntBits(vector[i])) {
                throw new AssertionError(what + ": element " + i + " (x = " + X[i] + ") scalar " + scalar[i] + " vs vector " + vector[i]);
            }
        }
    }
}
