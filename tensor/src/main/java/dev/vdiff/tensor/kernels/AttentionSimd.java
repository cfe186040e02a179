package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.kernels.AttentionKernels.Geometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Vector API attention for float32 (formulas in {@link AttentionKernels}); loaded only when
 * {@link Simd#ENABLED}.
 *
 * <p>Per (batch, head) pair and block of query rows, every product is done by one small matrix kernel,
 * {@link #gemm}: {@code C[m, n] (+)= sum_k A(m, k) B[k, n]} with B's and C's rows contiguous and vectorised
 * over n, and A read through two strides, so that a transposed A (P^T, dS^T) costs nothing. Products with
 * a transposed B (Q K^T, dO V^T) first transpose the small K or V of the pair ({@code [Sk, D]}) into
 * {@code [D, Sk]}; with fewer keys than a vector holds (temporal attention over 8 frames) they are dot
 * products of rows instead ({@link #rowDots}). Softmax runs over the rows of the score tile in place with
 * {@link #exp}.
 *
 * <p>Sums are deterministic: each output of {@link #gemm} accumulates over k in ascending order, and row
 * sums add the vector lanes in lane order (never {@code reduceLanes(ADD)}, whose order differs between the
 * JIT-compiled and the interpreted code).
 */
final class AttentionSimd {
    private AttentionSimd() {}

    /**
     * The one float species: the preferred one, and never a second. On JDK 17, code that uses two float
     * shapes (say 256 and 512 bits) lets the JIT's shared profiles of the Vector API go polymorphic, after
     * which kernels can fall back to boxed vectors and run 30 times slower (measured here: spatial attention
     * went from 30 ms to 1 s once an 8-lane tail path had run).
     */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();

    /**
     * Per-thread scratch arrays (score tiles, transposed K and V), grown on demand and reused, so that a
     * call allocates no tiles (a fresh 256 KiB tile costs more to zero than to fill). Every slot is fully
     * written before it is read. Slots: 0 scores/P, 1 dP/dS, 2 K^T, 3 V^T, 4 lane sums.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][0]);

    private static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) s[slot] = new float[n];
        return s[slot];
    }

    static void forward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, Geometry g, int lo, int hi) {
        int sq = g.sq(), sk = g.sk(), dk = g.dk(), dv = g.dv(), block = g.queryBlock();
        int qr = g.q().row(), kr = g.k().row(), vr = g.v().row(), or = g.o().row();
        float scale = (float) (1 / Math.sqrt(dk));
        float[] s = scratch(0, block * sk), kt = scratch(2, dk * sk), lanes = scratch(4, VL);
        for (int pair = lo; pair < hi; pair++) {
            int b = pair / g.heads(), h = pair % g.heads();
            int qb = g.q().base(b, h), kb = g.k().base(b, h), vb = g.v().base(b, h), ob = g.o().base(b, h);
            boolean shortKeys = sk < VL;   // too few keys for a vector: dot products of rows, no transpose
            if (!shortKeys) transpose(k, kb, kr, sk, dk, kt);
            for (int i0 = 0; i0 < sq; i0 += block) {
                int rows = Math.min(block, sq - i0);
                if (shortKeys) rowDots(rows, sk, dk, q, qb + i0 * qr, qr, k, kb, kr, s, sk);      // S = Q K^T
                else gemm(rows, sk, dk, q, qb + i0 * qr, qr, 1, kt, 0, sk, s, 0, sk, false);
                for (int r = 0; r < rows; r++) {
                    if (g.mask() != null) g.mask().apply(s, r * sk, b, h, i0 + r, sk);
                    lse[pair * sq + i0 + r] = softmax(s, r * sk, sk, scale, lanes);
                }
                if (probs != null) System.arraycopy(s, 0, probs, (pair * sq + i0) * sk, rows * sk);
                gemm(rows, dv, sk, s, 0, sk, 1, v, vb, vr, out, ob + i0 * or, or, false);        // O = P V
            }
        }
    }

    static void backward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                         float[] dq, float[] dk, float[] dv, Geometry g, int lo, int hi) {
        int sq = g.sq(), sk = g.sk(), dkk = g.dk(), dvv = g.dv(), block = g.queryBlock();
        int qr = g.q().row(), kr = g.k().row(), vr = g.v().row(), or = g.o().row();
        float scale = (float) (1 / Math.sqrt(dkk));
        float[] p = scratch(0, block * sk), ds = scratch(1, block * sk), kt = scratch(2, dkk * sk), vt = scratch(3, dvv * sk);
        for (int pair = lo; pair < hi; pair++) {
            int b = pair / g.heads(), h = pair % g.heads();
            int qb = g.q().base(b, h), kb = g.k().base(b, h), vb = g.v().base(b, h), ob = g.o().base(b, h);
            boolean shortKeys = sk < VL;
            if (!shortKeys) {
                transpose(k, kb, kr, sk, dkk, kt);
                transpose(v, vb, vr, sk, dvv, vt);
            }
            for (int i0 = 0; i0 < sq; i0 += block) {
                int rows = Math.min(block, sq - i0);
                int qi0 = qb + i0 * qr, oi0 = ob + i0 * or;
                if (shortKeys) rowDots(rows, sk, dkk, q, qi0, qr, k, kb, kr, p, sk);             // S = Q K^T
                else gemm(rows, sk, dkk, q, qi0, qr, 1, kt, 0, sk, p, 0, sk, false);
                for (int r = 0; r < rows; r++) {
                    if (g.mask() != null) g.mask().apply(p, r * sk, b, h, i0 + r, sk);
                    probabilities(p, r * sk, sk, scale, lse[pair * sq + i0 + r]);             // P = exp(S - lse)
                }
                gemm(sk, dvv, rows, p, 0, 1, sk, dout, oi0, or, dv, vb, vr, true);             // dV += P^T dO
                if (shortKeys) rowDots(rows, sk, dvv, dout, oi0, or, v, vb, vr, ds, sk);         // dP = dO V^T
                else gemm(rows, sk, dvv, dout, oi0, or, 1, vt, 0, sk, ds, 0, sk, false);
                for (int r = 0; r < rows; r++) {
                    int oi = oi0 + r * or;
                    float d = 0;   // D_i = dO_i . O_i
                    for (int e = 0; e < dvv; e++) d = Math.fma(dout[oi + e], out[oi + e], d);
                    scoreGradient(p, ds, r * sk, sk, d, scale);                                 // dS = P (dP - D) / sqrt(Dk)
                }
                gemm(rows, dkk, sk, ds, 0, sk, 1, k, kb, kr, dq, qi0, qr, false);              // dQ = dS K
                gemm(sk, dkk, rows, ds, 0, 1, sk, q, qi0, qr, dk, kb, kr, true);               // dK += dS^T Q
            }
        }
    }

    /**
     * {@code c[m*n + j] = sum_k a[aOff + m*aRow + k] * b[bOff + j*bRow + k]} for m < M, j < n (fewer than a
     * vector): dot products of rows, k ascending, eight columns at a time with independent accumulators.
     * The same sums in the same order as {@link #gemm} on the transposed B, without the transpose.
     */
    private static void rowDots(int M, int n, int K, float[] a, int aOff, int aRow, float[] b, int bOff, int bRow, float[] c, int cRow) {
        for (int m = 0; m < M; m++) {
            int am = aOff + m * aRow, cm = m * cRow, j = 0;
            for (; j + 8 <= n; j += 8) {
                int b0 = bOff + j * bRow, b1 = b0 + bRow, b2 = b1 + bRow, b3 = b2 + bRow, b4 = b3 + bRow, b5 = b4 + bRow, b6 = b5 + bRow, b7 = b6 + bRow;
                float x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0, x6 = 0, x7 = 0;
                for (int kk = 0; kk < K; kk++) {
                    float w = a[am + kk];
                    x0 = Math.fma(w, b[b0 + kk], x0); x1 = Math.fma(w, b[b1 + kk], x1);
                    x2 = Math.fma(w, b[b2 + kk], x2); x3 = Math.fma(w, b[b3 + kk], x3);
                    x4 = Math.fma(w, b[b4 + kk], x4); x5 = Math.fma(w, b[b5 + kk], x5);
                    x6 = Math.fma(w, b[b6 + kk], x6); x7 = Math.fma(w, b[b7 + kk], x7);
                }
                c[cm + j] = x0; c[cm + j + 1] = x1; c[cm + j + 2] = x2; c[cm + j + 3] = x3;
                c[cm + j + 4] = x4; c[cm + j + 5] = x5; c[cm + j + 6] = x6; c[cm + j + 7] = x7;
            }
            for (; j < n; j++) {
                int bj = bOff + j * bRow;
                float x = 0;
                for (int kk = 0; kk < K; kk++) x = Math.fma(a[am + kk], b[bj + kk], x);
                c[cm + j] = x;
            }
        }
    }

    /** t[c*n + j] = x[base + j*row + c]: the [n, d] rows of a pair as a dense [d, n] matrix. */
    private static void transpose(float[] x, int base, int row, int n, int d, float[] t) {
        for (int j = 0; j < n; j++) {
            int xj = base + j * row;
            for (int c = 0; c < d; c++) t[c * n + j] = x[xj + c];
        }
    }

    /** Softmax of the scaled row s[off .. off+n) in place; returns its log-sum-exp (+inf when all blocked). */
    private static float softmax(float[] s, int off, int n, float scale, float[] lanes) {
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + VL <= n; j += VL) {
            FloatVector x = FloatVector.fromArray(F, s, off + j).mul(scale);
            x.intoArray(s, off + j);
            mv = mv.max(x);
        }
        float m = mv.reduceLanes(VectorOperators.MAX);   // max is exact in any order
        for (; j < n; j++) {
            s[off + j] *= scale;
            m = Math.max(m, s[off + j]);
        }
        if (m == Float.NEGATIVE_INFINITY) {
            Arrays.fill(s, off, off + n, 0f);
            return Float.POSITIVE_INFINITY;
        }
        FloatVector sv = FloatVector.zero(F);
        for (j = 0; j + VL <= n; j += VL) {
            FloatVector e = exp(FloatVector.fromArray(F, s, off + j).sub(m));
            e.intoArray(s, off + j);
            sv = sv.add(e);
        }
        sv.intoArray(lanes, 0);
        float l = 0;
        for (int t = 0; t < VL; t++) l += lanes[t];
        for (; j < n; j++) {
            s[off + j] = ExpF.exp(s[off + j] - m);
            l += s[off + j];
        }
        float inv = 1 / l;
        for (j = 0; j + VL <= n; j += VL) FloatVector.fromArray(F, s, off + j).mul(inv).intoArray(s, off + j);
        for (; j < n; j++) s[off + j] *= inv;
        return m + (float) StrictMath.log(l);
    }

    /** p[off + j] = exp(p[off + j] * scale - lse): the forward's probabilities from the unscaled scores. */
    private static void probabilities(float[] p, int off, int n, float scale, float lse) {
        int j = 0;
        for (; j + VL <= n; j += VL) exp(FloatVector.fromArray(F, p, off + j).mul(scale).sub(lse)).intoArray(p, off + j);
        for (; j < n; j++) p[off + j] = ExpF.exp(p[off + j] * scale - lse);
    }

    /** ds = p * (ds - d) * scale over [off, off+n), where ds holds dP on entry. */
    private static void scoreGradient(float[] p, float[] ds, int off, int n, float d, float scale) {
        int j = 0;
        for (; j + VL <= n; j += VL) {
            FloatVector dp = FloatVector.fromArray(F, ds, off + j);
            FloatVector.fromArray(F, p, off + j).mul(dp.sub(d)).mul(scale).intoArray(ds, off + j);
        }
        for (; j < n; j++) ds[off + j] = p[off + j] * (ds[off + j] - d) * scale;
    }

    /** {@link ExpF#exp} lane by lane, with the same operations in the same order. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(ExpF.UNDERFLOW).min(ExpF.OVERFLOW);
        FloatVector t = xc.mul(ExpF.LOG2E).add(ExpF.ROUND);
        FloatVector nf = t.sub(ExpF.ROUND);
        FloatVector r = nf.fma(FloatVector.broadcast(F, -ExpF.LN2_HI), xc);
        r = nf.fma(FloatVector.broadcast(F, -ExpF.LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, ExpF.C7).fma(r, FloatVector.broadcast(F, ExpF.C6));
        p = p.fma(r, FloatVector.broadcast(F, ExpF.C5));
        p = p.fma(r, FloatVector.broadcast(F, ExpF.C4));
        p = p.fma(r, FloatVector.broadcast(F, ExpF.C3));
        p = p.fma(r, FloatVector.broadcast(F, ExpF.C2));
        FloatVector one = FloatVector.broadcast(F, 1f);
        p = p.fma(r, one);
        p = p.fma(r, one);
        IntVector bits = ((IntVector) t.reinterpretAsInts()).add(127 - ExpF.ROUND_BITS).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats()).blend(0f, x.lt(ExpF.UNDERFLOW));
    }

    /**
     * {@code C[m, n] = sum_k A(m, k) B[k, n]} (or {@code +=} when {@code accumulate}), for m < M, n < N, k
     * ascending, with {@code A(m, k) = a[aOff + m*aRow + k*aCol]}, {@code B[k, n] = b[bOff + k*bRow + n]},
     * {@code C[m, n] = c[cOff + m*cRow + n]}. Tiles of 8 rows by 2 vectors keep 16 accumulators in
     * registers; each step of k loads two vectors of B and broadcasts eight numbers of A. Leftover columns
     * take one vector, then scalars; leftover rows go one at a time.
     */
    static void gemm(int M, int N, int K, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow,
                     float[] c, int cOff, int cRow, boolean accumulate) {
        int m = 0;
        for (; m + 8 <= M; m += 8) {
            int a0 = aOff + m * aRow, c0 = cOff + m * cRow, n = 0;
            for (; n + 2 * VL <= N; n += 2 * VL) tile8x2(K, a, a0, aRow, aCol, b, bOff + n, bRow, c, c0 + n, cRow, accumulate);
            for (; n + VL <= N; n += VL) tile8x1(K, a, a0, aRow, aCol, b, bOff + n, bRow, c, c0 + n, cRow, accumulate);
            for (int r = 0; r < 8; r++) scalar(n, N, K, a, a0 + r * aRow, aCol, b, bOff, bRow, c, c0 + r * cRow, accumulate);
        }
        for (; m < M; m++) {
            int a0 = aOff + m * aRow, c0 = cOff + m * cRow, n = 0;
            for (; n + VL <= N; n += VL) tile1x1(K, a, a0, aCol, b, bOff + n, bRow, c, c0 + n, accumulate);
            scalar(n, N, K, a, a0, aCol, b, bOff, bRow, c, c0, accumulate);
        }
    }

    private static void tile8x2(int K, float[] a, int a0, int aRow, int aCol, float[] b, int b0, int bRow,
                                float[] c, int c0, int cRow, boolean accumulate) {
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31, x40, x41, x50, x51, x60, x61, x70, x71;
        if (accumulate) {
            int cr = c0;
            x00 = FloatVector.fromArray(F, c, cr); x01 = FloatVector.fromArray(F, c, cr + VL); cr += cRow;
            x10 = FloatVector.fromArray(F, c, cr); x11 = FloatVector.fromArray(F, c, cr + VL); cr += cRow;
            x20 = FloatVector.fromArray(F, c, cr); x21 = FloatVector.fromArray(F, c, cr + VL); cr += cRow;
            x30 = FloatVector.fromArray(F, c, cr); x31 = FloatVector.fromArray(F, c, cr + VL); cr += cRow;
            x40 = FloatVector.fromArray(F, c, cr); x41 = FloatVector.fromArray(F, c, cr + VL); cr += cRow;
            x50 = FloatVector.fromArray(F, c, cr); x51 = FloatVector.fromArray(F, c, cr + VL); cr += cRow;
            x60 = FloatVector.fromArray(F, c, cr); x61 = FloatVector.fromArray(F, c, cr + VL); cr += cRow;
            x70 = FloatVector.fromArray(F, c, cr); x71 = FloatVector.fromArray(F, c, cr + VL);
        } else {
            x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = x40 = x41 = x50 = x51 = x60 = x61 = x70 = x71 = FloatVector.zero(F);
        }
        for (int kk = 0, ak = a0, bk = b0; kk < K; kk++, ak += aCol, bk += bRow) {
            FloatVector y0 = FloatVector.fromArray(F, b, bk), y1 = FloatVector.fromArray(F, b, bk + VL);
            FloatVector w = FloatVector.broadcast(F, a[ak]);
            x00 = w.fma(y0, x00); x01 = w.fma(y1, x01);
            w = FloatVector.broadcast(F, a[ak + aRow]);
            x10 = w.fma(y0, x10); x11 = w.fma(y1, x11);
            w = FloatVector.broadcast(F, a[ak + 2 * aRow]);
            x20 = w.fma(y0, x20); x21 = w.fma(y1, x21);
            w = FloatVector.broadcast(F, a[ak + 3 * aRow]);
            x30 = w.fma(y0, x30); x31 = w.fma(y1, x31);
            w = FloatVector.broadcast(F, a[ak + 4 * aRow]);
            x40 = w.fma(y0, x40); x41 = w.fma(y1, x41);
            w = FloatVector.broadcast(F, a[ak + 5 * aRow]);
            x50 = w.fma(y0, x50); x51 = w.fma(y1, x51);
            w = FloatVector.broadcast(F, a[ak + 6 * aRow]);
            x60 = w.fma(y0, x60); x61 = w.fma(y1, x61);
            w = FloatVector.broadcast(F, a[ak + 7 * aRow]);
            x70 = w.fma(y0, x70); x71 = w.fma(y1, x71);
        }
        int cr = c0;
        x00.intoArray(c, cr); x01.intoArray(c, cr + VL); cr += cRow;
        x10.intoArray(c, cr); x11.intoArray(c, cr + VL); cr += cRow;
        x20.intoArray(c, cr); x21.intoArray(c, cr + VL); cr += cRow;
        x30.intoArray(c, cr); x31.intoArray(c, cr + VL); cr += cRow;
        x40.intoArray(c, cr); x41.intoArray(c, cr + VL); cr += cRow;
        x50.intoArray(c, cr); x51.intoArray(c, cr + VL); cr += cRow;
        x60.intoArray(c, cr); x61.intoArray(c, cr + VL); cr += cRow;
        x70.intoArray(c, cr); x71.intoArray(c, cr + VL);
    }

    /** 8 rows by one vector. */
    private static void tile8x1(int K, float[] a, int a0, int aRow, int aCol, float[] b, int b0, int bRow,
                                float[] c, int c0, int cRow, boolean accumulate) {
        FloatVector x0, x1, x2, x3, x4, x5, x6, x7;
        if (accumulate) {
            x0 = FloatVector.fromArray(F, c, c0); x1 = FloatVector.fromArray(F, c, c0 + cRow);
            x2 = FloatVector.fromArray(F, c, c0 + 2 * cRow); x3 = FloatVector.fromArray(F, c, c0 + 3 * cRow);
            x4 = FloatVector.fromArray(F, c, c0 + 4 * cRow); x5 = FloatVector.fromArray(F, c, c0 + 5 * cRow);
            x6 = FloatVector.fromArray(F, c, c0 + 6 * cRow); x7 = FloatVector.fromArray(F, c, c0 + 7 * cRow);
        } else {
            x0 = x1 = x2 = x3 = x4 = x5 = x6 = x7 = FloatVector.zero(F);
        }
        for (int kk = 0, ak = a0, bk = b0; kk < K; kk++, ak += aCol, bk += bRow) {
            FloatVector y = FloatVector.fromArray(F, b, bk);
            x0 = FloatVector.broadcast(F, a[ak]).fma(y, x0);
            x1 = FloatVector.broadcast(F, a[ak + aRow]).fma(y, x1);
            x2 = FloatVector.broadcast(F, a[ak + 2 * aRow]).fma(y, x2);
            x3 = FloatVector.broadcast(F, a[ak + 3 * aRow]).fma(y, x3);
            x4 = FloatVector.broadcast(F, a[ak + 4 * aRow]).fma(y, x4);
            x5 = FloatVector.broadcast(F, a[ak + 5 * aRow]).fma(y, x5);
            x6 = FloatVector.broadcast(F, a[ak + 6 * aRow]).fma(y, x6);
            x7 = FloatVector.broadcast(F, a[ak + 7 * aRow]).fma(y, x7);
        }
        x0.intoArray(c, c0); x1.intoArray(c, c0 + cRow); x2.intoArray(c, c0 + 2 * cRow); x3.intoArray(c, c0 + 3 * cRow);
        x4.intoArray(c, c0 + 4 * cRow); x5.intoArray(c, c0 + 5 * cRow); x6.intoArray(c, c0 + 6 * cRow); x7.intoArray(c, c0 + 7 * cRow);
    }

    private static void tile1x1(int K, float[] a, int a0, int aCol, float[] b, int b0, int bRow,
                                float[] c, int c0, boolean accumulate) {
        FloatVector x = accumulate ? FloatVector.fromArray(F, c, c0) : FloatVector.zero(F);
        for (int kk = 0, ak = a0, bk = b0; kk < K; kk++, ak += aCol, bk += bRow) {
            x = FloatVector.broadcast(F, a[ak]).fma(FloatVector.fromArray(F, b, bk), x);
        }
        x.intoArray(c, c0);
    }

    /**
     * Columns [n0, N) of one row of C without vectors (N - n0 is less than a vector): eight columns at a time
     * with eight independent scalar accumulators (the short-sequence case, e.g. 8 keys), then one at a time.
     */
    private static void scalar(int n0, int N, int K, float[] a, int a0, int aCol, float[] b, int bOff, int bRow,
                               float[] c, int c0, boolean accumulate) {
        int n = n0;
        for (; n + 8 <= N; n += 8) {
            int cn = c0 + n;
            float x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0, x6 = 0, x7 = 0;
            if (accumulate) {
                x0 = c[cn]; x1 = c[cn + 1]; x2 = c[cn + 2]; x3 = c[cn + 3];
                x4 = c[cn + 4]; x5 = c[cn + 5]; x6 = c[cn + 6]; x7 = c[cn + 7];
            }
            for (int kk = 0, ak = a0, bk = bOff + n; kk < K; kk++, ak += aCol, bk += bRow) {
                float w = a[ak];
                x0 = Math.fma(w, b[bk], x0); x1 = Math.fma(w, b[bk + 1], x1);
                x2 = Math.fma(w, b[bk + 2], x2); x3 = Math.fma(w, b[bk + 3], x3);
                x4 = Math.fma(w, b[bk + 4], x4); x5 = Math.fma(w, b[bk + 5], x5);
                x6 = Math.fma(w, b[bk + 6], x6); x7 = Math.fma(w, b[bk + 7], x7);
            }
            c[cn] = x0; c[cn + 1] = x1; c[cn + 2] = x2; c[cn + 3] = x3;
            c[cn + 4] = x4; c[cn + 5] = x5; c[cn + 6] = x6; c[cn + 7] = x7;
        }
        for (; n < N; n++) {
            float x = accumulate ? c[c0 + n] : 0f;
            for (int kk = 0, ak = a0, bk = bOff + n; kk < K; kk++, ak += aCol, bk += bRow) x = Math.fma(a[ak], b[bk], x);
            c[c0 + n] = x;
        }
    }
}
