package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.Parallel;

/**
 * Convolution forward and backward over flat arrays, as products on the blocked {@link Gemm} kernel with
 * implicit im2col ({@link Im2colF}, {@link Im2colD}). Layouts (see {@link ConvGeometry}):
 * x {@code [N, C, Q]}, w {@code [O, CK]}, bias {@code [O]}, out and dy {@code [N, O, P]}.
 *
 * <p>Every output element is one {@link Gemm} dot product, so results do not depend on the thread count;
 * the weight gradient sums over images and positions in one product ({@code K = N*P}), the bias
 * gradient in image-then-position order.
 */
public final class Conv {
    private Conv() {}

    /** {@code out[n, o, :] = bias[o] + w[o, :] . col_n} (bias may be null). */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] out) {
        if (bias != null) fillRows(g, bias, out);
        Gemm.sgemm(g.n, g.o, g.p, g.ck, Panels.strided(w, new int[] {0}, 1, g.ck), Im2colF.im2col(g, x), out, 0, g.o * g.p, g.p, bias != null);
    }

    public static void forward(ConvGeometry g, double[] x, double[] w, double[] bias, double[] out) {
        if (bias != null) fillRows(g, bias, out);
        Gemm.dgemm(g.n, g.o, g.p, g.ck, Panels.strided(w, new int[] {0}, 1, g.ck), Im2colD.im2col(g, x), out, 0, g.o * g.p, g.p, bias != null);
    }

    /** {@code dx_n [C, Q] = wT [C, O*KK] . dcol_n}, with {@code wT[c, (o, tap)] = w[o, c, tap]}. */
    public static void inputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int okk = g.o * g.kk;
        float[] wt = new float[g.c * okk];
        for (int o = 0; o < g.o; o++) {
            for (int c = 0; c < g.c; c++) System.arraycopy(w, (o * g.c + c) * g.kk, wt, c * okk + o * g.kk, g.kk);
        }
        Gemm.sgemm(g.n, g.c, g.q, okk, Panels.strided(wt, new int[] {0}, 1, okk), Im2colF.col2imT(g, dy), dx, 0, g.c * g.q, g.q, false);
    }

    public static void inputGrad(ConvGeometry g, double[] dy, double[] w, double[] dx) {
        int okk = g.o * g.kk;
        double[] wt = new double[g.c * okk];
        for (int o = 0; o < g.o; o++) {
            for (int c = 0; c < g.c; c++) System.arraycopy(w, (o * g.c + c) * g.kk, wt, c * okk + o * g.kk, g.kk);
        }
        Gemm.dgemm(g.n, g.c, g.q, okk, Panels.strided(wt, new int[] {0}, 1, okk), Im2colD.col2imT(g, dy), dx, 0, g.c * g.q, g.q, false);
    }

    /** {@code dw [O, CK] = sum over n of dy_n [O, P] . col_n^T}: one product with K = N*P. */
    public static void weightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        Gemm.sgemm(1, g.o, g.ck, g.n * g.p, Im2colF.outputRows(g, dy), Im2colF.im2colT(g, x), dw, 0, 0, g.ck, false);
    }

    public static void weightGrad(ConvGeometry g, double[] x, double[] dy, double[] dw) {
        Gemm.dgemm(1, g.o, g.ck, g.n * g.p, Im2colD.outputRows(g, dy), Im2colD.im2colT(g, x), dw, 0, 0, g.ck, false);
    }

    /** {@code db[o] = sum over n, pos of dy[n, o, pos]}, accumulated in double in that order. */
    public static void biasGrad(ConvGeometry g, float[] dy, float[] db) {
        Parallel.forRange(g.o, 1, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                double s = 0;
                for (int n = 0; n < g.n; n++) {
                    int base = (n * g.o + o) * g.p;
                    for (int i = 0; i < g.p; i++) s += dy[base + i];
                }
                db[o] = (float) s;
            }
        });
    }

    public static void biasGrad(ConvGeometry g, double[] dy, double[] db) {
        Parallel.forRange(g.o, 1, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                double s = 0;
                for (int n = 0; n < g.n; n++) {
                    int base = (n * g.o + o) * g.p;
                    for (int i = 0; i < g.p; i++) s += dy[base + i];
                }
                db[o] = s;
            }
        });
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
