package dev.vdiff.tensor.kernels;

/**
 * Deterministic sums in double for normalisation statistics, over {@link #LANES} fixed lanes.
 *
 * <p>Element {@code i} of a run goes to lane {@code i % LANES}; a tail shorter than LANES goes to lanes 0..
 * in order; the lanes are added 0, 1, ... at the end. The scalar loops here and the Vector API loops in
 * {@link SumsSimd} follow exactly this pattern (with fused multiply-adds in both), so they give the same
 * bits, and the independent lanes keep the adders busy instead of waiting on one chain. Float32 values are
 * widened to double before anything else happens, so float32 statistics are as accurate as float64 ones
 * over the same values. LANES is the machine's float vector length (16 with AVX-512, 8 with AVX2), so
 * sums may differ in the last bits between such machines, never between runs or thread counts on one.
 */
public final class Sums {
    private Sums() {}

    public static final int LANES = Simd.ENABLED ? SumsSimd.lanes() : 16;

    /**
     * The float32 fused sums ({@link #meanAndVarianceOnePass}, {@link #sumAndProductDeviation}) take runs of
     * BLOCK = 4 LANES elements: per lane, the four values a[i + k LANES + j] (k = 0..3) are combined in float
     * as {@code (v0 + v1) + (v2 + v3)} (products rounded to float first, never fused), and that float is
     * added to the lane's double sum. Widening once per four values instead of once per value makes these
     * loops about 1.5x faster; the float step rounds each partial to float precision (relative 6e-8 of four
     * values), so the statistics are as accurate as the float32 data, not more. A remainder shorter than
     * BLOCK is summed in double element by element, as before.
     */
    static final int BLOCK = 4 * LANES;

    /** Mean and biased variance of a[off .. off+n) (two passes: mean, then mean squared deviation) into out[0], out[1]. */
    public static void meanAndVariance(float[] a, int off, int n, double[] out) {
        double mu = sum(a, off, n) / n;
        out[0] = mu;
        out[1] = sumSquaredDeviation(a, off, n, mu) / n;
    }

    public static void meanAndVariance(double[] a, int off, int n, double[] out) {
        double mu = sum(a, off, n) / n;
        out[0] = mu;
        out[1] = sumSquaredDeviation(a, off, n, mu) / n;
    }

    /**
     * Mean and biased variance of a[off .. off+n) in one pass ("fused statistics") into out[0], out[1]: the sums
     * of d = a - K and of d^2 with the shift K = a[off], then mean = K + S/n, var = (Q - S^2/n)/n. Shifting by
     * a value of the data keeps S^2/n of the size of Q (no catastrophic cancellation when the mean is far from
     * 0), and the sums are accumulated in double over float runs of {@link #BLOCK}, so the result agrees with
     * the two-pass formula to float32 precision (tested to 1e-6); it reads the data once instead of twice.
     */
    public static void meanAndVarianceOnePass(float[] a, int off, int n, double[] out) {
        double shift = n > 0 ? a[off] : 0;
        if (Simd.ENABLED) SumsSimd.shiftedSums(a, off, n, shift, out);
        else scalarShiftedSums(a, off, n, shift, out);
        double s = out[0], q = out[1];
        out[0] = shift + s / n;
        out[1] = Math.max(0, (q - s * s / n) / n);
    }

