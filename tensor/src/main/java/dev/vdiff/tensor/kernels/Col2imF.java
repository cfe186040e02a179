package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * The input gradient of a strided convolution (stride above 1 on some axis) without multiplying zeros, float32.
 * The input gradient is the transposed convolution of dy; {@link Im2colF#col2imT} writes it as a correlation
 * of the stride-dilated dy, whose product multiplies {@code sh*sw - 1} zeros for every value (a stride-2 2-D
 * convolution: 4x the forward's multiplies, 33 ms against the forward's 7 on the benchmark's {@code down0}).
 * Here the product comes first and the scatter second:
 * <pre>
 *   dcol_n [CK, P] = w^T [CK, O] . dy_n [O, P]          one GEMM per image, K = O (the forward's multiplies exactly)
 *   dx[n, c, od*sd + a - pd, oh*sh + b - ph, ow*sw + e - pw] += dcol_n[(c, tap = (a, b, e)), (od, oh, ow)]
 *                                                       (col2im: taps in order 0 .. KK-1, 0 outside x)
 * </pre>
 * Every dx element is the sum, in tap order, of one {@link Gemm} dot product over O per tap that reaches it
 * (the same whatever the thread count: images are split between threads, and a GEMM element does not depend on
 * the tiling). Its float32 bits differ from {@link Im2colF#col2imT}'s single dot product over (o, tap) by
 * rounding only (a different summation order of the same products).
 */
final class Col2imF {
    private Col2imF() {}

    /** Floats of one block of dcol at most (4 MiB): a 3-D convolution's CK x P can be far larger than one image. */
    private static final int BLOCK_FLOATS = 1 << 20;

    /**
     * {@code dx [N, C, Q]} from {@code dy [N, O, P]} and {@code w [O, CK]}, as in the class comment, one image at a
     * time and, within it, blocks of whole channels (every tap of a channel in one block, so the block size does not
     * change the order of any sum).
     */
    static void inputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int perBlock = Math.max(1, Math.min(g.c, BLOCK_FLOATS / Math.max(1, g.kk * g.p)));
        Parallel.forRange(g.n, 1, (lo, hi) -> {
            // dcol [channels of the block * KK, P]: every element is written by the GEMM
            float[] dcol = Scratch.floats(Scratch.GRID_OUT, perBlock * g.kk * g.p);
            for (int n = lo; n < hi; n++) {
                java.util.Arrays.fill(dx, n * g.c * g.q, (n + 1) * g.c * g.q, 0f);
                Panels.F dyN = Panels.strided(dy, new int[] {n * g.o * g.p}, g.p, 1);   // S(k = o, j = pos) = dy[n, o, pos]
                for (int c0 = 0; c0 < g.c; c0 += perBlock) {
                    int c1 = Math.min(g.c, c0 + perBlock);
                    // S(k = o, i = (c - c0, tap)) = w[o, (c, tap)]
                    Panels.F wT = Panels.strided(w, new int[] {c0 * g.kk}, g.ck, 1);
                    Gemm.sgemm(1, (c1 - c0) * g.kk, g.p, g.o, wT, dyN, dcol, 0, 0, g.p, false);
                    for (int c = c0; c < c1; c++) scatterChannel(g, dcol, c - c0, dx, (n * g.c + c) * g.q);
                }
            }
            Scratch.release(Scratch.GRID_OUT, dcol);
        });
    }

    /**
     * col2im of one channel: {@code dx[xOff + input position of (pos, tap)] += dcol[(c*KK + tap)*P + pos]} (c: the
     * channel's row in this block of dcol) for
     * every tap in order and every output position whose window reaches inside x.
     */
    static void scatterChannel(ConvGeometry g, float[] dcol, int c, float[] dx, int xOff) {
        for (int t = 0; t < g.kk; t++) {
            int a = g.tapD(t), b = g.tapH(t), e = g.tapW(t), src = (c * g.kk + t) * g.p;
            // output columns whose input column ow*sw + e - pw lies in [0, W)
            int ow0 = Math.max(0, ceilDiv(g.pw - e, g.sw)), ow1 = Math.min(g.ow, ceilDiv(g.w + g.pw - e, g.sw));
            for (int od = 0; od < g.od; od++) {
                int id = od * g.sd + a - g.pd;
                if (id < 0 || id >= g.d) continue;
                for (int oh = 0; oh < g.oh; oh++) {
                    int ih = oh * g.sh + b - g.ph;
                    if (ih < 0 || ih >= g.h) continue;
                    int s = src + (od * g.oh + oh) * g.ow, d = xOff + (id * g.h + ih) * g.w + e - g.pw;
                    for (int ow = ow0; ow < ow1; ow++) dx[d + ow * g.sw] += dcol[s + ow];
                }
            }
        }
    }

    /** {@code ceil(a / b)} for {@code b > 0} and any sign of {@code a}. */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
