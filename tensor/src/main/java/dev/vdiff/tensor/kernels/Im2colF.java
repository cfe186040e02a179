package dev.vdiff.tensor.kernels;

/**
 * The operands of convolution as GEMM operands ("implicit im2col"): panel sources ({@link Panels}) that
 * read x, dy or w in their own layout while packing, so no im2col matrix is ever stored. With
 * {@code col_n[(c, tap), pos] = x[n, c, input position of (pos, tap)]} (0 in the padding):
 * <pre>
 *   forward   out_n [O, P]  = w [O, CK] . col_n [CK, P]                       ({@link #im2col})
 *   weights   dw    [O, CK] = sum_n dy_n [O, P] . col_n^T                     ({@link #outputRows}, {@link #im2colT})
 *   input     dx_n  [C, Q]  = wT [C, O*KK] . dcol_n [O*KK, Q],                ({@link #col2imT})
 *             dcol_n[(o, tap), q] = dy[n, o, output position that reads q through tap] (0 if none)
 * </pre>
 * float32; {@link Im2colD} is the same code for float64.
 */
public final class Im2colF {
    private Im2colF() {}

    /** B of the forward product: {@code S_n(k = (c, tap), j = pos) = col_n[k, j]}. */
    public static Panels.F im2col(ConvGeometry g, float[] x) {
        return (n, k0, kc, j0, cols, width, dst, off) -> {
            for (int kk = 0; kk < kc; kk++) {
                int k = k0 + kk, c = k / g.kk, t = k % g.kk;
                int d = off + kk * width;
                gather(g, x, (n * g.c + c) * g.q, g.tapD(t), g.tapH(t), g.tapW(t), j0, cols, dst, d, 1);
                for (int j = cols; j < width; j++) dst[d + j] = 0f;
            }
        };
    }

    /** B of the weight gradient: {@code S(k = (n, pos), j = (c, tap)) = col_n[j, pos]}, batch folded into k. */
    public static Panels.F im2colT(ConvGeometry g, float[] x) {
        return (unused, k0, kc, j0, cols, width, dst, off) -> {
            for (int jj = 0; jj < cols; jj++) {
                int j = j0 + jj, c = j / g.kk, t = j % g.kk;
                for (int done = 0; done < kc; ) {
                    int k = k0 + done, n = k / g.p, pos = k % g.p, seg = Math.min(kc - done, g.p - pos);
                    gather(g, x, (n * g.c + c) * g.q, g.tapD(t), g.tapH(t), g.tapW(t), pos, seg, dst, off + done * width + jj, width);
                    done += seg;
                }
            }
            Panels.zeroColumns(dst, off, kc, cols, width);
        };
    }

    /** A^T of the weight gradient: {@code S(k = (n, pos), i = o) = dy[n, o, pos]}, batch folded into k. */
    public static Panels.F outputRows(ConvGeometry g, float[] dy) {
        return (unused, k0, kc, i0, rows, width, dst, off) -> {
            for (int r = 0; r < rows; r++) {
                for (int done = 0; done < kc; ) {
                    int k = k0 + done, n = k / g.p, pos = k % g.p, seg = Math.min(kc - done, g.p - pos);
                    int src = (n * g.o + i0 + r) * g.p + pos, d = off + done * width + r;
                    for (int s = 0; s < seg; s++) dst[d + s * width] = dy[src + s];
                    done += seg;
                }
            }
            Panels.zeroColumns(dst, off, kc, rows, width);
        };
    }

    /** B of the input gradient: {@code S_n(k = (o, tap), j = q) = dcol_n[k, j]}. */
    public static Panels.F col2imT(ConvGeometry g, float[] dy) {
        return (n, k0, kc, j0, cols, width, dst, off) -> {
            for (int kk = 0; kk < kc; kk++) {
                int k = k0 + kk, o = k / g.kk, t = k % g.kk;
                int d = off + kk * width;
                gatherT(g, dy, (n * g.o + o) * g.p, g.tapD(t), g.tapH(t), g.tapW(t), j0, cols, dst, d);
                for (int j = cols; j < width; j++) dst[d + j] = 0f;
            }
        };
    }

