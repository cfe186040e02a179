package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Stride-1 correlation computed on the padded grid, the fast path of convolution forward and of its input
 * gradient. Zero-pad x once into {@code xp [N, C, Dp, Hp, Wp]}; then for a fixed tap {@code (a, b, e)}
 * the inputs read by the output positions of one depth slice, taken on the padded width
 * ({@code j = oh*Wp + ow}, {@code ow < Wp}), are consecutive elements of xp:
 * <pre>
 *   y'[(n, od), o, j] = sum over (c, a, b, e) of w[o, c, a, b, e] * xp[n, c, od + a, 0, 0][j + b*Wp + e]
 * </pre>
 * So every row of the GEMM's B operand is a contiguous run of xp, and the micro-kernel reads B there
 * ({@link Panels.RowsF}): no packing at all, no index arithmetic per element, no padding tests. (Packing those
 * panels, row by row, took about 20% of a small-model training run with 32-64 channels.)
 * The rows of a plane share their horizontal padding: a padded row is {@code Wp = W + PW} wide, its first
 * {@code PW} columns zero, then the W values; the right padding of row {@code i} is read as the left padding of
 * row {@code i + 1} (a window that runs past column {@code Wp - 1} lands on the next row's zero columns, or on
 * the zeros after the last plane). Columns {@code ow >= OW} of y' are discarded when y' is copied into y; they
 * cost {@code (Wp - OW)/Wp} of the work: 3% for 3x3 on 32 wide, where a grid row of 34 (both paddings, until
 * 2026-12-07) made 1088 columns, 23 panels of 48, and 33 make 1056, 22 panels. Requires padding
 * {@code <= kernel - 1} per axis (else some output rows would read only padding; the general path handles that).
 *
 * <p>float32; {@link PaddedGridD} is the same code for float64.
 */
final class PaddedGridF {
    private PaddedGridF() {}

    /** Elements after the padded grid for the micro-kernel's full-width reads (at least its NR). */
    static final int ROW_SLACK = 64;

    /**
     * {@code y[n, o, od, oh, ow] = bias[o] + sum w[o, c, a, b, e] x[n, c, od+a-pd, oh+b-ph, ow+e-pw]} with
     * x {@code [N, C, D, H, W]}, w {@code [O, C, KD, KH, KW]}, bias {@code [O]} or null, y {@code [N, O, OD, OH, OW]},
     * {@code OD = D + 2pd - KD + 1} etc.
     */
    static void correlate(int n, int c, int d, int h, int w, float[] x, int o, int kd, int kh, int kw, float[] wt,
                          int pd, int ph, int pw, float[] bias, float[] y) {
        int dp = d + 2 * pd, hp = h + 2 * ph, wp = w + pw, plane = hp * wp;   // rows share their padding (above)
        int od = dp - kd + 1, oh = hp - kh + 1, ow = w + 2 * pw - kw + 1, grid = oh * wp, kk = kd * kh * kw;
        // xp [N, C, Dp, Hp, Wp], plus kw elements so that the discarded columns of the last slice stay in bounds,
        // plus the micro-kernel's full-width reads past the last column (see Panels.RowsF). A reused work array
        // (no allocation, no zeroing by the JVM): pad() writes every element of it that is read.
        int gridLength = n * c * dp * plane;
        float[] xp = Scratch.floats(Scratch.GRID_IN, gridLength + kw + ROW_SLACK);
        pad(n * c, d, h, w, x, pd, ph, pw, wp, xp);
        java.util.Arrays.fill(xp, gridLength, gridLength + kw + ROW_SLACK, 0f);
        // y' [N*OD slices, O, OH*Wp]: every element is written by the product (which starts from zero)
        float[] yp = Scratch.floats(Scratch.GRID_OUT, n * od * o * grid);
        // B of slice t = (image, depth): row k = (ch, a, bb, e) starts at
        // xp[(image*C*Dp + depth)*plane + (ch*Dp + a)*plane + bb*Wp + e]; the micro-kernel reads it in place.
        int[] rowOff = new int[c * kk], batchBase = new int[n * od];
        for (int k = 0; k < c * kk; k++) {
            int ch = k / kk, tap = k % kk, a = tap / (kh * kw), bb = (tap / kw) % kh, e = tap % kw;
            rowOff[k] = (ch * dp + a) * plane + bb * wp + e;
        }
        for (int t = 0; t < n * od; t++) batchBase[t] = ((t / od) * c * dp + t % od) * plane;
        Panels.F b = new Panels.RowsF(xp, rowOff, batchBase, ROW_SLACK);
        Gemm.sgemm(n * od, o, grid, c * kk, Panels.strided(wt, new int[] {0}, 1, c * kk), b, yp, 0, o * grid, grid, false);
        // y[n, o, z, i, :OW] = y'[(n, z), o, i*Wp : i*Wp + OW] + bias[o]
        Parallel.forRange(n * o * od, 16, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (image, out channel, depth)
                int z = r % od, no = r / od, image = no / o, ch = no % o;
                float bv = bias == null ? 0f : bias[ch];
                int src = ((image * od + z) * o + ch) * grid;
                for (int i = 0; i < oh; i++) {
                    int s = src + i * wp, t = (r * oh + i) * ow;
                    for (int j = 0; j < ow; j++) y[t + j] = yp[s + j] + bv;
                }
            }
        });
        Scratch.release(Scratch.GRID_OUT, yp);
        Scratch.release(Scratch.GRID_IN, xp);
    }

    /**
     * {@code xp[m, zp, ip, jp] = x[m, zp - pd, ip - ph, jp - pw]} inside x, 0 in the padding, for the planes
     * {@code m < images*channels} of x {@code [M, D, H, W]} and xp {@code [M, Dp, Hp, Wp]} with rows
     * {@code Wp >= W + pw} wide: every element of xp's first {@code M*Dp*Hp*Wp} is written, so xp may hold
     * anything before.
     */
    static void pad(int planes, int d, int h, int w, float[] x, int pd, int ph, int pw, int wp, float[] xp) {
        int dp = d + 2 * pd, hp = h + 2 * ph, plane = hp * wp;
        Parallel.forRange(planes * dp, 16, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (image and channel, padded depth)
                int zp = r % dp, m = r / dp, base = r * plane;
                if (zp < pd || zp >= pd + d) {
                    java.util.Arrays.fill(xp, base, base + plane, 0f);
                    continue;
                }
                java.util.Arrays.fill(xp, base, base + ph * wp + pw, 0f);   // rows above, and the first row's left
                for (int i = 0; i < h; i++) {
                    int row = base + (i + ph) * wp;
                    System.arraycopy(x, ((m * d + zp - pd) * h + i) * w, xp, row + pw, w);
                    // right padding of this row and left padding of the next (or the rows below)
                    int end = i + 1 < h ? row + wp + pw : base + plane;
                    java.util.Arrays.fill(xp, row + pw + w, end, 0f);
                }
            }
        });
    }
}
