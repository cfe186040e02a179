package dev.vdiff.tensor.kernels;

/**
 * Deterministic sums in double over {@value #LANES} fixed lanes, for normalisation statistics.
 *
 * <p>Element {@code i} of a run goes to lane {@code i % 8}; a tail shorter than 8 goes to lanes 0.. in order;
 * the lanes are added 0..7 at the end. The scalar loops here and the Vector API loops in {@link SumsSimd}
 * follow exactly this pattern (with fused multiply-adds in both), so they give the same bits, and eight
 * independent chains keep the adder busy instead of waiting on one chain. Float32 data is widened to double
 * before anything else happens, so float32 statistics are as accurate as float64 ones over the same values.
 */
public final class Sums {
    private Sums() {}

    public static final int LANES = 8;

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

    /** sum of g * (x - mu) over [off .. off+n). */
    public static double sumProductDeviation(float[] g, float[] x, int off, int n, double mu) {
        return Simd.ENABLED ? SumsSimd.sumProductDeviation(g, x, off, n, mu) : scalarSumProductDeviation(g, x, off, n, mu);
    }

    static double scalarSumProductDeviation(float[] g, float[] x, int off, int n, double mu) {
        double[] s = new double[LANES];
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) s[j] = Math.fma(g[off + i + j], x[off + i + j] - mu, s[j]);
        }
        for (int j = 0; i < n; i++, j++) s[j] = Math.fma(g[off + i], x[off + i] - mu, s[j]);
        return combine(s);
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

    /** sum of g * (x - mu) over [off .. off+n). */
    public static double sumProductDeviation(double[] g, double[] x, int off, int n, double mu) {
        return Simd.ENABLED ? SumsSimd.sumProductDeviation(g, x, off, n, mu) : scalarSumProductDeviation(g, x, off, n, mu);
    }

    static double scalarSumProductDeviation(double[] g, double[] x, int off, int n, double mu) {
        double[] s = new double[LANES];
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            for (int j = 0; j < LANES; j++) s[j] = Math.fma(g[off + i + j], x[off + i + j] - mu, s[j]);
        }
        for (int j = 0; i < n; i++, j++) s[j] = Math.fma(g[off + i], x[off + i] - mu, s[j]);
        return combine(s);
    }

    /** {@code out[j] = sum over i of part[i*cols + j]}, rows added in order: parts [rows, cols] -> out [cols]. */
    public static double[] sumRows(double[] part, int rows, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) out[j] += part[i * cols + j];
        }
        return out;
    }

    /** Lanes added in order 0..7. */
    static double combine(double[] s) {
        double t = 0;
        for (int j = 0; j < LANES; j++) t += s[j];
        return t;
    }
}
