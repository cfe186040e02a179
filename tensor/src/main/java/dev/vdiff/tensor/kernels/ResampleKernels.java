package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Spatial resampling of image planes: {@code P = N*C} planes of {@code H x W}, row-major.
 * <pre>
 *   nearest upsampling:  y [P, H*s, W*s],  y[p, i, j] = x[p, i/s, j/s]
 *   average pooling:     y [P, Ho, Wo],    y[p, i, j] = mean of x[p, i*st .. i*st+k-1, j*st .. j*st+k-1],
 *                        Ho = (H - k)/st + 1 (floor), likewise Wo; rows/columns past the last window are unread
 * </pre>
 * Work is split by plane, and each backward writes only its own plane, so overlapping pooling windows
 * (stride < kernel) accumulate without races and in a fixed order.
 */
public final class ResampleKernels {
    private ResampleKernels() {}

    private static int grain(int perPlane) {
        return Math.max(1, (1 << 15) / Math.max(1, perPlane));
    }

    /** y[p, i, j] = x[p, i/s, j/s];  x [P, H, W], y [P, H*s, W*s]. */
    public static void upsampleNearest(float[] x, float[] y, int planes, int h, int w, int s) {
        int ws = w * s;
        Parallel.forRange(planes * h, grain(ws * s), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {           // t = p*H + i: one input row gives s output rows
                int src = t * w, dst = t * s * ws;
                for (int j = 0; j < w; j++) {
                    float v = x[src + j];
                    for (int b = 0; b < s; b++) y[dst + j * s + b] = v;
                }
                for (int a = 1; a < s; a++) System.arraycopy(y, dst, y, dst + a * ws, ws);
            }
        });
    }

    /** y[p, i, j] = x[p, i/s, j/s];  x [P, H, W], y [P, H*s, W*s]. */
    public static void upsampleNearest(double[] x, double[] y, int planes, int h, int w, int s) {
        int ws = w * s;
        Parallel.forRange(planes * h, grain(ws * s), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int src = t * w, dst = t * s * ws;
                for (int j = 0; j < w; j++) {
                    double v = x[src + j];
                    for (int b = 0; b < s; b++) y[dst + j * s + b] = v;
                }
                for (int a = 1; a < s; a++) System.arraycopy(y, dst, y, dst + a * ws, ws);
            }
        });
    }

    /** dx[p, i, j] = sum of g over the s x s block above (i, j);  g [P, H*s, W*s], dx [P, H, W]. */
    public static void upsampleNearestBackward(float[] g, float[] dx, int planes, int h, int w, int s) {
        int ws = w * s;
        Parallel.forRange(planes * h, grain(ws * s), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int src = t * s * ws, dst = t * w;
                for (int j = 0; j < w; j++) {
                    double acc = 0;
                    for (int a = 0; a < s; a++) for (int b = 0; b < s; b++) acc += g[src + a * ws + j * s + b];
                    dx[dst + j] = (float) acc;
                }
            }
        });
    }

    /** dx[p, i, j] = sum of g over the s x s block above (i, j);  g [P, H*s, W*s], dx [P, H, W]. */
    public static void upsampleNearestBackward(double[] g, double[] dx, int planes, int h, int w, int s) {
        int ws = w * s;
        Parallel.forRange(planes * h, grain(ws * s), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int src = t * s * ws, dst = t * w;
                for (int j = 0; j < w; j++) {
                    double acc = 0;
                    for (int a = 0; a < s; a++) for (int b = 0; b < s; b++) acc += g[src + a * ws + j * s + b];
                    dx[dst + j] = acc;
                }
            }
        });
    }

    /** Average pooling, window k, stride st;  x [P, H, W], y [P, Ho, Wo]. */
    public static void avgPool(float[] x, float[] y, int planes, int h, int w, int k, int st) {
        int ho = (h - k) / st + 1, wo = (w - k) / st + 1;
        double inv = 1.0 / (k * k);
        Parallel.forRange(planes * ho, grain(wo * k * k), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {           // t = p*Ho + i: one output row
                int p = t / ho, i = t % ho, in = (p * h + i * st) * w, out = t * wo;
                for (int j = 0; j < wo; j++) {
                    double acc = 0;
                    for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) acc += x[in + a * w + j * st + b];
                    y[out + j] = (float) (acc * inv);
                }
            }
        });
    }

    /** Average pooling, window k, stride st;  x [P, H, W], y [P, Ho, Wo]. */
    public static void avgPool(double[] x, double[] y, int planes, int h, int w, int k, int st) {
        int ho = (h - k) / st + 1, wo = (w - k) / st + 1;
        double inv = 1.0 / (k * k);
        Parallel.forRange(planes * ho, grain(wo * k * k), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int p = t / ho, i = t % ho, in = (p * h + i * st) * w, out = t * wo;
                for (int j = 0; j < wo; j++) {
                    double acc = 0;
                    for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) acc += x[in + a * w + j * st + b];
                    y[out + j] = acc * inv;
                }
            }
        });
    }

    /** dx[p, window of (i, j)] += g[p, i, j] / k^2;  g [P, Ho, Wo], dx [P, H, W] zero on entry. */
    public static void avgPoolBackward(float[] g, float[] dx, int planes, int h, int w, int k, int st) {
        int ho = (h - k) / st + 1, wo = (w - k) / st + 1;
        float inv = (float) (1.0 / (k * k));
        Parallel.forRange(planes, grain(h * w), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        float v = g[(p * ho + i) * wo + j] * inv;
                        int base = (p * h + i * st) * w + j * st;
                        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) dx[base + a * w + b] += v;
                    }
                }
            }
        });
    }

    /** dx[p, window of (i, j)] += g[p, i, j] / k^2;  g [P, Ho, Wo], dx [P, H, W] zero on entry. */
    public static void avgPoolBackward(double[] g, double[] dx, int planes, int h, int w, int k, int st) {
        int ho = (h - k) / st + 1, wo = (w - k) / st + 1;
        double inv = 1.0 / (k * k);
        Parallel.forRange(planes, grain(h * w), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double v = g[(p * ho + i) * wo + j] * inv;
                        int base = (p * h + i * st) * w + j * st;
                        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) dx[base + a * w + b] += v;
                    }
                }
            }
        });
    }
}
