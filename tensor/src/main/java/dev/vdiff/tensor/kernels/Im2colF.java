package dev.vdiff.tensor.kernels;

/**
 * The operands of convolution as GEMM operands ("implicit im2col"): panel sources ({@link Panels}) that
 * read x, dy or w in their own layout while packing, so no im2col matrix is ever stored. With
 * {@code col_n[(c, tap), pos] = x[n, c, input position of (pos, tap)]} (0 in the padding):
 * <pre>
 *   forward   out_n [O, P]  = w [O, CK] . col_n [CK, P]                       ({@link #im2col})
 *   weights   dw    [O, CK] = sum_n dy_n [O, P] . col_n^T                     ({@link #outputRows}, {@link #im2colChannelsLast})
 *   input     dx_n  [C, Q]  = wT [C, O*KK] . dcol_n [O*KK, Q],                ({@link #col2imT})
 *             dcol_n[(o, tap), q] = dy[n, o, output position that reads q through tap] (0 if none)
 * </pre>
 * These are the general forms (any stride and padding); stride-1 forward and input gradient take the faster
 * {@link PaddedGridF} path, so im2col and col2imT serve strided convolutions only.
 *
 * <p>float32; {@link Im2colD} is the same code for float64.
 */
public final class Im2colF {
    private Im2colF() {}

    /** B of the forward product: {@code S_n(k = (c, tap), j = pos) = col_n[k, j]}. */
    public static Panels.F im2col(ConvGeometry g, float[] x) {
        return (n, k0, kc, j0, cols, width, dst, off) -> {
            for (int kk = 0; kk < kc; kk++) {
                int k = k0 + kk, c = k / g.kk, t = k % g.kk, a = g.tapD(t), b = g.tapH(t), e = g.tapW(t);
                int base = (n * g.c + c) * g.q, d = off + kk * width;
                // walk output positions j0 .. j0+cols-1 one output row at a time
                int ow = j0 % g.ow, rest = j0 / g.ow, oh = rest % g.oh, od = rest / g.oh;
                for (int done = 0; done < cols; ) {
                    int seg = Math.min(cols - done, g.ow - ow), dd = d + done;
                    int id = od * g.sd + a - g.pd, ih = oh * g.sh + b - g.ph, iw0 = ow * g.sw + e - g.pw;
                    if (id < 0 || id >= g.d || ih < 0 || ih >= g.h) {
                        for (int i = 0; i < seg; i++) dst[dd + i] = 0f;
                    } else {
                        int row = base + (id * g.h + ih) * g.w;
                        for (int i = 0; i < seg; i++) {
                            int iw = iw0 + i * g.sw;
                            dst[dd + i] = iw >= 0 && iw < g.w ? x[row + iw] : 0f;
                        }
                    }
                    done += seg;
                    ow = 0;
                    if (++oh == g.oh) {
                        oh = 0;
                        od++;
                    }
                }
                for (int j = cols; j < width; j++) dst[d + j] = 0f;
            }
        };
    }

    /** B of the input gradient: {@code S_n(k = (o, tap), j = q) = dcol_n[k, j]}. */
    public static Panels.F col2imT(ConvGeometry g, float[] dy) {
        return (n, k0, kc, j0, cols, width, dst, off) -> {
            for (int kk = 0; kk < kc; kk++) {
                int k = k0 + kk, o = k / g.kk, t = k % g.kk, a = g.tapD(t), b = g.tapH(t), e = g.tapW(t);
                int base = (n * g.o + o) * g.p, d = off + kk * width;
                // walk input positions j0 .. j0+cols-1 one input row at a time
                int iw = j0 % g.w, rest = j0 / g.w, ih = rest % g.h, id = rest / g.h;
                for (int done = 0; done < cols; ) {
                    int seg = Math.min(cols - done, g.w - iw), dd = d + done;
                    // the output position reading (id, ih, iw) through this tap has od*sd = odn, oh*sh = ohn, ow*sw = own
                    int odn = id + g.pd - a, ohn = ih + g.ph - b, own0 = iw + g.pw - e;
                    if (odn < 0 || ohn < 0 || odn % g.sd != 0 || ohn % g.sh != 0 || odn / g.sd >= g.od || ohn / g.sh >= g.oh) {
                        for (int i = 0; i < seg; i++) dst[dd + i] = 0f;
                    } else {
                        // with stride s a tap reads every s-th input column; columns past the last window never
                        int row = base + (odn / g.sd * g.oh + ohn / g.sh) * g.ow;
                        for (int i = 0; i < seg; i++) {
                            int own = own0 + i;
                            dst[dd + i] = own >= 0 && own % g.sw == 0 && own / g.sw < g.ow ? dy[row + own / g.sw] : 0f;
                        }
                    }
                    done += seg;
                    iw = 0;
                    if (++ih == g.h) {
                        ih = 0;
                        id++;
                    }
                }
                for (int j = cols; j < width; j++) dst[d + j] = 0f;
            }
        };
    }

