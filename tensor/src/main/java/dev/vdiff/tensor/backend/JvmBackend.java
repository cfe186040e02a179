package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.kernels.AttentionKernels;
import dev.vdiff.tensor.kernels.Conv;
import dev.vdiff.tensor.kernels.ConvGeometry;
import dev.vdiff.tensor.kernels.Gemm;
import dev.vdiff.tensor.kernels.GroupNormKernels;
import dev.vdiff.tensor.kernels.LossKernels;
import dev.vdiff.tensor.kernels.OptimizerKernels;
import dev.vdiff.tensor.kernels.SgdKernels;
import dev.vdiff.tensor.kernels.SoftmaxKernels;
import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.kernels.UnaryKernels;

/**
 * The default backend: each call goes unchanged to the JVM kernel of the same signature (multi-threaded
 * with {@link Parallel}, vectorised), so results are exactly those of the kernels themselves. It is also
 * the oracle every other backend is tested against. Before a kernel runs, any argument whose newest values a
 * device holds ({@link HostCopy}: lazy read-back) is brought home, so a JVM kernel never reads a stale array.
 */
public final class JvmBackend implements KernelBackend {
    /** Elements per task of the pointwise maps (the grain the ops used before backends existed). */
    public static final int POINTWISE_GRAIN = 1 << 14;

    @Override public String name() { return "jvm"; }

    @Override public String description() { return "JVM kernels, " + Parallel.threads() + " threads"; }

    @Override
    public void sgemmBatched(int batches, int m, int n, int k, float[] a, int aOff, int[] aBatch, int aK, int aM,
                             float[] b, int bOff, int[] bBatch, int bK, int bN, float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        if (HostCopy.anyStale()) home(a, b, c);
        Gemm.sgemmBatched(batches, m, n, k, a, aOff, aBatch, aK, aM, b, bOff, bBatch, bK, bN, c, cOff, cBatch, ldc, accumulate);
    }

