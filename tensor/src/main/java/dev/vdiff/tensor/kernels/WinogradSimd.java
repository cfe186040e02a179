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

    /**
     * Vectors of the fused input transform ({@link #tiles}): 8 lanes where the machine has them (a tile row is 8 tiles
     * at 16 x 16, 16 at 32 x 32; AVX-512 runs as two 256-bit halves on the Zen 4 machine anyway).
     */
    private static final VectorSpecies<Float> S8 = S.length() >= 8 ? FloatVector.SPECIES_256 : S;

    /** {@link WinogradF2x3#tiles}: the column transform of the four input rows, then the row transform, per column j. */
    static void tiles(float[] wk, int e0, int o0, int e1, int o1, int rs, float[] v, int d, int vPoint, int lo, int hi) {
        int s = lo, p4 = 4 * vPoint, p8 = 8 * vPoint, p12 = 12 * vPoint;
        for (int end = lo + S8.loopBound(hi - lo); s < end; s += S8.length()) {
            // E and O at s of the four input rows a, b, c, d
            FloatVector ea = FloatVector.fromArray(S8, wk, e0 + s), oa = FloatVector.fromArray(S8, wk, o0 + s);
            FloatVector eb = FloatVector.fromArray(S8, wk, e1 + s), ob = FloatVector.fromArray(S8, wk, o1 + s);
            FloatVector ec = FloatVector.fromArray(S8, wk, e0 + rs + s), oc = FloatVector.fromArray(S8, wk, o0 + rs + s);
            FloatVector ed = FloatVector.fromArray(S8, wk, e1 + rs + s), od = FloatVector.fromArray(S8, wk, o1 + rs + s);
            // j = 0: h0 = O[s-1] - O[s]
            int at = d + s;
            FloatVector r0 = FloatVector.fromArray(S8, wk, o0 + s - 1).sub(oa), r1 = FloatVector.fromArray(S8, wk, o1 + s - 1).sub(ob);
            FloatVector r2 = FloatVector.fromArray(S8, wk, o0 + rs + s - 1).sub(oc), r3 = FloatVector.fromArray(S8, wk, o1 + rs + s - 1).sub(od);
            r0.sub(r2).intoArray(v, at);
            r1.add(r2).intoArray(v, at + p4);
            r2.sub(r1).intoArray(v, at + p8);
            r1.sub(r3).intoArray(v, at + p12);
            // j = 1: h1 = E[s] + O[s]
            at += vPoint;
            r0 = ea.add(oa);
            r1 = eb.add(ob);
            r2 = ec.add(oc);
            r3 = ed.add(od);
            r0.sub(r2).intoArray(v, at);
            r1.add(r2).intoArray(v, at + p4);
            r2.sub(r1).intoArray(v, at + p8);
            r1.sub(r3).intoArray(v, at + p12);
            // j = 2: h2 = O[s] - E[s]
            at += vPoint;
            r0 = oa.sub(ea);
            r1 = ob.sub(eb);
            r2 = oc.sub(ec);
            r3 = od.sub(ed);
            r0.sub(r2).intoArray(v, at);
            r1.add(r2).intoArray(v, at + p4);
            r2.sub(r1).intoArray(v, at + p8);
            r1.sub(r3).intoArray(v, at + p12);
            // j = 3: h3 = E[s] - E[s+1]
            at += vPoint;
            r0 = ea.sub(FloatVector.fromArray(S8, wk, e0 + s + 1));
            r1 = eb.sub(FloatVector.fromArray(S8, wk, e1 + s + 1));
            r2 = ec.sub(FloatVector.fromArray(S8, wk, e0 + rs + s + 1));
            r3 = ed.sub(FloatVector.fromArray(S8, wk, e1 + rs + s + 1));
            r0.sub(r2).intoArray(v, at);
            r1.add(r2).intoArray(v, at + p4);
            r2.sub(r1).intoArray(v, at + p8);
            r1.sub(r3).intoArray(v, at + p12);
        }
        WinogradF2x3.tiles(wk, e0, o0, e1, o1, rs, v, d, vPoint, s, hi);
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
