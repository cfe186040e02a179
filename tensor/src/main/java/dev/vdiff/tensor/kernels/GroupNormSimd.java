package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of the two element-wise loops of {@link GroupNormKernels} (float32), over one channel's
 * range {@code [lo, hi)} of {@code x, g, out, dx [N, C, L]}: full vectors, then the scalar loop for the tail.
 * Each lane repeats the scalar expression operation for operation (no fused multiply-add), so the bits do not
 * depend on whether this path runs. Only loaded when {@link Simd#ENABLED}.
 */
final class GroupNormSimd {
    private GroupNormSimd() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** out = (x - mu) * s + t. */
    static void normalize(float[] x, float[] out, int lo, int hi, float mu, float s, float t) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) {
            FloatVector.fromArray(S, x, i).sub(mu).mul(s).add(t).intoArray(out, i);
        }
        for (; i < hi; i++) out[i] = (x[i] - mu) * s + t;
    }

    /** dx = a g - k (x - mu) - r. */
    static void inputGradient(float[] g, float[] x, float[] dx, int lo, int hi, float a, float k, float mu, float r) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i), xv = FloatVector.fromArray(S, x, i);
            gv.mul(a).sub(xv.sub(mu).mul(k)).sub(r).intoArray(dx, i);
        }
        for (; i < hi; i++) dx[i] = a * g[i] - k * (x[i] - mu) - r;
    }
}