    /**
     * {@code dst[d0 + i*ds] = x[base + input position of output position pos0 + i through tap (a, b, e)]}
     * for {@code i < count} (positions of one image), 0 in the padding. Walks output rows: along a row the
     * input is read at stride {@code sw}, contiguously when {@code sw = 1}.
     */
    static void gather(ConvGeometry g, float[] x, int base, int a, int b, int e, int pos0, int count, float[] dst, int d0, int ds) {
        int ow = pos0 % g.ow, rest = pos0 / g.ow, oh = rest % g.oh, od = rest / g.oh;
        for (int done = 0; done < count; ) {
            int seg = Math.min(count - done, g.ow - ow);
            int id = od * g.sd + a - g.pd, ih = oh * g.sh + b - g.ph, dd = d0 + done * ds;
            int iw0 = ow * g.sw + e - g.pw;
            if (id < 0 || id >= g.d || ih < 0 || ih >= g.h) {
                for (int i = 0; i < seg; i++) dst[dd + i * ds] = 0f;
            } else if (g.sw == 1) {
                // iw = iw0 + i is inside [0, W) for i in [lo, hi)
                int row = base + (id * g.h + ih) * g.w + iw0;
                int lo = Math.min(seg, Math.max(0, -iw0)), hi = Math.max(lo, Math.min(seg, g.w - iw0));
                for (int i = 0; i < lo; i++) dst[dd + i * ds] = 0f;
                if (ds == 1) {
                    for (int i = lo; i < hi; i++) dst[dd + i] = x[row + i];
                } else {
                    for (int i = lo; i < hi; i++) dst[dd + i * ds] = x[row + i];
                }
                for (int i = hi; i < seg; i++) dst[dd + i * ds] = 0f;
            } else {
                int row = base + (id * g.h + ih) * g.w;
                for (int i = 0; i < seg; i++) {
                    int iw = iw0 + i * g.sw;
                    dst[dd + i * ds] = iw >= 0 && iw < g.w ? x[row + iw] : 0f;
                }
            }
            done += seg;
            ow = 0;
            if (++oh == g.oh) {
                oh = 0;
                od++;
            }
        }
    }

    /**
     * The transpose of {@link #gather}: {@code dst[d0 + i] = dy[base + output position that reads input
     * position q0 + i through tap (a, b, e)]}, 0 where no output position does (with stride s only every
     * s-th input position is read by a given tap; rows past the last window are never read).
     */
    static void gatherT(ConvGeometry g, float[] dy, int base, int a, int b, int e, int q0, int count, float[] dst, int d0) {
        int iw = q0 % g.w, rest = q0 / g.w, ih = rest % g.h, id = rest / g.h;
        for (int done = 0; done < count; ) {
            int seg = Math.min(count - done, g.w - iw);
            int dd = d0 + done;
            int odn = id + g.pd - a, ohn = ih + g.ph - b, own0 = iw + g.pw - e;   // = od*sd, oh*sh, ow*sw if read
            if (odn < 0 || ohn < 0 || odn % g.sd != 0 || ohn % g.sh != 0 || odn / g.sd >= g.od || ohn / g.sh >= g.oh) {
                for (int i = 0; i < seg; i++) dst[dd + i] = 0f;
            } else if (g.sw == 1) {
                int row = base + (odn / g.sd * g.oh + ohn / g.sh) * g.ow + own0;
                int lo = Math.min(seg, Math.max(0, -own0)), hi = Math.max(lo, Math.min(seg, g.ow - own0));
                for (int i = 0; i < lo; i++) dst[dd + i] = 0f;
                for (int i = lo; i < hi; i++) dst[dd + i] = dy[row + i];
                for (int i = hi; i < seg; i++) dst[dd + i] = 0f;
            } else {
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
    }
}
