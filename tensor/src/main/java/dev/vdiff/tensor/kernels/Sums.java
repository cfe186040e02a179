package dev.vdiff.tensor.kernels;

/**
 * Deterministic sums in double for normalisation statistics, over {@link #LANES} fixed lanes.
 *
 * <p>Element {@code i} of a run goes to lane {@code i % LANES}; a tail shorter than LANES goes to lanes 0..
 * in order; the lanes are added 0, 1, ... at the end. The scalar loops here and the Vector API loops in
 * {@link SumsSimd} follow exactly this pattern (with fused multiply-adds in both), so they give the same
 * bits, and the independent lanes keep the adders busy instead of waiting on one chain. The plain sums widen
 * float32 values to double before anything else happens. The two GroupNorm sums over float32 data
 * ({@link #meanAndVarianceOnePass}, {@link #sumAndProductDeviation}) run at float speed instead: each lane
 * adds at most {@link #BLOCK} terms in float32, then that partial sum is widened and added to the lane's
 * double sum, so a rounding error of float32 size (about BLOCK * 2^-24 of the block's terms) is made only
 * within a block and the sum over a whole group stays a double sum. LANES is the machine's float vector length
 * (16 with AVX-512, 8 with AVX2), so sums may differ in the last bits between such machines, never between
 * runs or thread counts on one.
 */
public final class Sums {
    private Sums() {}

    public static final int LANES = Simd.ENABLED ? SumsSimd.lanes() : 16;

    /**
     * Vectors of LANES elements per float32 block of the GroupNorm sums: 4 keeps a block's float rounding at
     * a few 2^-24 of its terms and halves the statistics' time against widening every element to double.
     */
    static final int BLOCK = 4;

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
     * 0); d and the block partial sums are float32 (see the class comment), the sums over blocks double, so
     * the result agrees with the two-pass double formula to a few 1e-7 relative; it reads the data once.
     */
    public static void meanAndVarianceOnePass(float[] a, int off, int n, double[] out) {
        meanAndVarianceOnePass(a, off, n, out, scratch());
    }

    /** A scratch array for the calls that take one: {@code 2 * LANES} doubles, reused call after call by one thread. */
    public static double[] scratch() {
        return new double[2 * LANES];
    }

    /** {@link #meanAndVarianceOnePass(float[], int, int, double[])} with a {@link #scratch()} array: nothing allocated. */
    public static void meanAndVarianceOnePass(float[] a, int off, int n, double[] out, double[] scratch) {
        float shift = n > 0 ? a[off] : 0f;
        if (Simd.ENABLED) SumsSimd.shiftedSums(a, off, n, shift, out, scratch);
        else scalarShiftedSums(a, off, n, shift, out);
        double s = out[0], q = out[1];
        out[0] = shift + s / n;
        out[1] = Math.max(0, (q - s * s / n) / n);
    }

    /**
     * Sums of (a - shift) and of (a - shift)^2 over a[off .. off+n), into out[0] and out[1]: full vectors of
     * LANES elements in blocks of up to BLOCK vectors summed per lane in float32 (d = a - shift in float32,
     * squares by fused multiply-add), each block's partial sums added to the lane's double sum; the last
     * n % LANES elements in double, to lanes 0.. in order.
     */
    static void scalarShiftedSums(float[] a, int off, int n, float shift, double[] out) {
        double[] s = new double[LANES], q = new double[LANES];
        float[] sf = new float[LANES], qf = new float[LANES];
        int i = 0;
        while (i + LANES <= n) {
            java.util.Arrays.fill(sf, 0f);
            java.util.Arrays.fill(qf, 0f);
            for (int k = 0; k < BLOCK && i + LANES <= n; k++, i += LANES) {
                for (int j = 0; j < LANES; j++) {
                    float d = a[off + i + j] - shift;
                    sf[j] += d;
                    qf[j] = Math.fma(d, d, qf[j]);
                }
            }
            for (int j = 0; j < LANES; j++) {
                s[j] += sf[j];
                q[j] += qf[j];
            }
        }
        for (int j = 0; i < n; i++, j++) {
            double d = (double) a[off + i] - shift;
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
     * Sums of g and of g * (x - mu) over [off .. off+n), into out[0] and out[1]. Blocks as in
     * {@link #scalarShiftedSums}: per lane, float32 sums of g and of g * (x - muF) with muF = (float) mu, then
     * the exact correction (muF - mu) * sum(g) in double, so rounding mu to float costs nothing.
     */
    public static void sumAndProductDeviation(float[] g, float[] x, int off, int n, double mu, double[] out) {
        sumAndProductDeviation(g, x, off, n, mu, out, scratch());
    }

    /** {@link #sumAndProductDeviation(float[], float[], int, int, double, double[])} with a {@link #scratch()} array. */
    public static void sumAndProductDeviation(float[] g, float[] x, int off, int n, double mu, double[] out, double[] scratch) {
        if (Simd.ENABLED) SumsSimd.sumAndProductDeviation(g, x, off, n, mu, out, scratch);
        else scalarSumAndProductDeviation(g, x, off, n, mu, out);
    }

    static void scalarSumAndProductDeviation(float[] g, float[] x, int off, int n, double mu, double[] out) {
        float muF = (float) mu;
        double[] s = new double[LANES], t = new double[LANES];
        float[] sf = new float[LANES], tf = new float[LANES];
        int i = 0;
        while (i + LANES <= n) {
            java.util.Arrays.fill(sf, 0f);
            java.util.Arrays.fill(tf, 0f);
            for (int k = 0; k < BLOCK && i + LANES <= n; k++, i += LANES) {
                for (int j = 0; j < LANES; j++) {
                    sf[j] += g[off + i + j];
                    tf[j] = Math.fma(g[off + i + j], x[off + i + j] - muF, tf[j]);
                }
            }
            for (int j = 0; j < LANES; j++) {
                s[j] += sf[j];
                t[j] += tf[j];
            }
        }
        for (int j = 0; i < n; i++, j++) {
            s[j] += g[off + i];
            t[j] = Math.fma(g[off + i], (double) x[off + i] - muF, t[j]);
        }
        double sg = combine(s);
        out[0] = sg;
        out[1] = combine(t) + ((double) muF - mu) * sg;   // sum g (x - mu) = sum g (x - muF) + (muF - mu) sum g
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
        return combine(s, 0, s.length);
    }

    /** Lanes s[at], s[at+1], ... s[at+len-1] added in that order, from 0. */
    static double combine(double[] s, int at, int len) {
        double t = 0;
        for (int j = at; j < at + len; j++) t += s[j];
        return t;
    }
}
