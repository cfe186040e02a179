package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Convolution forward and backward over flat arrays, as products on the blocked {@link Gemm} kernel:
 * stride-1 forward and input gradient on the padded grid ({@link PaddedGridF}), the float32 strided input
 * gradient as a product then col2im ({@link Col2imF}), the float32 pointwise weight gradient on x as it lies
 * ({@link #weightGradPointwise}), everything else with implicit im2col ({@link Im2colF}, {@link Im2colD}). Layouts (see {@link ConvGeometry}):
 * x {@code [N, C, Q]}, w {@code [O, CK]}, bias {@code [O]}, out and dy {@code [N, O, P]}. float32 3x3,
 * stride-1, padding-1 convolutions may instead run as Winograd F(2x2, 3x3) ({@link WinogradF2x3},
 * {@link WinogradWeightGrad}), chosen per call by {@link ConvAlgorithm}.
 *
 * <p>Every output element is one {@link Gemm} dot product, so results do not depend on the thread count;
 * the weight gradient sums over images and positions in one product ({@code K = N*P}), the bias
 * gradient in a fixed order.
 */
public final class Conv {
    private Conv() {}

    /** {@code out[n, o, :] = bias[o] + w[o, :] . col_n} (bias may be null), by the algorithm {@link ConvAlgorithm#select} picks. */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] out) {
        forward(g, x, w, bias, out, ConvAlgorithm.select(g));
    }

    /** {@link #forward(ConvGeometry, float[], float[], float[], float[])} by the given algorithm (for comparisons). */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] out, ConvAlgorithm algorithm) {
        if (algorithm == ConvAlgorithm.WINOGRAD_F2X3) {
            requireWinograd(g);
            WinogradF2x3.forward(g, x, w, bias, out);
            return;
        }
        if (stride1(g)) {
            PaddedGridF.correlate(g.n, g.c, g.d, g.h, g.w, x, g.o, g.kd, g.kh, g.kw, w, g.pd, g.ph, g.pw, bias, out);
            return;
        }
        if (bias != null) fillRows(g, bias, out);
        Gemm.sgemm(g.n, g.o, g.p, g.ck, Panels.strided(w, new int[] {0}, 1, g.ck), Im2colF.im2col(g, x), out, 0, g.o * g.p, g.p, bias != null);
    }

    public static void forward(ConvGeometry g, double[] x, double[] w, double[] bias, double[] out) {
        if (stride1(g)) {
            PaddedGridD.correlate(g.n, g.c, g.d, g.h, g.w, x, g.o, g.kd, g.kh, g.kw, w, g.pd, g.ph, g.pw, bias, out);
            return;
        }
        if (bias != null) fillRows(g, bias, out);
        Gemm.dgemm(g.n, g.o, g.p, g.ck, Panels.strided(w, new int[] {0}, 1, g.ck), Im2colD.im2col(g, x), out, 0, g.o * g.p, g.p, bias != null);
    }

    /**
     * {@code dx_n [C, Q] = wT [C, O*KK] . dcol_n}, with {@code wT[c, (o, tap)] = w[o, c, tap]}, by the algorithm
     * {@link ConvAlgorithm#select} picks.
     */
    public static void inputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        inputGrad(g, dy, w, dx, ConvAlgorithm.select(g));
    }

    /** {@link #inputGrad(ConvGeometry, float[], float[], float[])} by the given algorithm (for comparisons). */
    public static void inputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx, ConvAlgorithm algorithm) {
        if (algorithm == ConvAlgorithm.WINOGRAD_F2X3) {
            requireWinograd(g);
            WinogradF2x3.inputGrad(g, dy, w, dx);
            return;
        }
        if (stride1(g)) {
            // dx is the correlation of dy (padded by k-1-p) with the flipped, channel-transposed kernel
            float[] wf = new float[w.length];   // wf[c, o, a, b, e] = w[o, c, KD-1-a, KH-1-b, KW-1-e]
            for (int o = 0; o < g.o; o++) {
                for (int c = 0; c < g.c; c++) {
                    for (int t = 0; t < g.kk; t++) wf[(c * g.o + o) * g.kk + g.kk - 1 - t] = w[(o * g.c + c) * g.kk + t];
                }
            }
            PaddedGridF.correlate(g.n, g.o, g.od, g.oh, g.ow, dy, g.c, g.kd, g.kh, g.kw, wf, g.kd - 1 - g.pd, g.kh - 1 - g.ph, g.kw - 1 - g.pw, null, dx);
            return;
        }
        Col2imF.inputGrad(g, dy, w, dx);   // strided: the product first, then col2im (no zero multiplied)
    }

    /**
     * The strided input gradient as a correlation of the stride-dilated dy ({@link Im2colF#col2imT}): the form
     * before session 8, which multiplies the dilation's zeros; kept for comparisons (timings, tests). The default is
     * {@link Col2imF}.
     */
    static void inputGradDilated(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int okk = g.o * g.kk;
        float[] wt = new float[g.c * okk];
        for (int o = 0; o < g.o; o++) {
            for (int c = 0; c < g.c; c++) System.arraycopy(w, (o * g.c + c) * g.kk, wt, c * okk + o * g.kk, g.kk);
        }
        Gemm.sgemm(g.n, g.c, g.q, okk, Panels.strided(wt, new int[] {0}, 1, okk), Im2colF.col2imT(g, dy), dx, 0, g.c * g.q, g.q, false);
    }

    public static void inputGrad(ConvGeometry g, double[] dy, double[] w, double[] dx) {
        if (stride1(g)) {
            // dx is the correlation of dy (padded by k-1-p) with the flipped, channel-transposed kernel
            double[] wf = new double[w.length];   // wf[c, o, a, b, e] = w[o, c, KD-1-a, KH-1-b, KW-1-e]
            for (int o = 0; o < g.o; o++) {
                for (int c = 0; c < g.c; c++) {
                    for (int t = 0; t < g.kk; t++) wf[(c * g.o + o) * g.kk + g.kk - 1 - t] = w[(o * g.c + c) * g.kk + t];
                }
            }
            PaddedGridD.correlate(g.n, g.o, g.od, g.oh, g.ow, dy, g.c, g.kd, g.kh, g.kw, wf, g.kd - 1 - g.pd, g.kh - 1 - g.ph, g.kw - 1 - g.pw, null, dx);
            return;
        }
        int okk = g.o * g.kk;
        double[] wt = new double[g.c * okk];
        for (int o = 0; o < g.o; o++) {
            for (int c = 0; c < g.c; c++) System.arraycopy(w, (o * g.c + c) * g.kk, wt, c * okk + o * g.kk, g.kk);
        }
        Gemm.dgemm(g.n, g.c, g.q, okk, Panels.strided(wt, new int[] {0}, 1, okk), Im2colD.col2imT(g, dy), dx, 0, g.c * g.q, g.q, false);
    }

    /**
     * {@code dw [O, CK] = sum over n of dy_n [O, P] . col_n^T}: one product with K = N*P, computed with the
     * columns in (tap, c) order from a channels-last copy of x, then reordered to (c, tap). When the channel
     * count is a multiple of the wide micro-kernel's width ({@link MicroKernel#VECTOR_F_WIDE}: 64, 128, 192,
     * 256 channels on AVX-512) the kernel reads the columns in place ({@link #weightGradInPlace}); otherwise
     * they are packed ({@link Im2colF#im2colChannelsLast}). Both sum the same products in the same order, so
     * they give the same bits.
     */
    public static void weightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        weightGrad(g, x, dy, dw, ConvAlgorithm.selectWeightGrad(g));
    }

    /** {@link #weightGrad(ConvGeometry, float[], float[], float[])} by the given algorithm (for comparisons). */
    public static void weightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw, ConvAlgorithm algorithm) {
        if (algorithm == ConvAlgorithm.WINOGRAD_F2X3) {
            requireWinograd(g);
            WinogradWeightGrad.weightGrad(g, x, dy, dw);
            return;
        }
        if (pointwise(g) && (g.o < 128 || g.c % MicroKernel.VECTOR_F_WIDE.nr() != 0)) {
            // the channels-last copy costs N*Q*C moves against the product's N*Q*C*O multiply-adds: with fewer
            // than 128 output channels it is not repaid (192 -> 64 at 32 x 32: 19 -> 11 ms; 256 -> 128 at 16 x 16
            // even, 64 -> 128 0.9x: docs/PERFORMANCE.md, "conv8, session 8")
            weightGradPointwise(g, x, dy, dw);
            return;
        }
        if (g.c % MicroKernel.VECTOR_F_WIDE.nr() == 0) {
            weightGradInPlace(g, x, dy, dw);
            return;
        }
        weightGradPacked(g, x, dy, dw);
    }

    /**
     * The weight gradient with B read where it lies: x is copied once into a zero-padded channels-last grid
     * {@code xtp [N, Dp, Hp, Wp, C]}, on which row {@code k = (n, output position)} of B starts at the input
     * position the output's window begins at, and column {@code (tap, c)} sits at a fixed offset from it:
     * <pre>
     *   S(k = (n, od, oh, ow), (tap = (a, b, e), c)) = xtp[n, od*sd + a, oh*sh + b, ow*sw + e, c]
     *     = xtp[rowOff[k] + runBase[tap] + c],   rowOff[k] = (((n*Dp + od*sd)*Hp + oh*sh)*Wp + ow*sw)*C,
     *                                            runBase[tap] = ((a*Hp + b)*Wp + e)*C
     * </pre>
     * A run of C columns per tap ({@link Panels.RowsF} with column runs): no im2col panel is packed (packing
     * them was a third of the weight gradient's time, each panel serving only O = 64..128 rows of dy).
     */
    static void weightGradInPlace(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int dp = g.d + 2 * g.pd, hp = g.h + 2 * g.ph, wp = g.w + 2 * g.pw, c = g.c;
        MicroKernel.F kernel = MicroKernel.wideFloatKernel();
        // xtp [N, Dp, Hp, Wp, C], plus the slack a full-width read may ask for (none is read): a reused work
        // array, every element of which is written here (the padding with zeros)
        int rowLength = wp * c, gridLength = g.n * dp * hp * rowLength;
        float[] xtp = Scratch.floats(Scratch.GRID_IN, gridLength + PaddedGridF.ROW_SLACK);
        java.util.Arrays.fill(xtp, gridLength, gridLength + PaddedGridF.ROW_SLACK, 0f);
        Parallel.forRange(g.n * dp * hp, 8, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (image, padded depth, padded row) -> xtp[n, zp, ip, :, :] [Wp, C]
                int ip = r % hp, zp = (r / hp) % dp, n = r / (hp * dp), row = r * rowLength;
                int z = zp - g.pd, i = ip - g.ph;
                if (z < 0 || z >= g.d || i < 0 || i >= g.h) {
                    java.util.Arrays.fill(xtp, row, row + rowLength, 0f);
                    continue;
                }
                java.util.Arrays.fill(xtp, row, row + g.pw * c, 0f);
                java.util.Arrays.fill(xtp, row + (g.pw + g.w) * c, row + rowLength, 0f);
                // x[n, :, z, i, :] [C, W] -> xtp[n, zp, ip, pw:pw+W, :] [W, C]
                int src = (n * c * g.d + z) * g.h * g.w + i * g.w, dst = row + g.pw * c;
                for (int ch = 0; ch < c; ch++) {
                    int s = src + ch * g.q, d = dst + ch;
                    for (int j = 0; j < g.w; j++) xtp[d + j * c] = x[s + j];
                }
            }
        });
        int[] rowOff = new int[g.n * g.p], runBase = new int[g.kk];
        for (int k = 0; k < rowOff.length; k++) {   // k = (n, od, oh, ow)
            int ow = k % g.ow, oh = (k / g.ow) % g.oh, od = (k / (g.ow * g.oh)) % g.od, n = k / g.p;
            rowOff[k] = (((n * dp + od * g.sd) * hp + oh * g.sh) * wp + ow * g.sw) * c;
        }
        for (int t = 0; t < g.kk; t++) runBase[t] = ((g.tapD(t) * hp + g.tapH(t)) * wp + g.tapW(t)) * c;
        float[] dwt = new float[dw.length];   // [O, KK, C]
        Panels.RowsF b = new Panels.RowsF(xtp, rowOff, new int[] {0}, PaddedGridF.ROW_SLACK, c, runBase);
        Gemm.sgemm(kernel, 1, g.o, g.ck, g.n * g.p, Im2colF.outputRows(g, dy), b, dwt, 0, 0, g.ck, false);
        Scratch.release(Scratch.GRID_IN, xtp);
        for (int o = 0; o < g.o; o++) transpose(dwt, o * g.ck, g.kk, g.c, dw);   // [O, KK, C] -> [O, C, KK]
    }

    /**
     * The weight gradient of a pointwise (1x1x1, stride 1, no padding) convolution, {@code dw [O, C] = sum over n of
     * dy_n [O, Q] . x_n^T [Q, C]}: one product with K = N*Q whose B is x read as it lies, column c of B being
     * channel c's plane ({@code S(k = (n, q), j = c) = x[n, c, q]}, packed down the planes). No channels-last copy
     * of x is made (for 192 -> 64 channels at 32 x 32 that copy, a transpose of 3M floats, cost more than the product).
     * The same products in the same order as the in-place and packed forms (K = (n, q), one k-block chain per 128),
     * so the same bits.
     */
    static void weightGradPointwise(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        Gemm.sgemm(1, g.o, g.c, g.n * g.q, Im2colF.outputRows(g, dy), Im2colF.channelRows(g.n, g.c, g.q, x), dw, 0, 0, g.c, false);
    }

    /** A 1x1x1 kernel, stride 1, no padding: output positions are the input positions. */
    static boolean pointwise(ConvGeometry g) {
        return g.kk == 1 && g.sd == 1 && g.sh == 1 && g.sw == 1 && g.pd == 0 && g.ph == 0 && g.pw == 0;
    }

    /** The weight gradient with packed im2col panels (any channel count); see {@link #weightGrad}. */
    static void weightGradPacked(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        float[] xt = new float[x.length], dwt = new float[dw.length];
        Parallel.forRange(g.n, 1, (lo, hi) -> {
            for (int n = lo; n < hi; n++) transpose(x, n * g.c * g.q, g.c, g.q, xt);
        });
        Gemm.sgemm(1, g.o, g.ck, g.n * g.p, Im2colF.outputRows(g, dy), Im2colF.im2colChannelsLast(g, xt), dwt, 0, 0, g.ck, false);
        for (int o = 0; o < g.o; o++) transpose(dwt, o * g.ck, g.kk, g.c, dw);   // [O, KK, C] -> [O, C, KK]
    }

    public static void weightGrad(ConvGeometry g, double[] x, double[] dy, double[] dw) {
        double[] xt = new double[x.length], dwt = new double[dw.length];
        Parallel.forRange(g.n, 1, (lo, hi) -> {
            for (int n = lo; n < hi; n++) transpose(x, n * g.c * g.q, g.c, g.q, xt);
        });
        Gemm.dgemm(1, g.o, g.ck, g.n * g.p, Im2colD.outputRows(g, dy), Im2colD.im2colChannelsLast(g, xt), dwt, 0, 0, g.ck, false);
        for (int o = 0; o < g.o; o++) transpose(dwt, o * g.ck, g.kk, g.c, dw);   // [O, KK, C] -> [O, C, KK]
    }

    /** {@code db[o] = sum over n, pos of dy[n, o, pos]}, accumulated in double in a fixed order. */
    public static void biasGrad(ConvGeometry g, float[] dy, float[] db) {
        Parallel.forRange(g.o, 1, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                // four interleaved partial sums (a fixed order), so the adds do not wait on each other
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int n = 0; n < g.n; n++) {
                    int base = (n * g.o + o) * g.p, i = 0;
                    for (; i + 3 < g.p; i += 4) {
                        s0 += dy[base + i];
                        s1 += dy[base + i + 1];
                        s2 += dy[base + i + 2];
                        s3 += dy[base + i + 3];
                    }
                    for (; i < g.p; i++) s0 += dy[base + i];
                }
                db[o] = (float) ((s0 + s1) + (s2 + s3));
            }
        });
    }

    public static void biasGrad(ConvGeometry g, double[] dy, double[] db) {
        Parallel.forRange(g.o, 1, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                // four interleaved partial sums (a fixed order), so the adds do not wait on each other
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int n = 0; n < g.n; n++) {
                    int base = (n * g.o + o) * g.p, i = 0;
                    for (; i + 3 < g.p; i += 4) {
                        s0 += dy[base + i];
                        s1 += dy[base + i + 1];
                        s2 += dy[base + i + 2];
                        s3 += dy[base + i + 3];
                    }
                    for (; i < g.p; i++) s0 += dy[base + i];
                }
                db[o] = ((s0 + s1) + (s2 + s3));
            }
        });
    }

    private static void requireWinograd(ConvGeometry g) {
        if (!WinogradF2x3.applies(g)) {
            throw new IllegalArgumentException("Winograd F(2x2, 3x3) needs a 2-D 3x3 convolution with stride 1 and padding 1, not kernel "
                + g.kd + "x" + g.kh + "x" + g.kw + " stride " + g.sd + "," + g.sh + "," + g.sw + " padding " + g.pd + "," + g.ph + "," + g.pw + " depth " + g.d);
        }
    }

    /** Stride 1 and padding at most kernel - 1 on every axis: the padded-grid path ({@link PaddedGridF}) applies. */
    private static boolean stride1(ConvGeometry g) {
        return g.sd == 1 && g.sh == 1 && g.sw == 1 && g.pd < g.kd && g.ph < g.kh && g.pw < g.kw;
    }

    /** {@code dst[off + j*rows + i] = src[off + i*cols + j]}: the [rows, cols] block at off, transposed in place of the same block of dst. */
    static void transpose(float[] src, int off, int rows, int cols, float[] dst) {
        for (int i0 = 0; i0 < rows; i0 += 16) {
            for (int j0 = 0; j0 < cols; j0 += 16) {
                for (int i = i0; i < Math.min(rows, i0 + 16); i++) {
                    for (int j = j0; j < Math.min(cols, j0 + 16); j++) dst[off + j * rows + i] = src[off + i * cols + j];
                }
            }
        }
    }

    static void transpose(double[] src, int off, int rows, int cols, double[] dst) {
        for (int i0 = 0; i0 < rows; i0 += 16) {
            for (int j0 = 0; j0 < cols; j0 += 16) {
                for (int i = i0; i < Math.min(rows, i0 + 16); i++) {
                    for (int j = j0; j < Math.min(cols, j0 + 16); j++) dst[off + j * rows + i] = src[off + i * cols + j];
                }
            }
        }
    }

    private static void fillRows(ConvGeometry g, float[] bias, float[] out) {
        Parallel.forRange(g.n * g.o, 16, (lo, hi) -> {
            for (int r = lo; r < hi; r++) java.util.Arrays.fill(out, r * g.p, (r + 1) * g.p, bias[r % g.o]);
        });
    }

    private static void fillRows(ConvGeometry g, double[] bias, double[] out) {
        Parallel.forRange(g.n * g.o, 16, (lo, hi) -> {
            for (int r = lo; r < hi; r++) java.util.Arrays.fill(out, r * g.p, (r + 1) * g.p, bias[r % g.o]);
        });
    }
}
