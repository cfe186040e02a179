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
 * So the GEMM's B operand is packed by plain copies (no index arithmetic per element, no padding tests).
 * Columns {@code ow >= OW} of y' are discarded when y' is copied into y; they cost {@code (KW-1)/Wp} of the
 * work (6% for 3x3 on 32 wide). Requires padding {@code <= kernel - 1} per axis (else some output rows would
 * read only padding; the general path handles that).
 *
 * <p>float64; the same code as {@link PaddedGridF} (float32).
 */
final class PaddedGridD {
    private PaddedGridD() {}

    /**
     * {@code y[n, o, od, oh, ow] = bias[o] + sum w[o, c, a, b, e] x[n, c, od+a-pd, oh+b-ph, ow+e-pw]} with
     * x {@code [N, C, D, H, W]}, w {@code [O, C, KD, KH, KW]}, bias {@code [O]} or null, y {@code [N, O, OD, OH, OW]},
     * {@code OD = D + 2pd - KD + 1} etc.
     */
    static void correlate(int n, int c, int d, int h, int w, double[] x, int o, int kd, int kh, int kw, double[] wt,
                          int pd, int ph, int pw, double[] bias, double[] y) {
        int dp = d + 2 * pd, hp = h + 2 * ph, wp = w + 2 * pw, plane = hp * wp;
        int od = dp - kd + 1, oh = hp - kh + 1, ow = wp - kw + 1, grid = oh * wp, kk = kd * kh * kw;
        // xp [N, C, Dp, Hp, Wp], plus kw elements so that the discarded columns of the last slice stay in bounds
        double[] xp = new double[n * c * dp * plane + kw];
        Parallel.forRange(n * c * d, 64, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (image, channel, depth)
                int z = r % d, nc = r / d;
                for (int i = 0; i < h; i++) {
                    System.arraycopy(x, (r * h + i) * w, xp, (nc * dp + z + pd) * plane + (i + ph) * wp + pw, w);
                }
            }
        });
        // y' [N*OD slices, O, OH*Wp]
        double[] yp = new double[n * od * o * grid];
        Panels.D b = (t, k0, kc, j0, cols, width, dst, off) -> {
            int image = t / od, slice = t % od;
            for (int r = 0; r < kc; r++) {
                int k = k0 + r, ch = k / kk, tap = k % kk;
                int a = tap / (kh * kw), bb = (tap / kw) % kh, e = tap % kw;
                int src = ((image * c + ch) * dp + slice + a) * plane + bb * wp + e + j0;
                System.arraycopy(xp, src, dst, off + r * width, cols);
                for (int j = cols; j < width; j++) dst[off + r * width + j] = 0.0;
            }
        };
        Gemm.dgemm(n * od, o, grid, c * kk, Panels.strided(wt, new int[] {0}, 1, c * kk), b, yp, 0, o * grid, grid, false);
        // y[n, o, z, i, :OW] = y'[(n, z), o, i*Wp : i*Wp + OW] + bias[o]
        Parallel.forRange(n * o * od, 16, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (image, out channel, depth)
                int z = r % od, no = r / od, image = no / o, ch = no % o;
                double bv = bias == null ? 0.0 : bias[ch];
                int src = ((image * od + z) * o + ch) * grid;
                for (int i = 0; i < oh; i++) {
                    int s = src + i * wp, t = (r * oh + i) * ow;
                    for (int j = 0; j < ow; j++) y[t + j] = yp[s + j] + bv;
                }
            }
        });
    }
}
