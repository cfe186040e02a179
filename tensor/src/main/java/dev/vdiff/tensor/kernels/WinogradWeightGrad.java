package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * The weight gradient of a 3x3, stride-1, padding-1 convolution in Winograd form F(2x2, 3x3), the backward of
 * {@link WinogradF2x3}'s tile formula {@code Y = A^T [U ⊙ V] A} with {@code U = G g G^T} (Lavin &amp; Gray 2016,
 * section 4; the same transforms as the forward pass):
 * <pre>
 *   dZ_t = A dY_t A^T                                   (4x4 from the 2x2 output-gradient tile of tile t)
 *   dU[ξ, o, c] = sum over tiles t of dZ[ξ, o, t] V[ξ, c, t]      (16 GEMMs, K = N*TH*TW)
 *   dw[o, c] = G^T dU[o, c] G                           (3x3 from 4x4, in double, rounded once)
 *
 *   x [N, C, H, W], dy [N, O, H, W], dw [O, C, 3, 3];  V [16, C, Tp] as in the forward, D = dZ [16, O, Tp]
 * </pre>
 * Two forms of the product: for O a multiple of 64 (the benchmark's convolutions), D is built channels-last,
 * {@code D [16, T, O]} from a channels-last copy of dy, and read in place by the wide micro-kernel, so that only V is
 * packed ({@link #channelsLastProduct}); otherwise both are in the forward's plane layout and both are packed.
 * Output positions past H or W (the cropped half of the last tile of an odd size) have a zero gradient, so their
 * tiles enter with zeros. Every dw element is one GEMM dot product over all tiles (the GEMM's fixed k-blocks),
 * then a fixed formula: the same bits for every thread count.
 */
final class WinogradWeightGrad {
    private WinogradWeightGrad() {}

    static void weightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int n = g.n, c = g.c, o = g.o, h = g.h, w = g.w, th = (h + 1) / 2, tw = (w + 1) / 2, tiles = th * tw;
        int t = n * tiles, tp = WinogradF2x3.rowStride(t);
        // V [16, C, Tp], as in the forward pass
        float[] v = Scratch.floats(Scratch.GRID_IN, 16 * c * tp);
        Parallel.forRange(n * c, 2, (lo, hi) -> {
            float[] work = Scratch.floats(Scratch.WORK, WinogradF2x3.inputWork(th, tw));
            for (int plane = lo; plane < hi; plane++) {   // plane = (image, input channel)
                WinogradF2x3.inputPlane(x, plane * h * w, h, w, th, tw, v, (plane % c) * tp + (plane / c) * tiles, c * tp, work);
            }
            Scratch.release(Scratch.WORK, work);
        });
        float[] du = new float[16 * o * c];
        if (o % WIDE == 0) {
            channelsLastProduct(g, dy, v, tp, du);
        } else {
            planeProduct(g, dy, v, tp, du);
        }
        Scratch.release(Scratch.GRID_IN, v);
        boolean cMajor = o % WIDE == 0;   // dU [16, C, O] from the channels-last product, else [16, O, C]
        Parallel.forRange(o * c, 64, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (output channel, input channel)
                int oc = r / c, ch = r % c;
                filterGrad(du, cMajor ? ch * o + oc : r, o * c, dw, r * 9);
            }
        });
    }

    /** Output channels per run of the channels-last product: the wide micro-kernel's width on AVX-512. */
    private static final int WIDE = 64;

    /**
     * {@code dU[ξ] [C, O] = V[ξ] [C, T] . D[ξ] [T, O]} with D channels-last, {@code D[ξ, t, o]} (from a channels-last
     * copy of dy), read in place by the wide micro-kernel (runs of O columns, O a multiple of 64): only V is
     * packed by the GEMM.
     */
    private static void channelsLastProduct(ConvGeometry g, float[] dy, float[] v, int tp, float[] du) {
        int n = g.n, c = g.c, o = g.o, h = g.h, w = g.w, th = (h + 1) / 2, tw = (w + 1) / 2, h2 = 2 * th, w2 = 2 * tw;
        int t = n * th * tw, point = t * o + 16;   // a point's stride, not a multiple of 1 KiB
        // dyt [N, 2TH, 2TW, O]: dy channels-last, zero past H and W
        float[] dyt = Scratch.floats(Scratch.CHANNELS_LAST, n * h2 * w2 * o);
        Parallel.forRange(n * h2, 4, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (image, row)
                int image = r / h2, i = r % h2, row = r * w2 * o;
                if (i >= h) {
                    java.util.Arrays.fill(dyt, row, row + w2 * o, 0f);
                    continue;
                }
                if (w < w2) java.util.Arrays.fill(dyt, row + w * o, row + w2 * o, 0f);
                // 8 channels at a time: each position's 8 values are half a cache line of dyt, read from 8 rows of dy
                // (16 rows 4 KiB apart, a 32 x 32 plane, would share one set of the 8-way L1 cache)
                int src = (image * o * h + i) * w;
                for (int c0 = 0; c0 < o; c0 += 8) {
                    int c1 = Math.min(o, c0 + 8);
                    for (int j = 0; j < w; j++) {
                        int dst = row + j * o;
                        for (int ch = c0; ch < c1; ch++) dyt[dst + ch] = dy[src + ch * h * w + j];
                    }
                }
            }
        });
        // D [16, T, O] (+ slack for the micro-kernel's full-width reads)
        float[] d = Scratch.floats(Scratch.GRID_OUT, 16 * point + PaddedGridF.ROW_SLACK);
        java.util.Arrays.fill(d, 16 * point, 16 * point + PaddedGridF.ROW_SLACK, 0f);
        Parallel.forRange(n * th, 2, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {   // r = (image, tile row)
                int image = r / th, ty = r % th;
                for (int tx = 0; tx < tw; tx++) {
                    int src = ((image * h2 + 2 * ty) * w2 + 2 * tx) * o, tile = r * tw + tx;
                    if (Simd.ENABLED) WinogradSimd.gradChannels(dyt, src, w2 * o, o, d, tile * o, point, 0, o);
                    else gradChannels(dyt, src, w2 * o, o, d, tile * o, point, 0, o);
                }
            }
        });
        Scratch.release(Scratch.CHANNELS_LAST, dyt);
        int[] aBatch = new int[16], bBatch = new int[16], rows = new int[t];
        for (int xi = 0; xi < 16; xi++) {
            aBatch[xi] = xi * c * tp;
            bBatch[xi] = xi * point;
        }
        for (int k = 0; k < t; k++) rows[k] = k * o;
        Panels.RowsF b = new Panels.RowsF(d, rows, bBatch, PaddedGridF.ROW_SLACK, o, new int[] {0});
        Gemm.sgemm(MicroKernel.wideFloatKernel(), 16, c, o, t, tilesMajor(v, aBatch, tp), b, du, 0, c * o, o, false);
        Scratch.release(Scratch.GRID_OUT, d);
    }

    /**
     * V[ξ] [C, T] as the GEMM's A ({@code S(k = t, i = c) = v[batch[ξ] + c*Tp + t]}), packed tile by tile: each
     * packed row (one tile, MR channels) is written whole from MR streams that run along t, instead of column by
     * column as {@link Panels#strided} does for a stride-1 inner axis (every fourth float per pass; measured 2x slower here).
     */
    private static Panels.F tilesMajor(float[] v, int[] batch, int tp) {
        return (xi, k0, kc, c0, cols, width, dst, off) -> {
            int base = batch[xi] + c0 * tp + k0;
            if (cols == 4 && width == 4) {   // the wide kernel's full panels: four streams, unrolled
                for (int kk = 0; kk < kc; kk++) {
                    int d = off + 4 * kk, s = base + kk;
                    dst[d] = v[s];
                    dst[d + 1] = v[s + tp];
                    dst[d + 2] = v[s + 2 * tp];
                    dst[d + 3] = v[s + 3 * tp];
                }
                return;
            }
            for (int kk = 0; kk < kc; kk++) {
                int d = off + kk * width, s = base + kk;
                for (int cc = 0; cc < cols; cc++) dst[d + cc] = v[s + cc * tp];
                for (int cc = cols; cc < width; cc++) dst[d + cc] = 0f;
            }
        };
    }

    /** {@code dU[ξ] [O, C] = D[ξ] [O, T] . V[ξ]^T [T, C]} with D in the forward's layout (any channel counts; both operands packed). */
    private static void planeProduct(ConvGeometry g, float[] dy, float[] v, int tp, float[] du) {
        int n = g.n, c = g.c, o = g.o, h = g.h, w = g.w, th = (h + 1) / 2, tw = (w + 1) / 2, tiles = th * tw, t = n * tiles;
        float[] d = Scratch.floats(Scratch.GRID_OUT, 16 * o * tp);
        Parallel.forRange(n * o, 2, (lo, hi) -> {
            float[] work = Scratch.floats(Scratch.WORK, 4 * tiles);
            for (int plane = lo; plane < hi; plane++) {   // plane = (image, output channel)
                gradPlane(dy, plane * h * w, h, w, th, tw, d, (plane % o) * tp + (plane / o) * tiles, o * tp, work);
            }
            Scratch.release(Scratch.WORK, work);
        });
        int[] aBatch = new int[16], bBatch = new int[16];
        for (int xi = 0; xi < 16; xi++) {
            aBatch[xi] = xi * o * tp;
            bBatch[xi] = xi * c * tp;
        }
        Gemm.sgemm(16, o, c, t, Panels.strided(d, aBatch, 1, tp), Panels.strided(v, bBatch, 1, tp), du, 0, o * c, c, false);
        Scratch.release(Scratch.GRID_OUT, d);
    }

    /**
     * {@link #grad} for one tile, channels-last: the tile's dY phases are {@code dyt[src + a*rowStride + b*O + ch]}
     * for channels {@code [lo, hi)}; {@code D[ξ] = d[dOff + ξ*point + ch]}.
     */
    static void gradChannels(float[] dyt, int src, int rowStride, int o, float[] d, int dOff, int point, int lo, int hi) {
        for (int ch = lo; ch < hi; ch++) {
            float y00 = dyt[src + ch], y01 = dyt[src + o + ch], y10 = dyt[src + rowStride + ch], y11 = dyt[src + rowStride + o + ch];
            int at = dOff + ch;
            gradRow(d, at, point, y00, y01);
            gradRow(d, at + 4 * point, point, y00 + y10, y01 + y11);
            gradRow(d, at + 8 * point, point, y00 - y10, y01 - y11);
            gradRow(d, at + 12 * point, point, -y10, -y11);
        }
    }

    /**
     * {@code dw[at .. at+9) = G^T dU G} for the filter whose 16 points are {@code du[r + ξ*point]}:
     * {@code (G^T q)[0] = q0 + (q1 + q2)/2, [1] = (q1 - q2)/2, [2] = (q1 + q2)/2 + q3} along each axis, in double.
     */
    static void filterGrad(float[] du, int r, int point, float[] dw, int at) {
        double[] rows = new double[12];   // G^T dU [3, 4]
        for (int col = 0; col < 4; col++) {
            double q0 = du[r + col * point], q1 = du[r + (4 + col) * point], q2 = du[r + (8 + col) * point], q3 = du[r + (12 + col) * point];
            rows[col] = q0 + 0.5 * (q1 + q2);
            rows[4 + col] = 0.5 * (q1 - q2);
            rows[8 + col] = 0.5 * (q1 + q2) + q3;
        }
        for (int a = 0; a < 3; a++) {   // (G^T dU) G [3, 3]
            double q0 = rows[4 * a], q1 = rows[4 * a + 1], q2 = rows[4 * a + 2], q3 = rows[4 * a + 3];
            dw[at + 3 * a] = (float) (q0 + 0.5 * (q1 + q2));
            dw[at + 3 * a + 1] = (float) (0.5 * (q1 - q2));
            dw[at + 3 * a + 2] = (float) (0.5 * (q1 + q2) + q3);
        }
    }

    /**
     * {@code D[ξ, tile] = (A dY A^T)[ξ]} for every tile of one output-gradient plane dy[dyOff ..] [H, W], written at
     * {@code d[dOff + ξ*dPoint + tile]}; the plane is first split into its four 2x2 phases
     * {@code P_ab[tile] = dy[2ty + a, 2tx + b]} (zero past H, W) in {@code work [4, TH*TW]}.
     */
    static void gradPlane(float[] dy, int dyOff, int h, int w, int th, int tw, float[] d, int dOff, int dPoint, float[] work) {
        int tiles = th * tw;
        for (int a = 0; a < 2; a++) {
            for (int ty = 0; ty < th; ty++) {
                int p0 = (2 * a) * tiles + ty * tw, p1 = p0 + tiles, row = 2 * ty + a, pairs = w / 2;
                if (row >= h) {
                    java.util.Arrays.fill(work, p0, p0 + tw, 0f);
                    java.util.Arrays.fill(work, p1, p1 + tw, 0f);
                    continue;
                }
                int src = dyOff + row * w;
                for (int tx = 0; tx < pairs; tx++) {
                    work[p0 + tx] = dy[src + 2 * tx];
                    work[p1 + tx] = dy[src + 2 * tx + 1];
                }
                if (pairs < tw) {
                    work[p0 + pairs] = dy[src + 2 * pairs];
                    work[p1 + pairs] = 0f;
                }
            }
        }
        if (Simd.ENABLED) WinogradSimd.grad(work, tiles, d, dOff, dPoint, 0, tiles);
        else grad(work, tiles, d, dOff, dPoint, 0, tiles);
    }

    /**
     * {@code A dY A^T} per tile, {@code A = [1 0; 1 1; 1 -1; 0 -1]}: rows {@code z0 = y0, z1 = y0 + y1, z2 = y0 - y1,
     * z3 = -y1} of the phases, then the same along columns; tiles {@code [lo, hi)}.
     */
    static void grad(float[] p, int tiles, float[] d, int dOff, int dPoint, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
            float y00 = p[t], y01 = p[tiles + t], y10 = p[2 * tiles + t], y11 = p[3 * tiles + t];
            // A dY [4, 2]
            float z00 = y00, z01 = y01, z10 = y00 + y10, z11 = y01 + y11, z20 = y00 - y10, z21 = y01 - y11, z30 = -y10, z31 = -y11;
            int at = dOff + t;
            gradRow(d, at, dPoint, z00, z01);
            gradRow(d, at + 4 * dPoint, dPoint, z10, z11);
            gradRow(d, at + 8 * dPoint, dPoint, z20, z21);
            gradRow(d, at + 12 * dPoint, dPoint, z30, z31);
        }
    }

    private static void gradRow(float[] d, int at, int dPoint, float z0, float z1) {
        d[at] = z0;
        d[at + dPoint] = z0 + z1;
        d[at + 2 * dPoint] = z0 - z1;
        d[at + 3 * dPoint] = -z1;
    }
}