    /** Sums of (a - shift) and of (a - shift)^2 over a[off .. off+n), into out[0] and out[1]; shift is a float value. */
    static void scalarShiftedSums(float[] a, int off, int n, double shift, double[] out) {
        double[] s = new double[LANES], q = new double[LANES];
        float k = (float) shift;
        int i = 0;
        for (; i + BLOCK <= n; i += BLOCK) {
            for (int j = 0; j < LANES; j++) {
                int o = off + i + j;
                float d0 = a[o] - k, d1 = a[o + LANES] - k, d2 = a[o + 2 * LANES] - k, d3 = a[o + 3 * LANES] - k;
                s[j] += (d0 + d1) + (d2 + d3);
                q[j] += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
            }
        }
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) {
                double d = a[off + i + j] - shift;
                s[j] += d;
                q[j] = Math.fma(d, d, q[j]);
            }
        }
        for (int j = 0; i < n; i++, j++) {
            double d = a[off + i] - shift;
            s[j] += d;
            q[j] = Math.fma(d, d, q[j]);
        }
        out[0] = combine(s);
        out[1] = combine(q);
    }

    /** sum of a[off .. off+n). */
    public static double sum(float[] a, int off, int n) {
        return Simd.ENABLED ? SumsSimd.sum(a, off, n) : scalarSum(a, off, n);
    }

    static double scalarSum(float[] a, int off, int n) {
        double[] s = new double[LANES];
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) s[j] += a[off + i + j];
        }
        for (int j = 0; i < n; i++, j++) s[j] += a[off + i];
        return combine(s);
    }

    /** sum of (a - mu)^2 over a[off .. off+n). */
    public static double sumSquaredDeviation(float[] a, int off, int n, double mu) {
        return Simd.ENABLED ? SumsSimd.sumSquaredDeviation(a, off, n, mu) : scalarSumSquaredDeviation(a, off, n, mu);
    }

    static double scalarSumSquaredDeviation(float[] a, int off, int n, double mu) {
        double[] s = new double[LANES];
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) {
                double d = a[off + i + j] - mu;
                s[j] = Math.fma(d, d, s[j]);
            }
        }
        for (int j = 0; i < n; i++, j++) {
            double d = a[off + i] - mu;
            s[j] = Math.fma(d, d, s[j]);
        }
        return combine(s);
    }

    /**
     * Sums of g and of g * (x - mu) over [off .. off+n), into out[0] and out[1]. The products are taken
     * against the float nearest mu, {@code muF}, and corrected exactly afterwards:
     * {@code sum g (x - mu) = sum g (x - muF) + (muF - mu) sum g}.
     */
    public static void sumAndProductDeviation(float[] g, float[] x, int off, int n, double mu, double[] out) {
        if (Simd.ENABLED) SumsSimd.sumAndProductDeviation(g, x, off, n, mu, out);
        else scalarSumAndProductDeviation(g, x, off, n, mu, out);
    }

    static void scalarSumAndProductDeviation(float[] g, float[] x, int off, int n, double mu, double[] out) {
        double[] s = new double[LANES], t = new double[LANES];
        float muF = (float) mu;
        int i = 0;
        for (; i + BLOCK <= n; i += BLOCK) {
            for (int j = 0; j < LANES; j++) {
                int o = off + i + j, o1 = o + LANES, o2 = o + 2 * LANES, o3 = o + 3 * LANES;
                s[j] += (g[o] + g[o1]) + (g[o2] + g[o3]);
                t[j] += (g[o] * (x[o] - muF) + g[o1] * (x[o1] - muF)) + (g[o2] * (x[o2] - muF) + g[o3] * (x[o3] - muF));
            }
        }
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) {
                s[j] += g[off + i + j];
                t[j] = Math.fma(g[off + i + j], x[off + i + j] - (double) muF, t[j]);
            }
        }
        for (int j = 0; i < n; i++, j++) {
            s[j] += g[off + i];
            t[j] = Math.fma(g[off + i], x[off + i] - (double) muF, t[j]);
        }
        double sg = combine(s);
        out[0] = sg;
        out[1] = combine(t) + ((double) muF - mu) * sg;
    }

    /** sum of a[off .. off+n). */
    public static double sum(double[] a, int off, int n) {
        return Simd.ENABLED ? SumsSimd.sum(a, off, n) : scalarSum(a, off, n);
    }

    static double scalarSum(double[] a, int off, int n) {
        double[] s = new double[LANES];
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) s[j] += a[off + i + j];
        }
        for (int j = 0; i < n; i++, j++) s[j] += a[off + i];
        return combine(s);
    }

    /** sum of (a - mu)^2 over a[off .. off+n). */
    public static double sumSquaredDeviation(double[] a, int off, int n, double mu) {
        return Simd.ENABLED ? SumsSimd.sumSquaredDeviation(a, off, n, mu) : scalarSumSquaredDeviation(a, off, n, mu);
    }

    static double scalarSumSquaredDeviation(double[] a, int off, int n, double mu) {
        double[] s = new double[LANES];
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) {
                double d = a[off + i + j] - mu;
                s[j] = Math.fma(d, d, s[j]);
            }
        }
        for (int j = 0; i < n; i++, j++) {
            double d = a[off + i] - mu;
            s[j] = Math.fma(d, d, s[j]);
        }
        return combine(s);
    }

    /** Sums of g and of g * (x - mu) over [off .. off+n), into out[0] and out[1]. */
    public static void sumAndProductDeviation(double[] g, double[] x, int off, int n, double mu, double[] out) {
        if (Simd.ENABLED) SumsSimd.sumAndProductDeviation(g, x, off, n, mu, out);
        else scalarSumAndProductDeviation(g, x, off, n, mu, out);
    }

    static void scalarSumAndProductDeviation(double[] g, double[] x, int off, int n, double mu, double[] out) {
        double[] s = new double[LANES], t = new double[LANES];
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) {
                s[j] += g[off + i + j];
                t[j] = Math.fma(g[off + i + j], x[off + i + j] - mu, t[j]);
            }
        }
        for (int j = 0; i < n; i++, j++) {
            s[j] += g[off + i];
            t[j] = Math.fma(g[off + i], x[off + i] - mu, t[j]);
        }
        out[0] = combine(s);
        out[1] = combine(t);
    }

    /** {@code out[j] = sum over i of part[i*cols + j]}, rows added in order: parts [rows, cols] -> out [cols]. */
    public static double[] sumRows(double[] part, int rows, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) out[j] += part[i * cols + j];
        }
        return out;
    }

    /** Lanes added in order 0, 1, ... */
    static double combine(double[] s) {
        double t = 0;
        for (int j = 0; j < s.length; j++) t += s[j];
        return t;
    }
}
