package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd F(2x2, 3x3)'s input transform as it was before session 8 (not a test): the column transform of every
 * component row into eight work arrays, then the row transform from them, two passes with fix-ups at the rows' ends
 * (session 7, helper wino6). Kept as the reference of {@link WinogradTest#fusedInputTransformGivesTheTwoPassBits} and
 * the old side of {@link ConvBackwardAB}: {@link WinogradF2x3#inputPlane} must give its bits exactly.
 */
final class WinogradInputTwoPass {
    private WinogradInputTwoPass() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Work floats of {@link #inputPlane}: four components with a guard before and after, eight column transforms. */
    static int inputWork(int th, int tw) {
        int len = (th + 1) * tw;
        return 4 * (len + 2) + 8 * len;
    }

    /**
     * {@code V[ξ, (plane's tiles)] = B^T d B} for every tile of one plane x[xOff ..] [H, W], written at
     * {@code v[vOff + ξ*vPoint + tile]}, tile = {@code ty*TW + tx}.
     */
    static void inputPlane(float[] x, int xOff, int h, int w, int th, int tw, float[] v, int vOff, int vPoint, float[] work) {
        int len = (th + 1) * tw;
        split(x, xOff, h, w, th, tw, work);
        // column transform of each component row pair: hj[p][r, s] (rows y = 2r + p - 1), j = 0..3
        for (int p = 0; p < 2; p++) {
            int e = component(2 * p, len), o = component(2 * p + 1, len), hBase = 4 * (len + 2) + p * 4 * len;
            if (Simd.ENABLED) columnsSimd(work, e, o, hBase, len, 0, len);
            else columns(work, e, o, hBase, len, 0, len);
            for (int r = 0; r <= th; r++) {   // the tiles at a row's ends: their outer neighbour is the padding
                int first = r * tw, last = first + tw - 1;
                work[hBase + first] = 0f - work[o + first];
                work[hBase + 3 * len + last] = work[e + last] - 0f;
            }
        }
        // row transform: V[(i, j)] from the column transforms of rows (2ty - 1, 2ty) = (p 0, p 1) at r = ty and ty+1
        for (int j = 0; j < 4; j++) {
            int a0 = 4 * (len + 2) + j * len, a1 = a0 + 4 * len, d = vOff + j * vPoint;
            if (Simd.ENABLED) rowsSimd(work, a0, a1, tw, v, d, 4 * vPoint, 0, th * tw);
            else rows(work, a0, a1, tw, v, d, 4 * vPoint, 0, th * tw);
        }
    }

    /** Offset of component {@code q} (0: even rows' even columns, 1: even rows' odd columns, 2, 3: odd rows). */
    private static int component(int q, int len) {
        return 1 + q * (len + 2);
    }

    /**
     * The four components of a plane: {@code E_p[r, s] = x[2r + p - 1, 2s]}, {@code O_p[r, s] = x[2r + p - 1, 2s + 1]}
     * for {@code r <= TH}, {@code s < TW}, zero outside x, each with a zero guard element before and after.
     */
    static void split(float[] x, int xOff, int h, int w, int th, int tw, float[] work) {
        int len = (th + 1) * tw;
        for (int p = 0; p < 2; p++) {
            int e = component(2 * p, len), o = component(2 * p + 1, len);
            work[e - 1] = work[e + len] = work[o - 1] = work[o + len] = 0f;
            for (int r = 0; r <= th; r++) {
                int y = 2 * r + p - 1, de = e + r * tw, dO = o + r * tw;
                if (y < 0 || y >= h) {
                    java.util.Arrays.fill(work, de, de + tw, 0f);
                    java.util.Arrays.fill(work, dO, dO + tw, 0f);
                    continue;
                }
                int row = xOff + y * w, pairs = w / 2;
                // a scalar loop: the Vector API's two-vector shuffles (even and odd lanes) measured 2x slower here
                WinogradF2x3.deinterleave(x, row, work, de, dO, 0, pairs);
                if (pairs < tw) {   // odd width: the last tile's second column is padding
                    work[de + pairs] = x[row + 2 * pairs];
                    work[dO + pairs] = 0f;
                }
            }
        }
    }

    /**
     * The column transform {@code d B} of component rows E, O for tiles {@code [lo, hi)} (columns 2s-1, 2s, 2s+1,
     * 2s+2 are {@code O[s-1], E[s], O[s], E[s+1]}): {@code h0 = O[s-1] - O[s], h1 = E[s] + O[s],
     * h2 = O[s] - E[s], h3 = E[s] - E[s+1]}, written at {@code work[hBase + j*len + s]}.
     */
    static void columns(float[] wk, int e, int o, int hBase, int len, int lo, int hi) {
        for (int s = lo; s < hi; s++) {
            float ev = wk[e + s], ov = wk[o + s];
            wk[hBase + s] = wk[o + s - 1] - ov;
            wk[hBase + len + s] = ev + ov;
            wk[hBase + 2 * len + s] = ov - ev;
            wk[hBase + 3 * len + s] = ev - wk[e + s + 1];
        }
    }

    /**
     * The row transform {@code B^T (d B)} for column j, tiles {@code [lo, hi)}: rows 0..3 of a tile are
     * {@code a0[t], a1[t], a0[t + TW], a1[t + TW]}; {@code v[d + i*step + t] = (v0, v1, v2, v3)[i]} with
     * {@code v0 = r0 - r2, v1 = r1 + r2, v2 = r2 - r1, v3 = r1 - r3}.
     */
    static void rows(float[] wk, int a0, int a1, int tw, float[] v, int d, int step, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
            float r0 = wk[a0 + t], r1 = wk[a1 + t], r2 = wk[a0 + t + tw], r3 = wk[a1 + t + tw];
            v[d + t] = r0 - r2;
            v[d + step + t] = r1 + r2;
            v[d + 2 * step + t] = r2 - r1;
            v[d + 3 * step + t] = r1 - r3;
        }
    }

    /** {@link WinogradF2x3#columns}: h0 = O[s-1] - O[s], h1 = E[s] + O[s], h2 = O[s] - E[s], h3 = E[s] - E[s+1]. */
    static void columnsSimd(float[] wk, int e, int o, int hBase, int len, int lo, int hi) {
        int s = lo;
        for (int end = lo + S.loopBound(hi - lo); s < end; s += S.length()) {
            FloatVector ev = FloatVector.fromArray(S, wk, e + s), ov = FloatVector.fromArray(S, wk, o + s);
            FloatVector.fromArray(S, wk, o + s - 1).sub(ov).intoArray(wk, hBase + s);
            ev.add(ov).intoArray(wk, hBase + len + s);
            ov.sub(ev).intoArray(wk, hBase + 2 * len + s);
            ev.sub(FloatVector.fromArray(S, wk, e + s + 1)).intoArray(wk, hBase + 3 * len + s);
        }
        columns(wk, e, o, hBase, len, s, hi);
    }

    /** {@link WinogradF2x3#rows}: v0 = r0 - r2, v1 = r1 + r2, v2 = r2 - r1, v3 = r1 - r3. */
    static void rowsSimd(float[] wk, int a0, int a1, int tw, float[] v, int d, int step, int lo, int hi) {
        int t = lo;
        for (int end = lo + S.loopBound(hi - lo); t < end; t += S.length()) {
            FloatVector r0 = FloatVector.fromArray(S, wk, a0 + t), r1 = FloatVector.fromArray(S, wk, a1 + t);
            FloatVector r2 = FloatVector.fromArray(S, wk, a0 + t + tw), r3 = FloatVector.fromArray(S, wk, a1 + t + tw);
            r0.sub(r2).intoArray(v, d + t);
            r1.add(r2).intoArray(v, d + step + t);
            r2.sub(r1).intoArray(v, d + 2 * step + t);
            r1.sub(r3).intoArray(v, d + 3 * step + t);
        }
        rows(wk, a0, a1, tw, v, d, step, t, hi);
    }

}
