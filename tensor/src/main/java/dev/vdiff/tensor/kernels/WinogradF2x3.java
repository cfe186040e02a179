package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * Stride-1, padding-1 3x3 correlation by Winograd's minimal filtering F(2x2, 3x3) (Lavin &amp; Gray 2016,
 * "Fast Algorithms for Convolutional Neural Networks", section 4.1 and eq. 8), float32. One 2x2 output tile is
 * <pre>
 *   Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A          (⊙: element-wise over the 4x4 transform points ξ = (i, j))
 *
 *   B^T = | 1  0 -1  0 |     G = | 1    0    0   |     A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |         | 1/2  1/2  1/2 |           | 0  1 -1 -1 |
 *         | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
 *         | 0  1  0 -1 |         | 0    0    1   |
 * </pre>
 * with d the 4x4 input tile (rows {@code 2ty-1 .. 2ty+2}, columns {@code 2tx-1 .. 2tx+2} of x, zero outside:
 * the padding of 1), g the 3x3 filter and Y the outputs at rows {@code 2ty, 2ty+1}, columns {@code 2tx, 2tx+1}.
 * Summed over input channels, the element-wise stage is one matrix product per transform point (Lavin &amp;
 * Gray's eq. 12), run on the project's GEMM ({@link Gemm}) as a batch of 16:
 * <pre>
 *   x [N, C, H, W], w [O, C, 3, 3], y [N, O, H, W];  TH = ceil(H/2), TW = ceil(W/2), T = N*TH*TW tiles
 *   U [16, C, O]   U[ξ, c, o] = (G g_(o,c) G^T)[ξ]                 (once per call, in double, rounded once)
 *   V [16, C, Tp]  V[ξ, c, t] = (B^T d_(c,t) B)[ξ],  t = (n*TH + ty)*TW + tx
 *   M [16, O, Tp]  M[ξ] = U[ξ]^T . V[ξ]                             (16 GEMMs: 2.25x fewer multiplies than 3x3)
 *   y[n, o, 2ty + a, 2tx + b] = (A^T M_(o,t) A)[a, b] + bias[o]     (cropped to H x W)
 * </pre>
 * V's rows are {@code Tp >= T} long (a stride that is not a multiple of 1 KiB, so the 64 rows a micro-kernel
 * walks down do not fall into one cache set) and the GEMM reads them in place ({@link Panels.RowsF}).
 *
 * <p>The transforms, per plane of one image and channel, are element-wise over the tiles: the input plane is
 * first split by row parity and column parity into four arrays of {@code (TH+1) x TW} ("components"), on which
 * every element of d is a fixed offset from the tile's index ({@link #split}); the column transform then reads
 * neighbouring tiles at offsets -1 / +1 (the tile at a row's end is fixed up, its neighbour being the padding),
 * the row transform at offset +TW. So each transform is a run of vector adds over all tiles of a plane
 * ({@link WinogradSimd}; the scalar loops here are their twins, used without the Vector API and for tails).
 * A call runs in blocks of whole images, each transformed, multiplied and transformed back on one thread.
 *
 * <p>Numerics: the transforms of d and of the output are additions and subtractions only (exact up to one
 * rounding each), the filter transform has the halves; measured errors are in docs/PERFORMANCE.md
 * ("Winograd F(2x2, 3x3)"). Determinism: every output element is computed by the same sequence of operations
 * whatever the thread count (the GEMM's fixed k-blocks, plane-wise transforms), and the vector and scalar
 * transforms perform the same IEEE operations in the same order.
 */
final class WinogradF2x3 {
    private WinogradF2x3() {}

    /** Elements after V for the micro-kernel's full-width reads past the last tile. */
    private static final int SLACK = 64;

    /** A 2-D 3x3 correlation, stride 1, padding 1 (the geometries this class computes). */
    static boolean applies(ConvGeometry g) {
        return g.d == 1 && g.kd == 1 && g.pd == 0 && g.sd == 1 && g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1
            && g.ph == 1 && g.pw == 1;
    }

    /** The forward convolution: {@code y[n, o] = bias[o] + sum over c of w[o, c] ⋆ x[n, c]} (bias may be null). */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        correlate(g.n, g.c, g.h, g.w, x, g.o, w, false, bias, y);
    }

    /**
     * The input gradient: the same correlation of dy [N, O, H, W] with the filters rotated by 180 degrees and
     * the channel axes swapped, {@code g'_(c, o)[a, b] = w[o, c, 2-a, 2-b]} (padding 3 - 1 - 1 = 1 again).
     */
    static void inputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        correlate(g.n, g.o, g.h, g.w, dy, g.c, w, true, null, dx);
    }

    /**
     * {@code y[n, i] = bias[i] + sum over k of g_(i,k) ⋆ x[n, k]}, x [N, K, H, W], y [N, I, H, W]; the filter
     * {@code g_(i,k) = wt[i, k]} of wt [I, K, 3, 3], or with {@code flip}, {@code g_(i,k)[a, b] = wt[k, i, 2-a, 2-b]}
     * of wt [K, I, 3, 3].
     */
    static void correlate(int n, int kIn, int h, int w, float[] x, int iOut, float[] wt, boolean flip, float[] bias, float[] y) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, tiles = th * tw;
        // U [16, K, I]
        float[] u = new float[16 * kIn * iOut];
        Parallel.forRange(iOut * kIn, 64, (lo, hi) -> {
            for (int r = lo; r < hi; r++) filter(wt, r / kIn, r % kIn, kIn, iOut, flip, u);
        });
        // Blocks of whole images (at least 4 blocks when there are 4 images, so that threads share the work), each
        // transformed, multiplied and transformed back on one thread while its V and M are still in cache (the GEMM
        // runs inline there). The split does not change any bit: a GEMM element does not depend on its column
        // count, and the transforms are per plane.
        int per = Math.max(1, Math.min((n + 3) / 4, BLOCK_TILES / tiles)), blocks = (n + per - 1) / per;
        Parallel.forRange(blocks, 1, (lo, hi) -> {
            for (int blk = lo; blk < hi; blk++) {
                int n0 = blk * per, nb = Math.min(n, n0 + per) - n0;
                block(nb, kIn, h, w, x, n0 * kIn * h * w, iOut, u, bias, y, n0 * iOut * h * w);
            }
        });
    }

    /**
     * Tiles per block of images in {@link #correlate} (at least one image). Measured (docs/PERFORMANCE.md): 128 to
     * 1024 and unblocked are within 10% of each other on the benchmark's shapes; 512 was among the best.
     */
    private static final int BLOCK_TILES = 512;

    /** One block of {@code nb} images: x[xOff ..] [nb, K, H, W] -> y[yOff ..] [nb, I, H, W], with U [16, K, I]. */
    private static void block(int nb, int kIn, int h, int w, float[] x, int xOff, int iOut, float[] u, float[] bias, float[] y, int yOff) {
        int th = (h + 1) / 2, tw = (w + 1) / 2, tiles = th * tw, t = nb * tiles, tp = rowStride(t);
        // V [16, K, Tp] (+ slack): every element the GEMM keeps is written by the input transform
        float[] v = Scratch.floats(Scratch.GRID_IN, 16 * kIn * tp + SLACK);
        float[] work = Scratch.floats(Scratch.WORK, Math.max(inputWork(th, tw), 4 * tiles));
        for (int plane = 0; plane < nb * kIn; plane++) {   // plane = (image, channel)
            int image = plane / kIn, ch = plane % kIn;
            inputPlane(x, xOff + plane * h * w, h, w, th, tw, v, ch * tp + image * tiles, kIn * tp, work);
        }
        // M [16, I, Tp]: M[ξ] = U[ξ]^T [I, K] . V[ξ] [K, T], B read in place (runs a multiple of every kernel's width)
        float[] m = Scratch.floats(Scratch.GRID_OUT, 16 * iOut * tp);
        int[] aBatch = new int[16], bBatch = new int[16], rows = new int[kIn];
        for (int xi = 0; xi < 16; xi++) {
            aBatch[xi] = xi * kIn * iOut;
            bBatch[xi] = xi * kIn * tp;
        }
        for (int k = 0; k < kIn; k++) rows[k] = k * tp;
        Panels.RowsF b = new Panels.RowsF(v, rows, bBatch, SLACK, 96 * ((t + 95) / 96), new int[] {0});
        Gemm.sgemm(16, iOut, t, kIn, Panels.strided(u, aBatch, iOut, 1), b, m, 0, iOut * tp, tp, false);
        for (int plane = 0; plane < nb * iOut; plane++) {   // plane = (image, output channel)
            int image = plane / iOut, ch = plane % iOut;
            outputPlane(m, ch * tp + image * tiles, iOut * tp, th, tw, bias == null ? 0f : bias[ch], y, yOff + plane * h * w, h, w, work);
        }
        Scratch.release(Scratch.WORK, work);
        Scratch.release(Scratch.GRID_OUT, m);
        Scratch.release(Scratch.GRID_IN, v);
    }

    /** A row length of at least {@code t} whose byte stride is not a multiple of 1 KiB (see the class comment). */
    static int rowStride(int t) {
        int tp = (t + 15) / 16 * 16;
        return tp % 256 == 0 ? tp + 16 : tp;
    }

    /**
     * {@code U[ξ, k, i] = (G g G^T)[ξ]} for the filter of output {@code i} and input {@code k} (see
     * {@link #correlate} for {@code flip}); computed in double and rounded once.
     */
    static void filter(float[] wt, int i, int k, int kIn, int iOut, boolean flip, float[] u) {
        int base = flip ? (k * iOut + i) * 9 : (i * kIn + k) * 9, dir = flip ? -1 : 1, first = flip ? base + 8 : base;
        for (int row = 0; row < 4; row++) {
            // row of G g [4, 3]: filter rows 0, (0+1+2)/2, (0-1+2)/2, 2; then that row times G^T [3, 4]
            double g0 = ggRow(wt, first, dir, row, 0), g1 = ggRow(wt, first, dir, row, 1), g2 = ggRow(wt, first, dir, row, 2);
            int at = (row * 4 * kIn + k) * iOut + i, point = kIn * iOut;
            u[at] = (float) g0;
            u[at + point] = (float) (0.5 * (g0 + g1 + g2));
            u[at + 2 * point] = (float) (0.5 * (g0 - g1 + g2));
            u[at + 3 * point] = (float) g2;
        }
    }

    /** {@code (G g)[row, col]} of the filter whose tap {@code t} is {@code wt[first + dir*t]}, in double. */
    private static double ggRow(float[] wt, int first, int dir, int row, int col) {
        double g0 = wt[first + dir * col], g1 = wt[first + dir * (3 + col)], g2 = wt[first + dir * (6 + col)];
        switch (row) {
            case 0: return g0;
            case 1: return 0.5 * (g0 + g1 + g2);
            case 2: return 0.5 * (g0 - g1 + g2);
            default: return g2;
        }
    }

    // ------------------------------------------------------------------ input transform

    /** Work floats of {@link #inputPlane}: four components with a guard before and after, eight column transforms. */
    static int inputWork(int th, int tw) {
        int len = (th + 1) * tw;
        return 4 * (len + 2) + 8 * len;
    }

    /**
     * {@code V[ξ, (plane's tiles)] = B^T d B} for every tile of one plane x[xOff ..] [H, W], written at
     * {@code v[vOff + ξ*vPoint + tile]}, tile = {@code ty*TW + tx}.
     */
    static void inputPlane(float[] x, int xOff, int h, int w, int th, int tw, float[] v, int vOff, int vPoint, float[] work) {
        int len = (th + 1) * tw;
        split(x, xOff, h, w, th, tw, work);
        // column transform of each component row pair: hj[p][r, s] (rows y = 2r + p - 1), j = 0..3
        for (int p = 0; p < 2; p++) {
            int e = component(2 * p, len), o = component(2 * p + 1, len), hBase = 4 * (len + 2) + p * 4 * len;
            if (Simd.ENABLED) WinogradSimd.columns(work, e, o, hBase, len, 0, len);
            else columns(work, e, o, hBase, len, 0, len);
            for (int r = 0; r <= th; r++) {   // the tiles at a row's ends: their outer neighbour is the padding
                int first = r * tw, last = first + tw - 1;
                work[hBase + first] = 0f - work[o + first];
                work[hBase + 3 * len + last] = work[e + last] - 0f;
            }
        }
        // row transform: V[(i, j)] from the column transforms of rows (2ty - 1, 2ty) = (p 0, p 1) at r = ty and ty+1
        for (int j = 0; j < 4; j++) {
            int a0 = 4 * (len + 2) + j * len, a1 = a0 + 4 * len, d = vOff + j * vPoint;
            if (Simd.ENABLED) WinogradSimd.rows(work, a0, a1, tw, v, d, 4 * vPoint, 0, th * tw);
            else rows(work, a0, a1, tw, v, d, 4 * vPoint, 0, th * tw);
        }
    }

    /** Offset of component {@code q} (0: even rows' even columns, 1: even rows' odd columns, 2, 3: odd rows). */
    private static int component(int q, int len) {
        return 1 + q * (len + 2);
    }

    /**
     * The four components of a plane: {@code E_p[r, s] = x[2r + p - 1, 2s]}, {@code O_p[r, s] = x[2r + p - 1, 2s + 1]}
     * for {@code r <= TH}, {@code s < TW}, zero outside x, each with a zero guard element before and after.
     */
    static void split(float[] x, int xOff, int h, int w, int th, int tw, float[] work) {
        int len = (th + 1) * tw;
        for (int p = 0; p < 2; p++) {
            int e = component(2 * p, len), o = component(2 * p + 1, len);
            work[e - 1] = work[e + len] = work[o - 1] = work[o + len] = 0f;
            for (int r = 0; r <= th; r++) {
                int y = 2 * r + p - 1, de = e + r * tw, dO = o + r * tw;
                if (y < 0 || y >= h) {
                    java.util.Arrays.fill(work, de, de + tw, 0f);
                    java.util.Arrays.fill(work, dO, dO + tw, 0f);
                    continue;
                }
                int row = xOff + y * w, pairs = w / 2;
                // a scalar loop: the Vector API's two-vector shuffles (even and odd lanes) measured 2x slower here
                deinterleave(x, row, work, de, dO, 0, pairs);
                if (pairs < tw) {   // odd width: the last tile's second column is padding
                    work[de + pairs] = x[row + 2 * pairs];
                    work[dO + pairs] = 0f;
                }
            }
        }
    }

    /**
     * The column transform {@code d B} of component rows E, O for tiles {@code [lo, hi)} (columns 2s-1, 2s, 2s+1,
     * 2s+2 are {@code O[s-1], E[s], O[s], E[s+1]}): {@code h0 = O[s-1] - O[s], h1 = E[s] + O[s],
     * h2 = O[s] - E[s], h3 = E[s] - E[s+1]}, written at {@code work[hBase + j*len + s]}.
     */
    static void columns(float[] wk, int e, int o, int hBase, int len, int lo, int hi) {
        for (int s = lo; s < hi; s++) {
            float ev = wk[e + s], ov = wk[o + s];
            wk[hBase + s] = wk[o + s - 1] - ov;
            wk[hBase + len + s] = ev + ov;
            wk[hBase + 2 * len + s] = ov - ev;
            wk[hBase + 3 * len + s] = ev - wk[e + s + 1];
        }
    }

    /**
     * The row transform {@code B^T (d B)} for column j, tiles {@code [lo, hi)}: rows 0..3 of a tile are
     * {@code a0[t], a1[t], a0[t + TW], a1[t + TW]}; {@code v[d + i*step + t] = (v0, v1, v2, v3)[i]} with
     * {@code v0 = r0 - r2, v1 = r1 + r2, v2 = r2 - r1, v3 = r1 - r3}.
     */
    static void rows(float[] wk, int a0, int a1, int tw, float[] v, int d, int step, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
            float r0 = wk[a0 + t], r1 = wk[a1 + t], r2 = wk[a0 + t + tw], r3 = wk[a1 + t + tw];
            v[d + t] = r0 - r2;
            v[d + step + t] = r1 + r2;
            v[d + 2 * step + t] = r2 - r1;
            v[d + 3 * step + t] = r1 - r3;
        }
    }

    // ------------------------------------------------------------------ output transform

    /**
     * {@code y[2ty + a, 2tx + b] = (A^T M A)[a, b] + bias} for the tiles of one output plane y[yOff ..] [H, W],
     * with {@code M[ξ] = m[mOff + ξ*mPoint + tile]}; the 2x2 results go through {@code work [4, TH*TW]}
     * (one array per (a, b)), then into the plane, cropped to H x W.
     */
    static void outputPlane(float[] m, int mOff, int mPoint, int th, int tw, float bias, float[] y, int yOff, int h, int w, float[] work) {
        int tiles = th * tw, pairs = w / 2;
        if (Simd.ENABLED) WinogradSimd.output(m, mOff, mPoint, work, tiles, 0, tiles);
        else output(m, mOff, mPoint, work, tiles, 0, tiles);
        // rows of TW = half a vector (16 wide on AVX-512) are interleaved two at a time (rows 2ty + a and 2ty + 2 + a)
        boolean twoRows = Simd.ENABLED && pairs == tw && 2 * tw == WinogradSimd.LANES;
        for (int a = 0; a < 2; a++) {
            for (int ty = 0; ty < th; ty++) {
                int row = 2 * ty + a;
                if (row >= h) break;
                int dst = yOff + row * w, s0 = (2 * a) * tiles + ty * tw, s1 = s0 + tiles;
                if (twoRows && row + 2 < h) {
                    WinogradSimd.interleaveTwoRows(work, s0, s1, bias, y, dst, dst + 2 * w);
                    ty++;
                    continue;
                }
                if (Simd.ENABLED) WinogradSimd.interleave(work, s0, s1, bias, y, dst, 0, pairs);
                else interleave(work, s0, s1, bias, y, dst, 0, pairs);
                if (pairs < tw) y[dst + 2 * pairs] = work[s0 + pairs] + bias;   // odd width: the last tile's first column
            }
        }
    }

    /** {@code y[dst + 2k] = p[s0 + k] + bias}, {@code y[dst + 2k + 1] = p[s1 + k] + bias} for {@code k in [lo, hi)}. */
    static void interleave(float[] p, int s0, int s1, float bias, float[] y, int dst, int lo, int hi) {
        for (int k = lo; k < hi; k++) {
            y[dst + 2 * k] = p[s0 + k] + bias;
            y[dst + 2 * k + 1] = p[s1 + k] + bias;
        }
    }

    /** {@code e[de + k] = x[src + 2k]}, {@code o[dO + k] = x[src + 2k + 1]} for {@code k in [lo, hi)} (e, o in one array). */
    static void deinterleave(float[] x, int src, float[] work, int de, int dO, int lo, int hi) {
        for (int k = lo; k < hi; k++) {
            work[de + k] = x[src + 2 * k];
            work[dO + k] = x[src + 2 * k + 1];
        }
    }

    /**
     * {@code A^T M A} for tiles {@code [lo, hi)}: {@code S0j = (M0j + M1j) + M2j}, {@code S1j = (M1j - M2j) - M3j},
     * {@code Ya0 = (Sa0 + Sa1) + Sa2}, {@code Ya1 = (Sa1 - Sa2) - Sa3}, written at {@code work[(2a + b)*tiles + t]}.
     */
    static void output(float[] m, int mOff, int mPoint, float[] work, int tiles, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
            int at = mOff + t;
            // S = A^T M [2, 4], column j from M's column j (points j, 4 + j, 8 + j, 12 + j)
            float s00 = sum0(m, at, mPoint, 0), s01 = sum0(m, at, mPoint, 1), s02 = sum0(m, at, mPoint, 2), s03 = sum0(m, at, mPoint, 3);
            float s10 = sum1(m, at, mPoint, 0), s11 = sum1(m, at, mPoint, 1), s12 = sum1(m, at, mPoint, 2), s13 = sum1(m, at, mPoint, 3);
            work[t] = (s00 + s01) + s02;
            work[tiles + t] = (s01 - s02) - s03;
            work[2 * tiles + t] = (s10 + s11) + s12;
            work[3 * tiles + t] = (s11 - s12) - s13;
        }
    }

    private static float sum0(float[] m, int at, int mPoint, int j) {
        return (m[at + j * mPoint] + m[at + (4 + j) * mPoint]) + m[at + (8 + j) * mPoint];
    }

    private static float sum1(float[] m, int at, int mPoint, int j) {
        return (m[at + (4 + j) * mPoint] - m[at + (8 + j) * mPoint]) - m[at + (12 + j) * mPoint];
    }
}