    @Override public void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] out) {
        if (HostCopy.anyStale()) home(x, w, bias, out);
        Conv.forward(g, x, w, bias, out);
    }

    @Override public void convInputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        if (HostCopy.anyStale()) home(dy, w, dx);
        Conv.inputGrad(g, dy, w, dx);
    }

    @Override public void convWeightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        if (HostCopy.anyStale()) home(x, dy, dw);
        Conv.weightGrad(g, x, dy, dw);
    }

    @Override public void convBiasGrad(ConvGeometry g, float[] dy, float[] db) {
        if (HostCopy.anyStale()) home(dy, db);
        Conv.biasGrad(g, dy, db);
    }


    @Override
    public void attentionForward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, AttentionKernels.Geometry g) {
        if (HostCopy.anyStale()) home(q, k, v, out, lse, probs);
        AttentionKernels.forward(q, k, v, out, lse, probs, g);
    }

    @Override
    public void attentionBackward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                                  float[] dq, float[] dk, float[] dv, AttentionKernels.Geometry g) {
        if (HostCopy.anyStale()) home(q, k, v, out, lse, dout, dq, dk, dv);
        AttentionKernels.backward(q, k, v, out, lse, dout, dq, dk, dv, g);
    }

    @Override
    public void groupNormForward(float[] x, float[] weight, float[] bias, float[] out, double[] mean, double[] rstd,
                                 int n, int c, int l, int groups, double eps) {
        if (HostCopy.anyStale()) home(x, weight, bias, out);
        GroupNormKernels.forward(x, weight, bias, out, mean, rstd, n, c, l, groups, eps);
    }

    @Override
    public void groupNormBackward(float[] x, float[] weight, float[] g, double[] mean, double[] rstd,
                                  float[] dx, double[] dwPart, double[] dbPart, int n, int c, int l, int groups) {
        if (HostCopy.anyStale()) home(x, weight, g, dx);
        GroupNormKernels.backward(x, weight, g, mean, rstd, dx, dwPart, dbPart, n, c, l, groups);
    }

    @Override public void softmaxForward(boolean log, float[] x, float[] y, int outer, int r, int inner) {
        if (HostCopy.anyStale()) home(x, y);
        SoftmaxKernels.forward(log, x, y, outer, r, inner);
    }

    @Override public void softmaxBackward(boolean log, float[] y, float[] g, float[] dx, int outer, int r, int inner) {
        if (HostCopy.anyStale()) home(y, g, dx);
        SoftmaxKernels.backward(log, y, g, dx, outer, r, inner);
    }


    @Override
    public void unaryForward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, int n) {
        if (HostCopy.anyStale()) home(x, y);
        Parallel.forRange(n, POINTWISE_GRAIN, (lo, hi) -> UnaryKernels.forward(fn, a, b, x, y, lo, hi));
    }

    @Override
    public void unaryBackward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, float[] g, float[] dx, int n) {
        if (HostCopy.anyStale()) home(x, y, g, dx);
        Parallel.forRange(n, POINTWISE_GRAIN, (lo, hi) -> UnaryKernels.backward(fn, a, b, x, y, g, dx, lo, hi));
    }

    // ------------------------------------------------------------------ optimizer

    @Override
    public void adamwStep(float[] p, float[] g, float[] m, float[] v, int n, OptimizerKernels.AdamWStep s) {
        if (HostCopy.anyStale()) home(p, g, m, v);
        OptimizerKernels.adamw(p, g, m, v, n, s);
    }

    @Override public void emaUpdate(float[] shadow, float[] param, int n, double w) {
        if (HostCopy.anyStale()) home(shadow, param);
        OptimizerKernels.ema(shadow, param, n, w);
    }

    @Override public double sumOfSquares(float[] x, int n) {
        if (HostCopy.anyStale()) home(x);
        return OptimizerKernels.sumOfSquares(x, n);
    }

    @Override public void scaleInPlace(float[] x, int n, float c) {
        if (HostCopy.anyStale()) home(x);
        OptimizerKernels.scale(x, n, c);
    }

    // ------------------------------------------------------------------ elementwise arithmetic, broadcast sums and copies

    @Override
    public void binary(StridedKernels.Op op, int[] shape, float[] a, int aOff, int[] aStrides, float[] b, int bOff, int[] bStrides, float c, float[] out) {
        if (HostCopy.anyStale()) home(a, b, out);
        StridedKernels.binary(op, shape, a, aOff, aStrides, b, bOff, bStrides, c, out);
    }

    @Override public void copy(int[] shape, float[] src, int sOff, int[] sStrides, float[] dst, int dOff, int[] dStrides) {
        if (HostCopy.anyStale()) home(src, dst);
        StridedKernels.copy(shape, src, sOff, sStrides, dst, dOff, dStrides);
    }

    @Override public void fill(float[] dst, int n, float v) {
        if (HostCopy.anyStale()) home(dst);   // the elements past n keep their values
        StridedKernels.fill(dst, n, v);
    }

    @Override public void sumTo(int[] gShape, float[] g, int[] outStrides, float[] out, int outLen, boolean inDouble) {
        if (HostCopy.anyStale()) home(g, out);
        StridedKernels.sumTo(gShape, g, outStrides, out, outLen, inDouble);
    }

    /** Brings home the arrays (nulls ignored) that a device holds newer values of. */
    private static void home(float[]... arrays) {
        for (float[] a : arrays) if (a != null) HostCopy.bringHome(a);
    }

    // ------------------------------------------------------------------ regression losses (tor8, session 8)

    @Override public double lossSum(float[] a, float[] b, int n, double huberC) {
        if (HostCopy.anyStale()) home(a, b);
        return huberC < 0 ? LossKernels.squaredErrorSum(a, b, n) : LossKernels.pseudoHuberSum(a, b, n, huberC);
    }

    @Override public void lossGradient(float[] a, float[] b, float[] da, int n, double k, double huberC) {
        if (HostCopy.anyStale()) home(a, b, da);
        LossKernels.gradient(a, b, da, n, k, huberC);
    }

    // ------------------------------------------------------------------ SGD (tor8, session 8)

    @Override public void sgdStep(float[] p, float[] g, float[] buf, int n, SgdKernels.Step s) {
        if (HostCopy.anyStale()) home(p, g, buf);
        SgdKernels.step(p, g, buf, n, s, 1 << 14);   // optim.SGD's grain
    }
}
