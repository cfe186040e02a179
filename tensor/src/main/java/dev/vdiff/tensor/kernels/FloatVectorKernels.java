package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of {@link ExpF} and {@link FloatActivations} over float arrays {@code [n]}, range
 * {@code [lo, hi)}: full vectors, then the scalar twin for the tail. Every vector expression repeats the
 * scalar one operation for operation (IEEE float lanes, no library transcendental), so results do not depend
 * on the vector width, on where a range starts, or on whether this path runs at all
 * ({@code -Dvdiff.simd=false}). Only loaded when the vector module is present.
 */
final class FloatVectorKernels {
    private FloatVectorKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** A constant in every lane. */
    private static FloatVector c(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** {@link ExpF#exp} lane by lane (the vector twin that the attention kernels use too). */
    private static FloatVector exp(FloatVector x) {
        return AttentionSimd.exp(x);
    }

    /** y = e^(x - m) for a shift m (softmax);  x, y [n]. */
    static void expShifted(float[] x, float m, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) exp(FloatVector.fromArray(S, x, i).sub(m)).intoArray(y, i);
        for (; i < hi; i++) y[i] = ExpF.exp(x[i] - m);
    }

    /** y = sigmoid(x);  x, y [n]. */
    static void sigmoid(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = exp(v.abs().neg());
            FloatVector big = c(1f).div(e.add(1f));
            VectorMask<Float> neg = v.compare(VectorOperators.LT, 0f);
            big.blend(e.mul(big), neg).intoArray(y, i);
        }
        for (; i < hi; i++) y[i] = FloatActivations.sigmoid(x[i]);
    }

    /** y = x sigmoid(x);  x, y [n]. */
    static void silu(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = exp(v.abs().neg());
            FloatVector big = c(1f).div(e.add(1f));
            VectorMask<Float> neg = v.compare(VectorOperators.LT, 0f);
            v.mul(big.blend(e.mul(big), neg)).intoArray(y, i);
        }
        for (; i < hi; i++) y[i] = FloatActivations.silu(x[i]);
    }

    /** dx = g silu'(x);  x, g, dx [n]. */
    static void siluBackward(float[] x, float[] g, float[] dx, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = exp(v.abs().neg());
            FloatVector big = c(1f).div(e.add(1f)), small = e.mul(big);
            VectorMask<Float> neg = v.compare(VectorOperators.LT, 0f);
            FloatVector s = big.blend(small, neg), oneMinusS = small.blend(big, neg);
            FloatVector grad = s.mul(v.mul(oneMinusS).add(1f));
            FloatVector.fromArray(S, g, i).mul(grad).intoArray(dx, i);
        }
        for (; i < hi; i++) dx[i] = g[i] * FloatActivations.siluGrad(x[i]);
    }

    /** y = x sigmoid(2u), the tanh-approximate GELU;  x, y [n]. */
    static void geluTanh(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector t = v.add(v.mul(v).mul(FloatActivations.GELU_C).mul(v)).mul(FloatActivations.GELU_K).mul(2f);
            FloatVector e = exp(t.abs().neg());
            FloatVector big = c(1f).div(e.add(1f));
            VectorMask<Float> neg = t.compare(VectorOperators.LT, 0f);
            v.mul(big.blend(e.mul(big), neg)).intoArray(y, i);
        }
        for (; i < hi; i++) y[i] = FloatActivations.geluTanh(x[i]);
    }

    /** dx = g geluTanh'(x);  x, g, dx [n]. */
    static void geluTanhBackward(float[] x, float[] g, float[] dx, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector x2 = v.mul(v);
            FloatVector t = v.add(x2.mul(FloatActivations.GELU_C).mul(v)).mul(FloatActivations.GELU_K).mul(2f);
            FloatVector du = x2.mul(FloatActivations.GELU_C3).add(1f).mul(FloatActivations.GELU_K);
            FloatVector e = exp(t.abs().neg());
            FloatVector big = c(1f).div(e.add(1f)), small = e.mul(big);
            VectorMask<Float> neg = t.compare(VectorOperators.LT, 0f);
            FloatVector s = big.blend(small, neg), oneMinusS = small.blend(big, neg);
            FloatVector grad = v.mul(2f).mul(s).mul(oneMinusS).mul(du).add(s);
            FloatVector.fromArray(S, g, i).mul(grad).intoArray(dx, i);
        }
        for (; i < hi; i++) dx[i] = g[i] * FloatActivations.geluTanhGrad(x[i]);
    }
}
