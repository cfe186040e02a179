package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.kernels.AttentionKernels.Geometry;
import dev.vdiff.tensor.kernels.AttentionKernels.Mask;

/**
 * Scalar attention loops, one query row at a time (the readable reference for {@link AttentionSimd}, and
 * the float64 path). Formulas and shapes: {@link AttentionKernels}. Every dot product accumulates with
 * fused multiply-adds in ascending index order; dK and dV accumulate over query rows in ascending order.
 * Each call handles the pairs {@code [lo, hi)}.
 */
final class AttentionScalar {
    private AttentionScalar() {}

    // ------------------------------------------------------------------------------------------ float32

    static void forward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, Geometry g, int lo, int hi) {
        int sq = g.sq(), sk = g.sk(), dk = g.dk(), dv = g.dv();
        int qr = g.q().row(), kr = g.k().row(), vr = g.v().row(), or = g.o().row();
        float scale = (float) (1 / Math.sqrt(dk));
        float[] p = new float[sk], o = new float[dv];
        for (int pair = lo; pair < hi; pair++) {
            int b = pair / g.heads(), h = pair % g.heads();
            int qb = g.q().base(b, h), kb = g.k().base(b, h), vb = g.v().base(b, h), ob = g.o().base(b, h);
            for (int i = 0; i < sq; i++) {
                scores(q, qb + i * qr, k, kb, kr, p, sk, dk, scale);
                if (g.mask() != null) g.mask().apply(p, 0, b, h, i, sk);
                lse[pair * sq + i] = softmax(p, sk);
                if (probs != null) System.arraycopy(p, 0, probs, (pair * sq + i) * sk, sk);
                java.util.Arrays.fill(o, 0f);
                for (int j = 0; j < sk; j++) {
                    float pj = p[j];
                    int vj = vb + j * vr;
                    for (int e = 0; e < dv; e++) o[e] = Math.fma(pj, v[vj + e], o[e]);
                }
                System.arraycopy(o, 0, out, ob + i * or, dv);
            }
        }
    }

    static void backward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                         float[] dq, float[] dk, float[] dv, Geometry g, int lo, int hi) {
        int sq = g.sq(), sk = g.sk(), dkk = g.dk(), dvv = g.dv();
        int qr = g.q().row(), kr = g.k().row(), vr = g.v().row(), or = g.o().row();
        float scale = (float) (1 / Math.sqrt(dkk));
        float[] p = new float[sk];
        for (int pair = lo; pair < hi; pair++) {
            int b = pair / g.heads(), h = pair % g.heads();
            int qb = g.q().base(b, h), kb = g.k().base(b, h), vb = g.v().base(b, h), ob = g.o().base(b, h);
            for (int i = 0; i < sq; i++) {
                int qi = qb + i * qr, oi = ob + i * or;
                scores(q, qi, k, kb, kr, p, sk, dkk, scale);
                if (g.mask() != null) g.mask().apply(p, 0, b, h, i, sk);
                float l = lse[pair * sq + i];
                for (int j = 0; j < sk; j++) p[j] = ExpF.exp(p[j] - l);
                float d = 0;   // D_i = dO_i . O_i = sum_j P_ij dP_ij
                for (int e = 0; e < dvv; e++) d = Math.fma(dout[oi + e], out[oi + e], d);
                for (int j = 0; j < sk; j++) {
                    int vj = vb + j * vr, kj = kb + j * kr;
                    float dp = 0;
                    for (int e = 0; e < dvv; e++) {
                        dv[vj + e] = Math.fma(p[j], dout[oi + e], dv[vj + e]);   // dV += P^T dO
                        dp = Math.fma(dout[oi + e], v[vj + e], dp);               // dP = dO V^T
                    }
                    float ds = p[j] * (dp - d) * scale;
                    for (int c = 0; c < dkk; c++) {
                        dq[qi + c] = Math.fma(ds, k[kj + c], dq[qi + c]);       // dQ = dS K
                        dk[kj + c] = Math.fma(ds, q[qi + c], dk[kj + c]);       // dK += dS^T Q
                    }
                }
            }
        }
    }

    /** s[j] = (q_i . k_j) * scale for the query row starting at qi. */
    private static void scores(float[] q, int qi, float[] k, int kb, int kr, float[] s, int sk, int dk, float scale) {
        for (int j = 0; j < sk; j++) {
            int kj = kb + j * kr;
            float acc = 0;
            for (int c = 0; c < dk; c++) acc = Math.fma(q[qi + c], k[kj + c], acc);
            s[j] = acc * scale;
        }
    }

    /** In-place softmax of s[0..n) (max subtracted); returns the row's log-sum-exp (+inf when all blocked). */
    private static float softmax(float[] s, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, s[j]);
        if (m == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(s, 0, n, 0f);
            return Float.POSITIVE_INFINITY;
        }
        float l = 0;
        for (int j = 0; j < n; j++) {
            s[j] = ExpF.exp(s[j] - m);
            l += s[j];
        }
        float inv = 1 / l;
        for (int j = 0; j < n; j++) s[j] *= inv;
        return m + (float) StrictMath.log(l);
    }

    // ------------------------------------------------------------------------------------------ float64

    static void forward(double[] q, double[] k, double[] v, double[] out, double[] lse, double[] probs, Geometry g, int lo, int hi) {
        int sq = g.sq(), sk = g.sk(), dk = g.dk(), dv = g.dv();
        int qr = g.q().row(), kr = g.k().row(), vr = g.v().row(), or = g.o().row();
        double scale = 1 / Math.sqrt(dk);
        double[] p = new double[sk], o = new double[dv];
        for (int pair = lo; pair < hi; pair++) {
            int b = pair / g.heads(), h = pair % g.heads();
            int qb = g.q().base(b, h), kb = g.k().base(b, h), vb = g.v().base(b, h), ob = g.o().base(b, h);
            for (int i = 0; i < sq; i++) {
                scores(q, qb + i * qr, k, kb, kr, p, sk, dk, scale);
                if (g.mask() != null) g.mask().apply(p, 0, b, h, i, sk);
                lse[pair * sq + i] = softmax(p, sk);
                if (probs != null) System.arraycopy(p, 0, probs, (pair * sq + i) * sk, sk);
                java.util.Arrays.fill(o, 0);
                for (int j = 0; j < sk; j++) {
                    double pj = p[j];
                    int vj = vb + j * vr;
                    for (int e = 0; e < dv; e++) o[e] = Math.fma(pj, v[vj + e], o[e]);
                }
                System.arraycopy(o, 0, out, ob + i * or, dv);
            }
        }
    }

    static void backward(double[] q, double[] k, double[] v, double[] out, double[] lse, double[] dout,
                         double[] dq, double[] dk, double[] dv, Geometry g, int lo, int hi) {
        int sq = g.sq(), sk = g.sk(), dkk = g.dk(), dvv = g.dv();
        int qr = g.q().row(), kr = g.k().row(), vr = g.v().row(), or = g.o().row();
        double scale = 1 / Math.sqrt(dkk);
        double[] p = new double[sk];
        for (int pair = lo; pair < hi; pair++) {
            int b = pair / g.heads(), h = pair % g.heads();
            int qb = g.q().base(b, h), kb = g.k().base(b, h), vb = g.v().base(b, h), ob = g.o().base(b, h);
            for (int i = 0; i < sq; i++) {
                int qi = qb + i * qr, oi = ob + i * or;
                scores(q, qi, k, kb, kr, p, sk, dkk, scale);
                if (g.mask() != null) g.mask().apply(p, 0, b, h, i, sk);
                double l = lse[pair * sq + i];
                for (int j = 0; j < sk; j++) p[j] = StrictMath.exp(p[j] - l);
                double d = 0;
                for (int e = 0; e < dvv; e++) d = Math.fma(dout[oi + e], out[oi + e], d);
                for (int j = 0; j < sk; j++) {
                    int vj = vb + j * vr, kj = kb + j * kr;
                    double dp = 0;
                    for (int e = 0; e < dvv; e++) {
                        dv[vj + e] = Math.fma(p[j], dout[oi + e], dv[vj + e]);
                        dp = Math.fma(dout[oi + e], v[vj + e], dp);
                    }
                    double ds = p[j] * (dp - d) * scale;
                    for (int c = 0; c < dkk; c++) {
                        dq[qi + c] = Math.fma(ds, k[kj + c], dq[qi + c]);
                        dk[kj + c] = Math.fma(ds, q[qi + c], dk[kj + c]);
                    }
                }
            }
        }
    }

    private static void scores(double[] q, int qi, double[] k, int kb, int kr, double[] s, int sk, int dk, double scale) {
        for (int j = 0; j < sk; j++) {
            int kj = kb + j * kr;
            double acc = 0;
            for (int c = 0; c < dk; c++) acc = Math.fma(q[qi + c], k[kj + c], acc);
            s[j] = acc * scale;
        }
    }

    private static double softmax(double[] s, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, s[j]);
        if (m == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(s, 0, n, 0);
            return Double.POSITIVE_INFINITY;
        }
        double l = 0;
        for (int j = 0; j < n; j++) {
            s[j] = StrictMath.exp(s[j] - m);
            l += s[j];
        }
        for (int j = 0; j < n; j++) s[j] /= l;
        return m + StrictMath.log(l);
    }
}
