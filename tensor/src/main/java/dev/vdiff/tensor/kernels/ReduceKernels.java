package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Sums and maxima over the middle axis of a dense tensor viewed as {@code x [outer, R, inner]}
 * ({@code R} the reduced extent), giving {@code out [outer, inner]}.
 *
 * <p>Summation order is fixed by the shape alone: a row ({@code inner == 1}) is cut into blocks of
 * {@link #BLOCK} elements, each block is summed pairwise, and the block sums are summed pairwise; a column
 * ({@code inner > 1}) is summed in runs of {@link #RUN} rows whose partial sums are added in order. Threads
 * only decide which block runs where, so results never depend on the thread count. Float32 data is
 * accumulated in double and rounded once at the end.
 */
public final class ReduceKernels {
    private ReduceKernels() {}

    /** Elements per independently summed block of a row (also the parallel work unit). */
    public static final int BLOCK = 4096;
    /** Below this many elements pairwise summation switches to a straight loop. */
    private static final int LEAF = 64;
    /** Rows per run in column sums: the error grows like RUN + R/RUN rather than R. */
    private static final int RUN = 64;
    /** Columns handled by one task of a column sum. */
    private static final int COLS = 1024;

    /** out[o, i] = scale * sum_r x[o, r, i];  x [outer, R, inner], out [outer, inner]. */
    public static void sum(float[] x, float[] out, int outer, int r, int inner, double scale) {
        if (inner == 1) {
            double[] s = rowSums(x, null, outer, r);
            for (int o = 0; o < outer; o++) out[o] = (float) (s[o] * scale);
            return;
        }
        int chunks = (inner + COLS - 1) / COLS;
        Parallel.forRange(outer * chunks, grainFor(r * Math.min(inner, COLS)), (lo, hi) -> {
            double[] acc = new double[COLS], run = new double[COLS];
            for (int t = lo; t < hi; t++) {
                int o = t / chunks, i0 = (t % chunks) * COLS, w = Math.min(COLS, inner - i0);
                java.util.Arrays.fill(acc, 0, w, 0);
                for (int r0 = 0; r0 < r; r0 += RUN) {
                    java.util.Arrays.fill(run, 0, w, 0);
                    for (int k = r0, kEnd = Math.min(r, r0 + RUN); k < kEnd; k++) {
                        int base = (o * r + k) * inner + i0;
                        for (int i = 0; i < w; i++) run[i] += x[base + i];
                    }
                    for (int i = 0; i < w; i++) acc[i] += run[i];
                }
                for (int i = 0; i < w; i++) out[o * inner + i0 + i] = (float) (acc[i] * scale);
            }
        });
    }

    /** out[o, i] = scale * sum_r x[o, r, i];  x [outer, R, inner], out [outer, inner]. */
    public static void sum(double[] x, double[] out, int outer, int r, int inner, double scale) {
        if (inner == 1) {
            double[] s = rowSums(null, x, outer, r);
            for (int o = 0; o < outer; o++) out[o] = s[o] * scale;
            return;
        }
        int chunks = (inner + COLS - 1) / COLS;
        Parallel.forRange(outer * chunks, grainFor(r * Math.min(inner, COLS)), (lo, hi) -> {
            double[] acc = new double[COLS], run = new double[COLS];
            for (int t = lo; t < hi; t++) {
                int o = t / chunks, i0 = (t % chunks) * COLS, w = Math.min(COLS, inner - i0);
                java.util.Arrays.fill(acc, 0, w, 0);
                for (int r0 = 0; r0 < r; r0 += RUN) {
                    java.util.Arrays.fill(run, 0, w, 0);
                    for (int k = r0, kEnd = Math.min(r, r0 + RUN); k < kEnd; k++) {
                        int base = (o * r + k) * inner + i0;
                        for (int i = 0; i < w; i++) run[i] += x[base + i];
                    }
                    for (int i = 0; i < w; i++) acc[i] += run[i];
                }
                for (int i = 0; i < w; i++) out[o * inner + i0 + i] = acc[i] * scale;
            }
        });
    }

    /** Sums of the rows of {@code f [rows, n]} (or {@code d}, whichever is not null), in double. */
    private static double[] rowSums(float[] f, double[] d, int rows, int n) {
        int blocks = Math.max(1, (n + BLOCK - 1) / BLOCK);
        double[] partial = new double[rows * blocks];
        // One task per (row, block): rows in parallel when there are many, blocks when rows are few and long.
        Parallel.forRange(rows * blocks, Math.max(1, (1 << 15) / Math.max(1, Math.min(n, BLOCK))), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int row = t / blocks, blk = t % blocks;
                int from = row * n + blk * BLOCK, len = Math.min(BLOCK, n - blk * BLOCK);
                partial[t] = f != null ? pairwise(f, from, len) : pairwise(d, from, len);
            }
        });
        if (blocks == 1) return partial;
        double[] s = new double[rows];
        for (int row = 0; row < rows; row++) s[row] = pairwise(partial, row * blocks, blocks);
        return s;
    }

    /** Pairwise (cascade) sum of {@code a[from .. from+n)} in double: error O(log n) ulps instead of O(n). */
    public static double pairwise(float[] a, int from, int n) {
        if (n <= LEAF) {
            // four accumulators: independent add chains the CPU can overlap
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = from, end = from + n;
            for (; i + 3 < end; i += 4) {
                s0 += a[i];
                s1 += a[i + 1];
                s2 += a[i + 2];
                s3 += a[i + 3];
            }
            for (; i < end; i++) s0 += a[i];
            return (s0 + s1) + (s2 + s3);
        }
        int h = half(n);
        return pairwise(a, from, h) + pairwise(a, from + h, n - h);
    }

    /** Pairwise (cascade) sum of {@code a[from .. from+n)}: error O(log n) ulps instead of O(n). */
    public static double pairwise(double[] a, int from, int n) {
        if (n <= LEAF) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = from, end = from + n;
            for (; i + 3 < end; i += 4) {
                s0 += a[i];
                s1 += a[i + 1];
                s2 += a[i + 2];
                s3 += a[i + 3];
            }
            for (; i < end; i++) s0 += a[i];
            return (s0 + s1) + (s2 + s3);
        }
        int h = half(n);
        return pairwise(a, from, h) + pairwise(a, from + h, n - h);
    }

    /** Split point of a pairwise sum: half of n rounded up to a multiple of 4, so leaves stay unrolled. */
    private static int half(int n) {
        return ((n / 2) + 3) & ~3;
    }

    /** A grain (in tasks) so that one parallel chunk carries roughly 32k element visits. */
    private static int grainFor(int workPerTask) {
        return Math.max(1, (1 << 15) / Math.max(1, workPerTask));
    }

    /** A function summed over an index range [lo, hi): the body of {@link #blockedSum}. */
    @FunctionalInterface
    public interface RangeSum {
        double sum(int lo, int hi);
    }

    /**
     * sum over i in [0, n) of whatever {@code body} sums, in fixed blocks of {@link #BLOCK} indices that run
     * in parallel; the block sums are then added pairwise in block order (thread-count independent).
     */
    public static double blockedSum(int n, RangeSum body) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks <= 1) return n <= 0 ? 0 : body.sum(0, n);
        double[] partial = new double[blocks];
        Parallel.forRange(blocks, Math.max(1, 8), (lo, hi) -> {
            for (int b = lo; b < hi; b++) partial[b] = body.sum(b * BLOCK, Math.min(n, (b + 1) * BLOCK));
        });
        return pairwise(partial, 0, blocks);
    }

    /**
     * out[o, i] = max_r x[o, r, i] and arg[o, i] = the first r where it is reached (NaN counts as the
     * maximum, as in PyTorch);  x [outer, R, inner], out and arg [outer, inner], R >= 1.
     */
    public static void max(float[] x, float[] out, int[] arg, int outer, int r, int inner) {
        Parallel.forRange(outer * inner, grainFor(r), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int o = t / inner, i = t % inner, base = o * r * inner + i;
                float best = x[base];
                int at = 0;
                for (int k = 1; k < r && best == best; k++) {
                    float v = x[base + k * inner];
                    if (v > best || v != v) {
                        best = v;
                        at = k;
                    }
                }
                out[t] = best;
                arg[t] = at;
            }
        });
    }

    /** As {@link #max(float[], float[], int[], int, int, int)} for double data. */
    public static void max(double[] x, double[] out, int[] arg, int outer, int r, int inner) {
        Parallel.forRange(outer * inner, grainFor(r), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int o = t / inner, i = t % inner, base = o * r * inner + i;
                double best = x[base];
                int at = 0;
                for (int k = 1; k < r && best == best; k++) {
                    double v = x[base + k * inner];
                    if (v > best || v != v) {
                        best = v;
                        at = k;
                    }
                }
                out[t] = best;
                arg[t] = at;
            }
        });
    }

    /** dx[o, r, i] = scale * g[o, i];  g [outer, inner], dx [outer, R, inner] (the backward of a sum). */
    public static void broadcastBack(float[] g, float[] dx, int outer, int r, int inner, double scale) {
        float s = (float) scale;
        Parallel.forRange(outer * r, grainFor(inner), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int o = t / r, src = o * inner, dst = t * inner;
                for (int i = 0; i < inner; i++) dx[dst + i] = g[src + i] * s;
            }
        });
    }

    /** dx[o, r, i] = scale * g[o, i];  g [outer, inner], dx [outer, R, inner] (the backward of a sum). */
    public static void broadcastBack(double[] g, double[] dx, int outer, int r, int inner, double scale) {
        Parallel.forRange(outer * r, grainFor(inner), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int o = t / r, src = o * inner, dst = t * inner;
                for (int i = 0; i < inner; i++) dx[dst + i] = g[src + i] * scale;
            }
        });
    }
}
