package dev.vdiff.tensor.kernels;

import static dev.vdiff.tensor.kernels.ScalarMath.gelu;
import static dev.vdiff.tensor.kernels.ScalarMath.geluGrad;
import static dev.vdiff.tensor.kernels.ScalarMath.geluTanh;
import static dev.vdiff.tensor.kernels.ScalarMath.geluTanhGrad;
import static dev.vdiff.tensor.kernels.ScalarMath.pow;
import static dev.vdiff.tensor.kernels.ScalarMath.powGrad;
import static dev.vdiff.tensor.kernels.ScalarMath.sigmoid;
import static dev.vdiff.tensor.kernels.ScalarMath.silu;
import static dev.vdiff.tensor.kernels.ScalarMath.siluGrad;

/**
 * Elementwise functions y = f(x) and their vector-Jacobian products dx = g f'(x), over flat arrays
 * {@code x, y, g, dx} of one length n, for the index range {@code [lo, hi)}.
 *
 * <p>The switch over the function sits outside the loops, so every loop is a straight pass with no
 * per-element dispatch. In float32, the sigmoid family (sigmoid, silu, geluTanh: the activations of
 * the UNet) runs in float32 arithmetic on {@link ExpF}, vectorised when {@link Simd#ENABLED} (same bits); the
 * other functions widen to double, compute and round once. {@code a} and {@code b} are the
 * parameters of {@link Fn#POW} (exponent) and {@link Fn#CLAMP} (min, max); others ignore them.
 */
public final class UnaryKernels {
    private UnaryKernels() {}

    /** The functions; {@code usesX}/{@code usesY}: which of input and output the backward reads. */
    public enum Fn {
        EXP(false, true), LOG(true, false), SQRT(false, true), SQUARE(true, false), TANH(false, true),
        SIGMOID(false, true), POW(true, false), CLAMP(true, false), SILU(true, false), GELU(true, false),
        GELU_TANH(true, false);

        public final boolean usesX, usesY;

        Fn(boolean usesX, boolean usesY) {
            this.usesX = usesX;
            this.usesY = usesY;
        }
    }

    /** y[i] = f(x[i]); x, y [n]. The sigmoid family uses float32 arithmetic ({@link FloatActivations}). */
    public static void forward(Fn fn, double a, double b, float[] x, float[] y, int lo, int hi) {
        if (Simd.ENABLED) {
            switch (fn) {
                case SIGMOID: FloatVectorKernels.sigmoid(x, y, lo, hi); return;
                case SILU: FloatVectorKernels.silu(x, y, lo, hi); return;
                case GELU_TANH: FloatVectorKernels.geluTanh(x, y, lo, hi); return;
                default: // scalar below
            }
        }
        switch (fn) {
            case EXP:       for (int i = lo; i < hi; i++) y[i] = (float) Math.exp(x[i]); break;
            case LOG:       for (int i = lo; i < hi; i++) y[i] = (float) Math.log(x[i]); break;
            case SQRT:      for (int i = lo; i < hi; i++) y[i] = (float) Math.sqrt(x[i]); break;
            case SQUARE:    for (int i = lo; i < hi; i++) y[i] = x[i] * x[i]; break;
            case TANH:      for (int i = lo; i < hi; i++) y[i] = (float) Math.tanh(x[i]); break;
            case SIGMOID:   for (int i = lo; i < hi; i++) y[i] = FloatActivations.sigmoid(x[i]); break;
            case POW:       for (int i = lo; i < hi; i++) y[i] = (float) pow(x[i], a); break;
            case CLAMP: {
                // float32 bounds, as PyTorch converts them to the tensor's dtype
                float fa = (float) a, fb = (float) b;
                for (int i = lo; i < hi; i++) y[i] = Math.min(Math.max(x[i], fa), fb);
                break;
            }
            case SILU:      for (int i = lo; i < hi; i++) y[i] = FloatActivations.silu(x[i]); break;
            case GELU:      for (int i = lo; i < hi; i++) y[i] = (float) gelu(x[i]); break;
            default:        for (int i = lo; i < hi; i++) y[i] = FloatActivations.geluTanh(x[i]);
        }
    }

