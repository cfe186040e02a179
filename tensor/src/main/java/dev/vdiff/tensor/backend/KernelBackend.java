package dev.vdiff.tensor.backend;

import dev.vdiff.tensor.kernels.AttentionKernels;
import dev.vdiff.tensor.kernels.ConvGeometry;
import dev.vdiff.tensor.kernels.OptimizerKernels;
import dev.vdiff.tensor.kernels.SgdKernels;
import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.kernels.UnaryKernels;

/**
 * The hot loops of the float32 ops, as one replaceable set: the ops in {@code dev.vdiff.tensor.ops} call
 * these methods on the backend of their inputs' {@link Device} instead of calling the kernels directly.
 *
 * <p>Every method has the signature of the JVM kernel it stands for (same arrays, same shapes, same
 * meaning): the shapes are documented there and repeated in one line here. {@link JvmBackend}, the default,
 * forwards each call unchanged, so the JVM path is bit for bit what it was before backends existed. Another
 * backend (the TornadoVM one in the {@code tornado} module) must produce the same values to float32
 * tolerance; its tests compare it element by element with {@link JvmBackend}.
 *
 * <p>Only float32 is routed: float64 is the oracle precision and always runs on the JVM kernels.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (see {@link Device#named(String)});
 * they need a public no-argument constructor.
 */
public interface KernelBackend {

    /** The name given to {@code --backend} (e.g. "jvm", "tornado"). */
    String name();

    /** A one-line description of the device that runs the kernels (for logs and benchmark reports). */
    String description();

    // ------------------------------------------------------------------ GEMM

    /**
     * A batch of products over strided operands, {@code C_t (=|+=) A_t B_t} for {@code t < batches}:
     * {@code A_t(i, p) = a[aOff + aBatch[t] + p*aK + i*aM]} [m, k], {@code B_t(p, j) = b[bOff + bBatch[t] + p*bK + j*bN]}
     * [k, n], {@code C_t(i, j) = c[cOff + t*cBatch + i*ldc + j]}. See {@code Gemm.sgemmBatched}.
     */
    void sgemmBatched(int batches, int m, int n, int k,
                      float[] a, int aOff, int[] aBatch, int aK, int aM,
                      float[] b, int bOff, int[] bBatch, int bK, int bN,
                      float[] c, int cOff, int cBatch, int ldc, boolean accumulate);

    // ------------------------------------------------------------------ convolution (see Conv)

