package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * LayerNorm over the last axis (docs/ORACLE.md §5.8), float32 and float64.
 *
 * <p>Shape legend: {@code x, out, g (upstream), dx} are {@code [R, D]} (all leading axes flattened into
 * {@code R} rows); {@code weight, bias [D]} (null: no affine); {@code mean, rstd [R]}. The formulas are those
 * of {@link GroupNormKernels} with one group per row and the affine per column:
 * <pre>
 *   out     = xhat * weight + bias,                  xhat = (x - mu) * rstd
 *   dx      = rstd * (gw - mean_row(gw) - xhat * mean_row(gw * xhat)),   gw = g * weight
 *   dweight = sum over rows of g * xhat,   dbias = sum over rows of g
 * </pre>
 * Backward works per element in double (also for float32), so that for {@code D = 1} the output is exactly
 * the bias and {@code dx} exactly 0. Parameter gradients are summed per fixed block of {@value #ROW_BLOCK}
 * rows, then over the blocks in order: independent of the thread count.
 */
public final class LayerNormKernels {
    private LayerNormKernels() {}

    /** Rows per block of the parameter-gradient reduction (fixed: the bits must not depend on threads). */
    public static final int ROW_BLOCK = 32;

    private static int grain(int d) {
        return Math.max(1, (1 << 14) / Math.max(1, d));
    }

    /** Number of row blocks, the first dimension of the partial sums {@code [blocks, D]}. */
    public static int blocks(int rows) {
        return (rows + ROW_BLOCK - 1) / ROW_BLOCK;
    }

    // ------------------------------------------------------------------------------------------ float32

    public static void forward(float[] x, float[] weight, float[] bias, float[] out, double[] mean, double[] rstd,
                               int rows, int d, double eps) {
        Parallel.forRange(rows, grain(d), (lo, hi) -> {
            double[] mv = new double[2];
            for (int row = lo; row < hi; row++) {
                int off = row * d;
                Sums.meanAndVariance(x, off, d, mv);
                double mu = mv[0], r = 1.0 / Math.sqrt(mv[1] + eps);
                mean[row] = mu;
                rstd[row] = r;
                for (int j = 0; j < d; j++) {
                    double y = (x[off + j] - mu) * r;
                    if (weight != null) y = y * weight[j] + bias[j];
                    out[off + j] = (float) y;
                }
            }
        });
    }

    /** dx (if non-null) and, per block of rows, dwPart and dbPart [blocks(rows), D]. */
    public static void backward(float[] x, float[] weight, float[] g, double[] mean, double[] rstd,
                                float[] dx, double[] dwPart, double[] dbPart, int rows, int d) {
        Parallel.forRange(blocks(rows), 1, (lo, hi) -> {
            double[] gw = new double[d];
            for (int blk = lo; blk < hi; blk++) {
                for (int row = blk * ROW_BLOCK; row < Math.min(rows, (blk + 1) * ROW_BLOCK); row++) {
                    int off = row * d, p = blk * d;
                    double mu = mean[row], r = rstd[row], sumGw = 0, sumGwXhat = 0;
                    for (int j = 0; j < d; j++) {
                        double gj = g[off + j], xhat = (x[off + j] - mu) * r;
                        dbPart[p + j] += gj;
                        dwPart[p + j] += gj * xhat;
                        gw[j] = weight == null ? gj : gj * weight[j];
                        sumGw += gw[j];
                        sumGwXhat += gw[j] * xhat;
                    }
                    if (dx == null) continue;
                    double a = sumGw / d, b = sumGwXhat / d;
                    for (int j = 0; j < d; j++) dx[off + j] = (float) (r * (gw[j] - a - (x[off + j] - mu) * r * b));
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------ float64

    public static void forward(double[] x, double[] weight, double[] bias, double[] out, double[] mean, double[] rstd,
                               int rows, int d, double eps) {
        Parallel.forRange(rows, grain(d), (lo, hi) -> {
            double[] mv = new double[2];
            for (int row = lo; row < hi; row++) {
                int off = row * d;
                Sums.meanAndVariance(x, off, d, mv);
                double mu = mv[0], r = 1.0 / Math.sqrt(mv[1] + eps);
                mean[row] = mu;
                rstd[row] = r;
                for (int j = 0; j < d; j++) {
                    double y = (x[off + j] - mu) * r;
                    out[off + j] = weight == null ? y : y * weight[j] + bias[j];
                }
            }
        });
    }

    public static void backward(double[] x, double[] weight, double[] g, double[] mean, double[] rstd,
                                double[] dx, double[] dwPart, double[] dbPart, int rows, int d) {
        Parallel.forRange(blocks(rows), 1, (lo, hi) -> {
            double[] gw = new double[d];
            for (int blk = lo; blk < hi; blk++) {
                for (int row = blk * ROW_BLOCK; row < Math.min(rows, (blk + 1) * ROW_BLOCK); row++) {
                    int off = row * d, p = blk * d;
                    double mu = mean[row], r = rstd[row], sumGw = 0, sumGwXhat = 0;
                    for (int j = 0; j < d; j++) {
                        double gj = g[off + j], xhat = (x[off + j] - mu) * r;
                        dbPart[p + j] += gj;
                        dwPart[p + j] += gj * xhat;
                        gw[j] = weight == null ? gj : gj * weight[j];
                        sumGw += gw[j];
                        sumGwXhat += gw[j] * xhat;
                    }
                    if (dx == null) continue;
                    double a = sumGw / d, b = sumGwXhat / d;
                    for (int j = 0; j < d; j++) dx[off + j] = r * (gw[j] - a - (x[off + j] - mu) * r * b);
                }
            }
        });
    }
}