    /** y[i] = f(x[i]); x, y [n]. */
    public static void forward(Fn fn, double a, double b, double[] x, double[] y, int lo, int hi) {
        switch (fn) {
            case EXP:       for (int i = lo; i < hi; i++) y[i] = Math.exp(x[i]); break;
            case LOG:       for (int i = lo; i < hi; i++) y[i] = Math.log(x[i]); break;
            case SQRT:      for (int i = lo; i < hi; i++) y[i] = Math.sqrt(x[i]); break;
            case SQUARE:    for (int i = lo; i < hi; i++) y[i] = x[i] * x[i]; break;
            case TANH:      for (int i = lo; i < hi; i++) y[i] = Math.tanh(x[i]); break;
            case SIGMOID:   for (int i = lo; i < hi; i++) y[i] = sigmoid(x[i]); break;
            case POW:       for (int i = lo; i < hi; i++) y[i] = pow(x[i], a); break;
            case CLAMP:     for (int i = lo; i < hi; i++) y[i] = Math.min(Math.max(x[i], a), b); break;
            case SILU:      for (int i = lo; i < hi; i++) y[i] = silu(x[i]); break;
            case GELU:      for (int i = lo; i < hi; i++) y[i] = gelu(x[i]); break;
            default:        for (int i = lo; i < hi; i++) y[i] = geluTanh(x[i]);
        }
    }

    /** dx[i] = g[i] f'(x[i]), reading x or y as {@link Fn#usesX}/{@link Fn#usesY} say (the other may be null); all [n]. */
    public static void backward(Fn fn, double a, double b, float[] x, float[] y, float[] g, float[] dx, int lo, int hi) {
        if (Simd.ENABLED && fn == Fn.SILU) {
            FloatVectorKernels.siluBackward(x, g, dx, lo, hi);
            return;
        }
        if (Simd.ENABLED && fn == Fn.GELU_TANH) {
            FloatVectorKernels.geluTanhBackward(x, g, dx, lo, hi);
            return;
        }
        switch (fn) {
            case EXP:       for (int i = lo; i < hi; i++) dx[i] = g[i] * y[i]; break;
            case LOG:       for (int i = lo; i < hi; i++) dx[i] = g[i] / x[i]; break;
            case SQRT:      for (int i = lo; i < hi; i++) dx[i] = g[i] / (2 * y[i]); break;
            case SQUARE:    for (int i = lo; i < hi; i++) dx[i] = 2 * x[i] * g[i]; break;
            case TANH:      for (int i = lo; i < hi; i++) dx[i] = (float) (g[i] * (1 - (double) y[i] * y[i])); break;
            case SIGMOID:   for (int i = lo; i < hi; i++) dx[i] = g[i] * y[i] * (1f - y[i]); break;
            case POW:       for (int i = lo; i < hi; i++) dx[i] = (float) (g[i] * powGrad(x[i], a)); break;
            case CLAMP: {
                // PyTorch: the gradient passes where min <= x <= max, the bounds included
                float fa = (float) a, fb = (float) b;
                for (int i = lo; i < hi; i++) dx[i] = x[i] >= fa && x[i] <= fb ? g[i] : 0f;
                break;
            }
            case SILU:      for (int i = lo; i < hi; i++) dx[i] = g[i] * FloatActivations.siluGrad(x[i]); break;
            case GELU:      for (int i = lo; i < hi; i++) dx[i] = (float) (g[i] * geluGrad(x[i])); break;
            default:        for (int i = lo; i < hi; i++) dx[i] = g[i] * FloatActivations.geluTanhGrad(x[i]);
        }
    }

    /** dx[i] = g[i] f'(x[i]), reading x or y as {@link Fn#usesX}/{@link Fn#usesY} say (the other may be null); all [n]. */
    public static void backward(Fn fn, double a, double b, double[] x, double[] y, double[] g, double[] dx, int lo, int hi) {
        switch (fn) {
            case EXP:       for (int i = lo; i < hi; i++) dx[i] = g[i] * y[i]; break;
            case LOG:       for (int i = lo; i < hi; i++) dx[i] = g[i] / x[i]; break;
            case SQRT:      for (int i = lo; i < hi; i++) dx[i] = g[i] / (2 * y[i]); break;
            case SQUARE:    for (int i = lo; i < hi; i++) dx[i] = 2 * x[i] * g[i]; break;
            case TANH:      for (int i = lo; i < hi; i++) dx[i] = g[i] * (1 - y[i] * y[i]); break;
            case SIGMOID:   for (int i = lo; i < hi; i++) dx[i] = g[i] * y[i] * (1 - y[i]); break;
            case POW:       for (int i = lo; i < hi; i++) dx[i] = g[i] * powGrad(x[i], a); break;
            case CLAMP:     for (int i = lo; i < hi; i++) dx[i] = x[i] >= a && x[i] <= b ? g[i] : 0.0; break;
            case SILU:      for (int i = lo; i < hi; i++) dx[i] = g[i] * siluGrad(x[i]); break;
            case GELU:      for (int i = lo; i < hi; i++) dx[i] = g[i] * geluGrad(x[i]); break;
            default:        for (int i = lo; i < hi; i++) dx[i] = g[i] * geluTanhGrad(x[i]);
        }
    }
}
