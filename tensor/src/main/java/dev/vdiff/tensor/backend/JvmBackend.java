package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.kernels.AttentionKernels;
import dev.vdiff.tensor.kernels.Conv;
import dev.vdiff.tensor.kernels.ConvGeometry;
import dev.vdiff.tensor.kernels.Gemm;
import dev.vdiff.tensor.kernels.GroupNormKernels;
import dev.vdiff.tensor.kernels.SoftmaxKernels;
import dev.vdiff.tensor.kernels.UnaryKernels;

/**
 * The default backend: each call goes unchanged to the JVM kernel of the same signature (multi-threaded
 * with {@link Parallel}, vectorised), so results are exactly those of the kernels themselves. It is also
 * the oracle every other backend is tested against.
 */
public final class JvmBackend implements KernelBackend {
    /** Elements per task of the pointwise maps (the grain the ops used before backends existed). */
    public static final int POINTWISE_GRAIN = 1 << 14;

    @Override public String name() { return "jvm"; }

    @Override public String description() { return "JVM kernels, " + Parallel.threads() + " threads"; }

    @Override
    public void sgemmBatched(int batches, int m, int n, int k, float[] a, int aOff, int[] aBatch, int aK, int aM,
                             float[] b, int bOff, int[] bBatch, int bK, int bN, float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        Gemm.sgemmBatched(batches, m, n, k, a, aOff, aBatch, aK, aM, b, bOff, bBatch, bK, bN, c, cOff, cBatch, ldc, accumulate);
    }

    @Override public void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] out) { Conv.forward(g, x, w, bias, out); }
    @Override public void convInputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) { Conv.inputGrad(g, dy, w, dx); }
    @Override public void convWeightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw) { Conv.weightGrad(g, x, dy, dw); }
    @Override public void convBiasGrad(ConvGeometry g, float[] dy, float[] db) { Conv.biasGrad(g, dy, db); }

    @Override
    public void attentionForward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, AttentionKernels.Geometry g) {
        AttentionKernels.forward(q, k, v, out, lse, probs, g);
    }

    @Override
    public void attentionBackward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                                  float[] dq, float[] dk, float[] dv, AttentionKernels.Geometry g) {
        AttentionKernels.backward(q, k, v, out, lse, dout, dq, dk, dv, g);
    }

    @Override
    public void groupNormForward(float[] x, float[] weight, float[] bias, float[] out, double[] mean, double[] rstd,
                                 int n, int c, int l, int groups, double eps) {
        GroupNormKernels.forward(x, weight, bias, out, mean, rstd, n, c, l, groups, eps);
    }

    @Override
    public void groupNormBackward(float[] x, float[] weight, float[] g, double[] mean, double[] rstd,
                                  float[] dx, double[] dwPart, double[] dbPart, int n, int c, int l, int groups) {
        GroupNormKernels.backward(x, weight, g, mean, rstd, dx, dwPart, dbPart, n, c, l, groups);
    }

    @Override public void softmaxForward(boolean log, float[] x, float[] y, int outer, int r, int inner) { SoftmaxKernels.forward(log, x, y, outer, r, inner); }
    @Override public void softmaxBackward(boolean log, float[] y, float[] g, float[] dx, int outer, int r, int inner) { SoftmaxKernels.backward(log, y, g, dx, outer, r, inner); }

    @Override
    public void unaryForward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, int n) {
        Parallel.forRange(n, POINTWISE_GRAIN, (lo, hi) -> UnaryKernels.forward(fn, a, b, x, y, lo, hi));
    }

    @Override
    public void unaryBackward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, float[] g, float[] dx, int n) {
        Parallel.forRange(n, POINTWISE_GRAIN, (lo, hi) -> UnaryKernels.backward(fn, a, b, x, y, g, dx, lo, hi));
    }
}
