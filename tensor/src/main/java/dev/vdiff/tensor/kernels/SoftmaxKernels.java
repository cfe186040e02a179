package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Softmax and log-softmax along the middle axis of {@code x [outer, R, inner]} and their backward passes.
 * With m the maximum along the axis:
 * <pre>
 *   softmax(x)_r     = exp(x_r - m) / sum_k exp(x_k - m)
 *   logSoftmax(x)_r  = (x_r - m) - log(sum_k exp(x_k - m))
 *   softmax backward:     dx_r = y_r (g_r - sum_k g_k y_k)
 *   logSoftmax backward:  dx_r = g_r - exp(y_r) sum_k g_k
 * </pre>
 * Subtracting m keeps every exponent <= 0, so logits of any size work. Float32 exponentials use
 * {@link ExpF} (vectorised along rows); sums, logs and the normalisation run in double. A task owns
 * one outer index and a block of at most {@link #COLS} inner positions, and reduces along R in a fixed
 * order, so results do not depend on threads.
 */
public final class SoftmaxKernels {
    private SoftmaxKernels() {}

    private static final int COLS = 256;

    /** y = softmax or logSoftmax of x along R;  x, y [outer, R, inner]. */
    public static void forward(boolean log, float[] x, float[] y, int outer, int r, int inner) {
        if (inner == 1) {
            rows(log, x, y, outer, r);
            return;
        }
        int chunks = (inner + COLS - 1) / COLS;
        Parallel.forRange(outer * chunks, grain(r, inner), (lo, hi) -> {
            int w0 = Math.min(COLS, inner);
            double[] m = new double[w0], s = new double[w0];
            for (int t = lo; t < hi; t++) {
                int o = t / chunks, i0 = (t % chunks) * COLS, w = Math.min(COLS, inner - i0);
                int base = o * r * inner + i0;
                java.util.Arrays.fill(m, 0, w, Double.NEGATIVE_INFINITY);
                java.util.Arrays.fill(s, 0, w, 0);
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    for (int i = 0; i < w; i++) m[i] = Math.max(m[i], x[p + i]);
                }
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    for (int i = 0; i < w; i++) {
                        float e = ExpF.exp(x[p + i] - (float) m[i]);   // the same float32 exp as the row path
                        s[i] += e;
                        if (!log) y[p + i] = e;
                    }
                }
                for (int i = 0; i < w; i++) s[i] = log ? Math.log(s[i]) : 1 / s[i];   // log of the shifted sum, or 1/sum
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    if (log) for (int i = 0; i < w; i++) y[p + i] = (float) ((x[p + i] - m[i]) - s[i]);
                    else for (int i = 0; i < w; i++) y[p + i] = (float) (y[p + i] * s[i]);
                }
            }
        });
    }

    /** y = softmax or logSoftmax of x along R;  x, y [outer, R, inner]. */
    public static void forward(boolean log, double[] x, double[] y, int outer, int r, int inner) {
        if (inner == 1) {
            rows(log, x, y, outer, r);
            return;
        }
        int chunks = (inner + COLS - 1) / COLS;
        Parallel.forRange(outer * chunks, grain(r, inner), (lo, hi) -> {
            int w0 = Math.min(COLS, inner);
            double[] m = new double[w0], s = new double[w0];
            for (int t = lo; t < hi; t++) {
                int o = t / chunks, i0 = (t % chunks) * COLS, w = Math.min(COLS, inner - i0);
                int base = o * r * inner + i0;
                java.util.Arrays.fill(m, 0, w, Double.NEGATIVE_INFINITY);
                java.util.Arrays.fill(s, 0, w, 0);
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    for (int i = 0; i < w; i++) m[i] = Math.max(m[i], x[p + i]);
                }
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    // store the shifted exponentials once; the normalising pass then only multiplies
                    for (int i = 0; i < w; i++) {
                        double e = Math.exp(x[p + i] - m[i]);
                        s[i] += e;
                        if (!log) y[p + i] = e;
                    }
                }
                for (int i = 0; i < w; i++) s[i] = log ? Math.log(s[i]) : 1 / s[i];
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    if (log) for (int i = 0; i < w; i++) y[p + i] = (x[p + i] - m[i]) - s[i];
                    else for (int i = 0; i < w; i++) y[p + i] *= s[i];
                }
            }
        });
    }

    /** dx from upstream g and the forward output y (softmax or log-softmax);  all [outer, R, inner]. */
    public static void backward(boolean log, float[] y, float[] g, float[] dx, int outer, int r, int inner) {
        int chunks = (inner + COLS - 1) / COLS;
        Parallel.forRange(outer * chunks, grain(r, inner), (lo, hi) -> {
            double[] s = new double[Math.min(COLS, inner)];
            for (int t = lo; t < hi; t++) {
                int o = t / chunks, i0 = (t % chunks) * COLS, w = Math.min(COLS, inner - i0);
                int base = o * r * inner + i0;
                java.util.Arrays.fill(s, 0, w, 0);
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    if (log) for (int i = 0; i < w; i++) s[i] += g[p + i];
                    else for (int i = 0; i < w; i++) s[i] += (double) g[p + i] * y[p + i];
                }
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    if (log) for (int i = 0; i < w; i++) dx[p + i] = (float) (g[p + i] - Math.exp(y[p + i]) * s[i]);
                    else for (int i = 0; i < w; i++) dx[p + i] = (float) (y[p + i] * (g[p + i] - s[i]));
                }
            }
        });
    }

    /** dx from upstream g and the forward output y (softmax or log-softmax);  all [outer, R, inner]. */
    public static void backward(boolean log, double[] y, double[] g, double[] dx, int outer, int r, int inner) {
        int chunks = (inner + COLS - 1) / COLS;
        Parallel.forRange(outer * chunks, grain(r, inner), (lo, hi) -> {
            double[] s = new double[Math.min(COLS, inner)];
            for (int t = lo; t < hi; t++) {
                int o = t / chunks, i0 = (t % chunks) * COLS, w = Math.min(COLS, inner - i0);
                int base = o * r * inner + i0;
                java.util.Arrays.fill(s, 0, w, 0);
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    if (log) for (int i = 0; i < w; i++) s[i] += g[p + i];
                    else for (int i = 0; i < w; i++) s[i] += g[p + i] * y[p + i];
                }
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    if (log) for (int i = 0; i < w; i++) dx[p + i] = g[p + i] - Math.exp(y[p + i]) * s[i];
                    else for (int i = 0; i < w; i++) dx[p + i] = y[p + i] * (g[p + i] - s[i]);
                }
            }
        });
    }

    /** The common case inner == 1: each of the {@code rows} contiguous rows of length r on its own;  x, y [rows, r]. */
    private static void rows(boolean log, float[] x, float[] y, int rows, int r) {
        Parallel.forRange(rows, grain(r, 1), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int p = row * r;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < r; k++) m = Math.max(m, x[p + k]);
                expShifted(x, m, y, p, p + r);   // y = exp(x - m), overwritten below for log-softmax
                double s = 0;
                for (int k = 0; k < r; k++) s += y[p + k];
                if (log) {
                    double ls = Math.log(s);
                    for (int k = 0; k < r; k++) y[p + k] = (float) (((double) x[p + k] - m) - ls);
                } else {
                    double inv = 1 / s;
                    for (int k = 0; k < r; k++) y[p + k] = (float) (y[p + k] * inv);
                }
            }
        });
    }

    /** The common case inner == 1: each of the {@code rows} contiguous rows of length r on its own;  x, y [rows, r]. */
    private static void rows(boolean log, double[] x, double[] y, int rows, int r) {
        Parallel.forRange(rows, grain(r, 1), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int p = row * r;
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < r; k++) m = Math.max(m, x[p + k]);
                double s = 0;
                for (int k = 0; k < r; k++) {
                    double e = Math.exp(x[p + k] - m);
                    s += e;
                    if (!log) y[p + k] = e;
                }
                if (log) {
                    double ls = Math.log(s);
                    for (int k = 0; k < r; k++) y[p + k] = (x[p + k] - m) - ls;
                } else {
                    double inv = 1 / s;
                    for (int k = 0; k < r; k++) y[p + k] *= inv;
                }
            }
        });
    }

    /** y[i] = e^(x[i] - m) for i in [lo, hi);  x, y [n]. Vector and scalar paths give the same bits. */
    private static void expShifted(float[] x, float m, float[] y, int lo, int hi) {
        if (Simd.ENABLED) {
            FloatVectorKernels.expShifted(x, m, y, lo, hi);
            return;
        }
        for (int i = lo; i < hi; i++) y[i] = ExpF.exp(x[i] - m);
    }

    /** Tasks per parallel chunk so that a chunk covers roughly 16k elements. */
    private static int grain(int r, int inner) {
        return Math.max(1, (1 << 14) / Math.max(1, r * Math.min(inner, COLS)));
    }
}
