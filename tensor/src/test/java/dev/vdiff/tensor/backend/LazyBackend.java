package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.kernels.AttentionKernels;
import dev.vdiff.tensor.kernels.ConvGeometry;
import dev.vdiff.tensor.kernels.OptimizerKernels;
import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.kernels.UnaryKernels;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A test backend named "lazy" that reads back lazily, as the TornadoVM one does: each result is computed by the JVM
 * kernels into a private "device" copy, the host array is filled with NaN (so that host code reading it without
 * bringing it home sees garbage) and registered as stale with {@link HostCopy}; a stale array handed back to it is
 * read from its device copy, and {@link #copyHome} copies it home when host code asks.
 */
public final class LazyBackend implements KernelBackend, HostCopy.Holder {
    private final JvmBackend jvm = new JvmBackend();
    private final Map<float[], float[]> device = new IdentityHashMap<>();
    /** Inputs read from a device copy (a result that never came home), and copies home. */
    int deviceReads, copiesHome;

    @Override public String name() { return "lazy"; }
    @Override public String description() { return "JVM kernels, results read back lazily"; }

    @Override
    public synchronized void copyHome(float[] host) {
        float[] d = device.remove(host);
        if (d != null) {
            System.arraycopy(d, 0, host, 0, d.length);
            copiesHome++;
        }
        HostCopy.hostHoldsNewest(host);
    }

    /** Copies every result still on the "device" home (so that nothing stays registered after a test). */
    synchronized void flush() {
        for (float[] host : device.keySet().toArray(new float[0][])) copyHome(host);
    }

    /** The values a kernel reads for {@code host}: its device copy if it has one. */
    private float[] in(float[] host) {
        if (host == null) return null;
        float[] d = device.get(host);
        if (d != null) deviceReads++;
        return d != null ? d : host;
    }

    /** A device copy for a result, starting from the current values (a kernel may write only part of it, or accumulate). */
    private float[] out(float[] host) {
        return host == null ? null : in(host).clone();
    }

    /** The kernel wrote {@code d} for {@code host}: it stays on the "device", the host copy is poisoned and stale. */
    private void result(float[] host, float[] d) {
        if (host == null) return;
        device.put(host, d);
        Arrays.fill(host, Float.NaN);
        HostCopy.deviceHoldsNewest(host, this);
    }

    @Override
    public synchronized void sgemmBatched(int batches, int m, int n, int k, float[] a, int aOff, int[] aBatch, int aK, int aM,
                                          float[] b, int bOff, int[] bBatch, int bK, int bN, float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        float[] dc = out(c);
        jvm.sgemmBatched(batches, m, n, k, in(a), aOff, aBatch, aK, aM, in(b), bOff, bBatch, bK, bN, dc, cOff, cBatch, ldc, accumulate);
        result(c, dc);
    }

    @Override
    public synchronized void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] o) {
        float[] d = out(o);
        jvm.convForward(g, in(x), in(w), in(bias), d);
        result(o, d);
    }

    @Override
    public synchronized void convInputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        float[] d = out(dx);
        jvm.convInputGrad(g, in(dy), in(w), d);
        result(dx, d);
    }

    @Override
    public synchronized void convWeightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        float[] d = out(dw);
        jvm.convWeightGrad(g, in(x), in(dy), d);
        result(dw, d);
    }

    @Override
    public synchronized void convBiasGrad(ConvGeometry g, float[] dy, float[] db) {
        float[] d = out(db);
        jvm.convBiasGrad(g, in(dy), d);
        result(db, d);
    }

    @Override
    public synchronized void attentionForward(float[] q, float[] k, float[] v, float[] o, float[] lse, float[] probs, AttentionKernels.Geometry g) {
        float[] d = out(o), l = out(lse), p = out(probs);
        jvm.attentionForward(in(q), in(k), in(v), d, l, p, g);
        result(o, d);
        result(lse, l);
        result(probs, p);
    }

    @Override
    public synchronized void attentionBackward(float[] q, float[] k, float[] v, float[] o, float[] lse, float[] dout,
                                               float[] dq, float[] dk, float[] dv, AttentionKernels.Geometry g) {
        float[] a = out(dq), b = out(dk), c = out(dv);
        jvm.attentionBackward(in(q), in(k), in(v), in(o), in(lse), in(dout), a, b, c, g);
        result(dq, a);
        result(dk, b);
        result(dv, c);
    }

    @Override
    public synchronized void groupNormForward(float[] x, float[] weight, float[] bias, float[] o, double[] mean, double[] rstd,
                                              int n, int c, int l, int groups, double eps) {
        float[] d = out(o);
        jvm.groupNormForward(in(x), in(weight), in(bias), d, mean, rstd, n, c, l, groups, eps);
        result(o, d);
    }

    @Override
    public synchronized void groupNormBackward(float[] x, float[] weight, float[] g, double[] mean, double[] rstd,
                                               float[] dx, double[] dwPart, double[] dbPart, int n, int c, int l, int groups) {
        float[] d = out(dx);
        jvm.groupNormBackward(in(x), in(weight), in(g), mean, rstd, d, dwPart, dbPart, n, c, l, groups);
        result(dx, d);
    }

    @Override
    public synchronized void softmaxForward(boolean log, float[] x, float[] y, int outer, int r, int inner) {
        float[] d = out(y);
        jvm.softmaxForward(log, in(x), d, outer, r, inner);
        result(y, d);
    }

    @Override
    public synchronized void softmaxBackward(boolean log, float[] y, float[] g, float[] dx, int outer, int r, int inner) {
        float[] d = out(dx);
        jvm.softmaxBackward(log, in(y), in(g), d, outer, r, inner);
        result(dx, d);
    }

    @Override
    public synchronized void unaryForward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, int n) {
        float[] d = out(y);
        jvm.unaryForward(fn, a, b, in(x), d, n);
        result(y, d);
    }

    @Override
    public synchronized void unaryBackward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, float[] g, float[] dx, int n) {
        float[] d = out(dx);
        jvm.unaryBackward(fn, a, b, in(x), in(y), in(g), d, n);
        result(dx, d);
    }

    // ------------------------------------------------------------------ optimizer: updates in place, the results stay on the "device"

    @Override
    public synchronized void adamwStep(float[] p, float[] g, float[] m, float[] v, int n, OptimizerKernels.AdamWStep s) {
        float[] dp = out(p), dm = out(m), dv = out(v);
        jvm.adamwStep(dp, in(g), dm, dv, n, s);
        result(p, dp);
        result(m, dm);
        result(v, dv);
    }

    @Override
    public synchronized void emaUpdate(float[] shadow, float[] param, int n, double w) {
        float[] d = out(shadow);
        jvm.emaUpdate(d, in(param), n, w);
        result(shadow, d);
    }

    @Override
    public synchronized double sumOfSquares(float[] x, int n) {
        return jvm.sumOfSquares(in(x), n);
    }

    @Override
    public synchronized void scaleInPlace(float[] x, int n, float c) {
        float[] d = out(x);
        jvm.scaleInPlace(d, n, c);
        result(x, d);
    }

    // ------------------------------------------------------------------ elementwise arithmetic, broadcast sums and copies

    @Override
    public synchronized void binary(StridedKernels.Op op, int[] shape, float[] a, int aOff, int[] aStrides, float[] b, int bOff, int[] bStrides, float c, float[] out) {
        float[] d = out(out), ia = a == out ? d : in(a);   // in place: the sum's device copy is both operand and result
        jvm.binary(op, shape, ia, aOff, aStrides, b == out ? d : in(b), bOff, bStrides, c, d);
        result(out, d);
    }

    @Override
    public synchronized void copy(int[] shape, float[] src, int sOff, int[] sStrides, float[] dst, int dOff, int[] dStrides) {
        float[] d = out(dst);
        jvm.copy(shape, src == dst ? d : in(src), sOff, sStrides, d, dOff, dStrides);
        result(dst, d);
    }

    @Override
    public synchronized void fill(float[] dst, int n, float v) {
        float[] d = out(dst);
        jvm.fill(d, n, v);
        result(dst, d);
    }

    @Override
    public synchronized void sumTo(int[] gShape, float[] g, int[] outStrides, float[] out, int outLen, boolean inDouble) {
        float[] d = out(out);
        jvm.sumTo(gShape, in(g), outStrides, d, outLen, inDouble);
        result(out, d);
    }

    // ------------------------------------------------------------------ regression losses (tor8, session 8)
    @Override
    public synchronized double lossSum(float[] a, float[] b, int n, double huberC) {
        return jvm.lossSum(in(a), in(b), n, huberC);
    }

    @Override
    public synchronized void lossGradient(float[] a, float[] b, float[] da, int n, double k, double huberC) {
        float[] d = out(da);
        jvm.lossGradient(in(a), in(b), d, n, k, huberC);
        result(da, d);
    }

    @Override
    public synchronized void sgdStep(float[] p, float[] g, float[] buf, int n, dev.vdiff.tensor.kernels.SgdKernels.Step s) {
        float[] dp = out(p), db = out(buf);
        jvm.sgdStep(dp, in(g), db, n, s);
        result(p, dp);
        if (buf != null) result(buf, db);
    }
}