    /**
     * B of the weight gradient, from a channels-last copy {@code xt [N, Q, C]} of x:
     * {@code S(k = (n, pos), j = (tap, c)) = xt[n, input position of (pos, tap), c]}, batch folded into k.
     * Columns are ordered (tap, c), so a row of a panel is a few runs of consecutive channels: one
     * {@code arraycopy} each (with x itself, columns (c, tap) would be a gather with a stride of Q).
     */
    public static Panels.F im2colChannelsLast(ConvGeometry g, float[] xt) {
        return (unused, k0, kc, j0, cols, width, dst, off) -> {
            // the panel's columns as runs (tap, first channel, length, first column); the same for every row
            int[] runs = new int[4 * cols];
            int nRuns = 0;
            for (int j = j0; j < j0 + cols; ) {
                int t = j / g.c, c = j % g.c, len = Math.min(g.c - c, j0 + cols - j);
                runs[4 * nRuns] = t;
                runs[4 * nRuns + 1] = c;
                runs[4 * nRuns + 2] = len;
                runs[4 * nRuns + 3] = j - j0;
                nRuns++;
                j += len;
            }
            int k = k0, n = k / g.p, pos = k % g.p;
            int ow = pos % g.ow, rest = pos / g.ow, oh = rest % g.oh, od = rest / g.oh;
            for (int kk = 0; kk < kc; kk++) {
                int d = off + kk * width;
                for (int r = 0; r < nRuns; r++) {
                    int t = runs[4 * r], len = runs[4 * r + 2], dc = d + runs[4 * r + 3];
                    int id = od * g.sd + g.tapD(t) - g.pd, ih = oh * g.sh + g.tapH(t) - g.ph, iw = ow * g.sw + g.tapW(t) - g.pw;
                    if (id >= 0 && id < g.d && ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) {
                        System.arraycopy(xt, ((n * g.d + id) * g.h + ih) * g.w * g.c + iw * g.c + runs[4 * r + 1], dst, dc, len);
                    } else {
                        for (int i = 0; i < len; i++) dst[dc + i] = 0f;
                    }
                }
                for (int j = cols; j < width; j++) dst[d + j] = 0f;
                if (++ow == g.ow) {
                    ow = 0;
                    if (++oh == g.oh) {
                        oh = 0;
                        if (++od == g.od) {
                            od = 0;
                            n++;
                        }
                    }
                }
            }
        };
    }

    /** A^T of the weight gradient: {@code S(k = (n, pos), i = o) = dy[n, o, pos]}, batch folded into k. */
    public static Panels.F outputRows(ConvGeometry g, float[] dy) {
        return channelRows(g.n, g.o, g.p, dy);
    }

    /**
     * A channels-first array {@code a [N, CH, POS]} as the matrix {@code S(k = (n, pos), j = ch) = a[n, ch, pos]},
     * batch folded into k: dy as A^T of the weight gradient ({@link #outputRows}), x as B of a pointwise
     * convolution's weight gradient.
     */
    public static Panels.F channelRows(int images, int channels, int positions, float[] a) {
        return (unused, k0, kc, i0, rows, width, dst, off) -> {
            for (int r = 0; r < rows; r++) {
                for (int done = 0; done < kc; ) {
                    int k = k0 + done, n = k / positions, pos = k % positions, seg = Math.min(kc - done, positions - pos);
                    int src = (n * channels + i0 + r) * positions + pos, d = off + done * width + r;
                    for (int s = 0; s < seg; s++) dst[d + s * width] = a[src + s];
                    done += seg;
                }
            }
            Panels.zeroColumns(dst, off, kc, rows, width);
        };
    }
}
