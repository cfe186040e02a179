package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.kernels.AttentionKernels;
import dev.vdiff.tensor.kernels.ConvGeometry;
import dev.vdiff.tensor.kernels.OptimizerKernels;
import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.kernels.UnaryKernels;

import java.util.Map;
import java.util.TreeMap;

/** A test backend named "counting": the JVM kernels, plus a count of the calls per method. */
public final class CountingBackend implements KernelBackend {
    final Map<String, Integer> calls = new TreeMap<>();
    private final JvmBackend jvm = new JvmBackend();

    private void count(String m) { calls.merge(m, 1, Integer::sum); }

    @Override public String name() { return "counting"; }
    @Override public String description() { return "JVM kernels, counted"; }

    @Override
    public void sgemmBatched(int batches, int m, int n, int k, float[] a, int aOff, int[] aBatch, int aK, int aM,
                             float[] b, int bOff, int[] bBatch, int bK, int bN, float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        count("gemm");
        jvm.sgemmBatched(batches, m, n, k, a, aOff, aBatch, aK, aM, b, bOff, bBatch, bK, bN, c, cOff, cBatch, ldc, accumulate);
    }

    @Override public void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] out) { count("convForward"); jvm.convForward(g, x, w, bias, out); }
    @Override public void convInputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) { count("convInputGrad"); jvm.convInputGrad(g, dy, w, dx); }
    @Override public void convWeightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw) { count("convWeightGrad"); jvm.convWeightGrad(g, x, dy, dw); }
    @Override public void convBiasGrad(ConvGeometry g, float[] dy, float[] db) { count("convBiasGrad"); jvm.convBiasGrad(g, dy, db); }

    @Override
    public void attentionForward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, AttentionKernels.Geometry g) {
        count("attentionForward");
        jvm.attentionForward(q, k, v, out, lse, probs, g);
    }

    @Override
    public void attentionBackward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                                  float[] dq, float[] dk, float[] dv, AttentionKernels.Geometry g) {
        count("attentionBackward");
        jvm.attentionBackward(q, k, v, out, lse, dout, dq, dk, dv, g);
    }

    @Override
    public void groupNormForward(float[] x, float[] weight, float[] bias, float[] out, double[] mean, double[] rstd, int n, int c, int l, int groups, double eps) {
        count("groupNormForward");
        jvm.groupNormForward(x, weight, bias, out, mean, rstd, n, c, l, groups, eps);
    }

    @Override
    public void groupNormBackward(float[] x, float[] weight, float[] g, double[] mean, double[] rstd, float[] dx, double[] dwPart, double[] dbPart, int n, int c, int l, int groups) {
        count("groupNormBackward");
        jvm.groupNormBackward(x, weight, g, mean, rstd, dx, dwPart, dbPart, n, c, l, groups);
    }

    @Override public void softmaxForward(boolean log, float[] x, float[] y, int outer, int r, int inner) { count("softmaxForward"); jvm.softmaxForward(log, x, y, outer, r, inner); }
    @Override public void softmaxBackward(boolean log, float[] y, float[] g, float[] dx, int outer, int r, int inner) { count("softmaxBackward"); jvm.softmaxBackward(log, y, g, dx, outer, r, inner); }
    @Override public void unaryForward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, int n) { count("unaryForward"); jvm.unaryForward(fn, a, b, x, y, n); }
    @Override public void unaryBackward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, float[] g, float[] dx, int n) { count("unaryBackward"); jvm.unaryBackward(fn, a, b, x, y, g, dx, n); }

    @Override
    public void adamwStep(float[] p, float[] g, float[] m, float[] v, int n, OptimizerKernels.AdamWStep s) { count("adamwStep"); jvm.adamwStep(p, g, m, v, n, s); }
    @Override public void emaUpdate(float[] shadow, float[] param, int n, double w) { count("emaUpdate"); jvm.emaUpdate(shadow, param, n, w); }
    @Override public double sumOfSquares(float[] x, int n) { count("sumOfSquares"); return jvm.sumOfSquares(x, n); }
    @Override public void scaleInPlace(float[] x, int n, float c) { count("scaleInPlace"); jvm.scaleInPlace(x, n, c); }
    // ------------------------------------------------------------------ elementwise arithmetic, broadcast sums and copies

    @Override
    public void binary(StridedKernels.Op op, int[] shape, float[] a, int aOff, int[] aStrides, float[] b, int bOff, int[] bStrides, float c, float[] out) {
        count("binary");
        jvm.binary(op, shape, a, aOff, aStrides, b, bOff, bStrides, c, out);
    }

    @Override public void copy(int[] shape, float[] src, int sOff, int[] sStrides, float[] dst, int dOff, int[] dStrides) { count("copy"); jvm.copy(shape, src, sOff, sStrides, dst, dOff, dStrides); }
    @Override public void fill(float[] dst, int n, float v) { count("fill"); jvm.fill(dst, n, v); }
    @Override public void sumTo(int[] gShape, float[] g, int[] outStrides, float[] out, int outLen, boolean inDouble) { count(inDouble ? "sumToInDouble" : "sumTo"); jvm.sumTo(gShape, g, outStrides, out, outLen, inDouble); }

    // ------------------------------------------------------------------ regression losses (tor8, session 8)
    @Override public double lossSum(float[] a, float[] b, int n, double huberC) { count("lossSum"); return jvm.lossSum(a, b, n, huberC); }
    @Override public void lossGradient(float[] a, float[] b, float[] da, int n, double k, double huberC) { count("lossGradient"); jvm.lossGradient(a, b, da, n, k, huberC); }
    @Override public void sgdStep(float[] p, float[] g, float[] buf, int n, dev.vdiff.tensor.kernels.SgdKernels.Step s) { count("sgdStep"); jvm.sgdStep(p, g, buf, n, s); }
}