    /** out [N, O, oD, oH, oW] = conv(x [N, C, D, H, W], w [O, C, kD, kH, kW]) + bias [O] (bias may be null). */
    void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] out);

    /** dx [N, C, D, H, W] (overwritten) from dy [N, O, oD, oH, oW] and w. */
    void convInputGrad(ConvGeometry g, float[] dy, float[] w, float[] dx);

    /** dw [O, C, kD, kH, kW] (overwritten) from x and dy. */
    void convWeightGrad(ConvGeometry g, float[] x, float[] dy, float[] dw);

    /** db [O] (overwritten) = sum of dy over images and positions. */
    void convBiasGrad(ConvGeometry g, float[] dy, float[] db);

    // ------------------------------------------------------------------ attention (see AttentionKernels)

    /** out, lse [B*H*Sq] and (if non-null) probs [B, H, Sq, Sk] from q, k, v laid out as {@code g} says. */
    void attentionForward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] probs, AttentionKernels.Geometry g);

    /** dq, dk, dv (overwritten) from the forward's inputs, out, lse and the upstream gradient dout. */
    void attentionBackward(float[] q, float[] k, float[] v, float[] out, float[] lse, float[] dout,
                           float[] dq, float[] dk, float[] dv, AttentionKernels.Geometry g);

    // ------------------------------------------------------------------ group norm (see GroupNormKernels)

    /**
     * out [N, C, L] = groupnorm(x [N, C, L]) * weight [C] + bias [C]; mean, rstd [N*groups] (double). The op hands
     * mean and rstd only to this backend's {@link #groupNormBackward}, so a device backend may keep them on its device
     * (keyed by the mean array) instead of filling them.
     */
    void groupNormForward(float[] x, float[] weight, float[] bias, float[] out, double[] mean, double[] rstd,
                          int n, int c, int l, int groups, double eps);

    /** dx [N, C, L] (if non-null) and the per-sample parts dwPart, dbPart [N, C] (double) of the affine gradients. */
    void groupNormBackward(float[] x, float[] weight, float[] g, double[] mean, double[] rstd,
                           float[] dx, double[] dwPart, double[] dbPart, int n, int c, int l, int groups);

    // ------------------------------------------------------------------ softmax (see SoftmaxKernels)

    /** y [outer, r, inner] = (log)softmax of x along the middle axis. */
    void softmaxForward(boolean log, float[] x, float[] y, int outer, int r, int inner);

    /** dx [outer, r, inner] from the forward's output y and the upstream gradient g. */
    void softmaxBackward(boolean log, float[] y, float[] g, float[] dx, int outer, int r, int inner);

    // ------------------------------------------------------------------ pointwise maps (see UnaryKernels)

    /** y[i] = fn(x[i]) for i < n ({@code a}, {@code b}: parameters of POW and CLAMP). */
    void unaryForward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, int n);

    /** dx[i] = g[i] fn'(x[i]) for i < n, reading x or y (the forward output) as {@code fn.usesX/usesY} say. */
    void unaryBackward(UnaryKernels.Fn fn, double a, double b, float[] x, float[] y, float[] g, float[] dx, int n);

    // ------------------------------------------------------------------ optimizer (see OptimizerKernels; optim.AdamW, Ema, GradClip)
    // Each array is one parameter's dense storage [n] (or its gradient, moments, average: same length). The updates
    // are in place: p, m, v, shadow, x are read and written.

    /** One AdamW step in place: p, m, v [n] from the gradient g [n], with the step's coefficients {@code s}. */
    void adamwStep(float[] p, float[] g, float[] m, float[] v, int n, OptimizerKernels.AdamWStep s);

    /** The EMA update in place: {@code shadow[i] += w (param[i] - shadow[i])} for i < n, {@code w = 1 - decay}. */
    void emaUpdate(float[] shadow, float[] param, int n, double w);

    /** The sum of squares of x [n] in double, in an order fixed for the backend (gradient clipping's global norm). */
    double sumOfSquares(float[] x, int n);

    /** {@code x[i] = x[i] * c} in place for i < n (float32 products: gradient clipping's scaling). */
    void scaleInPlace(float[] x, int n, float c);
    // ------------------------------------------------------------------ elementwise arithmetic, broadcast sums and copies
    // (see StridedKernels). The ops call these only for float32 tensors on a device other than the JVM (residual and
    // bias additions, gradient sums, contiguous(), narrow's gradient, concat, nearest upsampling): on the JVM device they
    // keep their own loops, which these methods reproduce bit for bit. A view is (array, offset, strides) over a shape
    // of rank <= 6 (any rank on the JVM); stride 0 repeats an element (broadcast).

    /** out [shape] (dense) = a (op) b, a and b views of shape; SCALE: a * c (b unused); out may be a (dense) for a sum in place. */
    void binary(StridedKernels.Op op, int[] shape, float[] a, int aOff, int[] aStrides, float[] b, int bOff, int[] bStrides, float c, float[] out);

    /** dst viewed as (dOff, dStrides) = src viewed as (sOff, sStrides), both [shape]; the other elements of dst keep their values. */
    void copy(int[] shape, float[] src, int sOff, int[] sStrides, float[] dst, int dOff, int[] dStrides);

    /** dst[0..n) = v. */
    void fill(float[] dst, int n, float v);

    /** out [outLen] = g [gShape] (dense) summed over the axes where outStrides (the target's dense strides) is 0, in g's row-major order, in float32 or (inDouble) in double rounded once. */
    void sumTo(int[] gShape, float[] g, int[] outStrides, float[] out, int outLen, boolean inDouble);

    // ------------------------------------------------------------------ regression losses (tor8, session 8; see LossKernels)
    // ops.Losses calls these for float32 tensors on a device other than the JVM, so that a training step's MSE loss
    // runs where the network's output is: only the loss comes home, and its gradient is made on the device. On the JVM
    // device Losses keeps calling LossKernels itself; JvmBackend's versions are those same kernels.

    /**
     * sum_i p(a[i] - b[i]) in double over a, b [n] (a the input, b the target): p(d) = d^2 ({@code huberC < 0}) or the
     * pseudo-Huber penalty sqrt(d^2 + c^2) - c with c = huberC; in an order fixed for the backend.
     */
    double lossSum(float[] a, float[] b, int n, double huberC);

    /** da [n] = k p'(a[i] - b[i]) (float32), p as in {@link #lossSum}; k carries the upstream gradient and the 1/n of the mean. */
    void lossGradient(float[] a, float[] b, float[] da, int n, double k, double huberC);

    // ------------------------------------------------------------------ SGD (tor8, session 8; see SgdKernels, optim.SGD)

    /** One SGD step in place: p [n] and the momentum buffer buf [n] (null without momentum) from the gradient g [n]. */
    void sgdStep(float[] p, float[] g, float[] buf, int n, SgdKernels.Step s);
}
