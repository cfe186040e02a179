package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of {@link WinogradF2x3}'s element-wise transforms, over a range of tiles {@code [lo, hi)}:
 * full vectors, then the scalar twin for the tail. Each vector expression is the scalar one, operation for
 * operation (adds and subtracts in the same order), so the bits do not depend on the vector width or on whether
 * this path runs. Only loaded when the vector module is present ({@link Simd#ENABLED}).
 */
final class WinogradSimd {
    private WinogradSimd() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Lanes of a vector (16 on AVX-512). */
    static final int LANES = S.length();

    // Two-vector shuffles (an index of LANES or more takes lane index - LANES of the second vector): interleave the
    // lanes of a and b, a0 b0 a1 b1 ..., low and high halves. (The reverse, even and odd lanes of a followed by b for
    // the input's column split, measured 2x slower than the scalar loop, so the split stays scalar.)
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromOp(S, i -> (i % 2 == 0 ? 0 : LANES) + i / 2);
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromOp(S, i -> (i % 2 == 0 ? 0 : LANES) + LANES / 2 + i / 2);

    /** {@link WinogradF2x3#columns}: h0 = O[s-1] - O[s], h1 = E[s] + O[s], h2 = O[s] - E[s], h3 = E[s] - E[s+1]. */
    static void columns(float[] wk, int e, int o, int hBase, int len, int lo, int hi) {
        int s = lo;
        for (int end = lo + S.loopBound(hi - lo); s < end; s += S.length()) {
            FloatVector ev = FloatVector.fromArray(S, wk, e + s), ov = FloatVector.fromArray(S, wk, o + s);
            FloatVector.fromArray(S, wk, o + s - 1).sub(ov).intoArray(wk, hBase + s);
            ev.add(ov).intoArray(wk, hBase + len + s);
            ov.sub(ev).intoArray(wk, hBase + 2 * len + s);
            ev.sub(FloatVector.fromArray(S, wk, e + s + 1)).intoArray(wk, hBase + 3 * len + s);
        }
        WinogradF2x3.columns(wk, e, o, hBase, len, s, hi);
    }

    /** {@link WinogradF2x3#rows}: v0 = r0 - r2, v1 = r1 + r2, v2 = r2 - r1, v3 = r1 - r3. */
    static void rows(float[] wk, int a0, int a1, int tw, float[] v, int d, int step, int lo, int hi) {
        int t = lo;
        for (int end = lo + S.loopBound(hi - lo); t < end; t += S.length()) {
            FloatVector r0 = FloatVector.fromArray(S, wk, a0 + t), r1 = FloatVector.fromArray(S, wk, a1 + t);
            FloatVector r2 = FloatVector.fromArray(S, wk, a0 + t + tw), r3 = FloatVector.fromArray(S, wk, a1 + t + tw);
            r0.sub(r2).intoArray(v, d + t);
            r1.add(r2).intoArray(v, d + step + t);
            r2.sub(r1).intoArray(v, d + 2 * step + t);
            r1.sub(r3).intoArray(v, d + 3 * step + t);
        }
        WinogradF2x3.rows(wk, a0, a1, tw, v, d, step, t, hi);
    }

    /** {@link WinogradF2x3#output}: S = A^T M, then Y = S A, per tile. */
    static void output(float[] m, int mOff, int mPoint, float[] work, int tiles, int lo, int hi) {
        int t = lo;
        for (int end = lo + S.loopBound(hi - lo); t < end; t += S.length()) {
            int at = mOff + t;
            FloatVector s00 = sum0(m, at, mPoint, 0), s01 = sum0(m, at, mPoint, 1), s02 = sum0(m, at, mPoint, 2), s03 = sum0(m, at, mPoint, 3);
            s00.add(s01).add(s02).intoArray(work, t);
            s01.sub(s02).sub(s03).intoArray(work, tiles + t);
            FloatVector s10 = sum1(m, at, mPoint, 0), s11 = sum1(m, at, mPoint, 1), s12 = sum1(m, at, mPoint, 2), s13 = sum1(m, at, mPoint, 3);
            s10.add(s11).add(s12).intoArray(work, 2 * tiles + t);
            s11.sub(s12).sub(s13).intoArray(work, 3 * tiles + t);
        }
        WinogradF2x3.output(m, mOff, mPoint, work, tiles, t, hi);
    }

    /** {@link WinogradWeightGrad#grad}: D = A dY A^T per tile, from the four phases of dY. */
    static void grad(float[] p, int tiles, float[] d, int dOff, int dPoint, int lo, int hi) {
        int t = lo;
        for (int end = lo + S.loopBound(hi - lo); t < end; t += S.length()) {
            FloatVector y00 = FloatVector.fromArray(S, p, t), y01 = FloatVector.fromArray(S, p, tiles + t);
            FloatVector y10 = FloatVector.fromArray(S, p, 2 * tiles + t), y11 = FloatVector.fromArray(S, p, 3 * tiles + t);
            int at = dOff + t;
            gradRow(d, at, dPoint, y00, y01);
            gradRow(d, at + 4 * dPoint, dPoint, y00.add(y10), y01.add(y11));
            gradRow(d, at + 8 * dPoint, dPoint, y00.sub(y10), y01.sub(y11));
            gradRow(d, at + 12 * dPoint, dPoint, y10.neg(), y11.neg());
        }
        WinogradWeightGrad.grad(p, tiles, d, dOff, dPoint, t, hi);
    }

    /** {@link WinogradWeightGrad#gradChannels}: the same per tile, vectors over channels. */
    static void gradChannels(float[] dyt, int src, int rowStride, int o, float[] d, int dOff, int point, int lo, int hi) {
        int ch = lo;
        for (int end = lo + S.loopBound(hi - lo); ch < end; ch += S.length()) {
            FloatVector y00 = FloatVector.fromArray(S, dyt, src + ch), y01 = FloatVector.fromArray(S, dyt, src + o + ch);
            FloatVector y10 = FloatVector.fromArray(S, dyt, src + rowStride + ch), y11 = FloatVector.fromArray(S, dyt, src + rowStride + o + ch);
            int at = dOff + ch;
            gradRow(d, at, point, y00, y01);
            gradRow(d, at + 4 * point, point, y00.add(y10), y01.add(y11));
            gradRow(d, at + 8 * point, point, y00.sub(y10), y01.sub(y11));
            gradRow(d, at + 12 * point, point, y10.neg(), y11.neg());
        }
        WinogradWeightGrad.gradChannels(dyt, src, rowStride, o, d, dOff, point, ch, hi);
    }

    private static void gradRow(float[] d, int at, int dPoint, FloatVector z0, FloatVector z1) {
        z0.intoArray(d, at);
        z0.add(z1).intoArray(d, at + dPoint);
        z0.sub(z1).intoArray(d, at + 2 * dPoint);
        z1.neg().intoArray(d, at + 3 * dPoint);
    }

    /** {@link WinogradF2x3#interleave}: LANES tiles at a time, zipped into two vectors of the output row. */
    static void interleave(float[] p, int s0, int s1, float bias, float[] y, int dst, int lo, int hi) {
        int k = lo;
        for (; k + LANES <= hi; k += LANES) {
            FloatVector e = FloatVector.fromArray(S, p, s0 + k).add(bias), o = FloatVector.fromArray(S, p, s1 + k).add(bias);
            e.rearrange(ZIP_LO, o).intoArray(y, dst + 2 * k);
            e.rearrange(ZIP_HI, o).intoArray(y, dst + 2 * k + LANES);
        }
        WinogradF2x3.interleave(p, s0, s1, bias, y, dst, k, hi);
    }

    /**
     * Two output rows of {@code LANES} values from two tile rows of {@code LANES / 2} tiles each, stored one after
     * the other in p: the low zip is the first row (at {@code dst0}), the high zip the second (at {@code dst1}).
     */
    static void interleaveTwoRows(float[] p, int s0, int s1, float bias, float[] y, int dst0, int dst1) {
        FloatVector e = FloatVector.fromArray(S, p, s0).add(bias), o = FloatVector.fromArray(S, p, s1).add(bias);
        e.rearrange(ZIP_LO, o).intoArray(y, dst0);
        e.rearrange(ZIP_HI, o).intoArray(y, dst1);
    }

    private static FloatVector sum0(float[] m, int at, int mPoint, int j) {
        return FloatVector.fromArray(S, m, at + j * mPoint).add(FloatVector.fromArray(S, m, at + (4 + j) * mPoint))
            .add(FloatVector.fromArray(S, m, at + (8 + j) * mPoint));
    }

    private static FloatVector sum1(float[] m, int at, int mPoint, int j) {
        return FloatVector.fromArray(S, m, at + (4 + j) * mPoint).sub(FloatVector.fromArray(S, m, at + (8 + j) * mPoint))
            .sub(FloatVector.fromArray(S, m, at + (12 + j) * mPoint));
    }
}
