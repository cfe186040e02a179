package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

import java.util.Arrays;

/**
 * The float32 elementwise arithmetic, broadcast sums and copies of strided views, as the general primitives that a
 * {@link dev.vdiff.tensor.backend.KernelBackend} offers for tensors on a device (so that a training step's residual
 * additions, gradient sums, {@code contiguous()} copies, {@code narrow} gradients and concatenations run where their
 * data is). A view is {@code (array, offset, strides)} over a shape: element {@code i = (i_0 .. i_{r-1})} is
 * {@code array[offset + sum_d i_d strides[d]]}; a stride of 0 repeats an element (broadcast).
 *
 * <p>These are the JVM implementations ({@link dev.vdiff.tensor.backend.JvmBackend} forwards to them). On the JVM
 * device the ops keep their own loops (Arithmetic, Strided, Views, Concat, autograd); these compute the same values
 * bit for bit: the maps are one float operation per element whatever the traversal, and {@link #sumTo} adds in the
 * row-major order of g, as {@code Strided.sumTo} does ({@code DeviceTest} checks both against the ops).
 */
public final class StridedKernels {
    private StridedKernels() {}

    /** The binary maps of {@code Arithmetic}, and {@code SCALE}: {@code a * c} for a number c (b unused). */
    public enum Op { ADD, SUB, MUL, DIV, SCALE }

    /** Elements per task of the flat maps (the grain of {@code Arithmetic}). */
    private static final int GRAIN = 1 << 15;

    /**
     * out [shape] (dense, row-major) = a (op) b, a and b views of that shape (stride 0 where broadcast); {@code out} may be
     * {@code a} itself when a is dense (offset 0, dense strides): then the sum is made in place.
     */
    public static void binary(Op op, int[] shape, float[] a, int aOff, int[] aStrides, float[] b, int bOff, int[] bStrides, float c, float[] out) {
        int n = numel(shape);
        // operands that are not dense are materialised once (as Arithmetic does), then one flat, vectorisable pass
        float[] p = isDense(shape, aOff, aStrides) ? a : gather(shape, a, aOff, aStrides);
        float[] q = op == Op.SCALE ? null : isDense(shape, bOff, bStrides) ? b : gather(shape, b, bOff, bStrides);
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            switch (op) {
                case ADD: for (int i = lo; i < hi; i++) out[i] = p[i] + q[i]; break;
                case SUB: for (int i = lo; i < hi; i++) out[i] = p[i] - q[i]; break;
                case MUL: for (int i = lo; i < hi; i++) out[i] = p[i] * q[i]; break;
                case DIV: for (int i = lo; i < hi; i++) out[i] = p[i] / q[i]; break;
                default:  for (int i = lo; i < hi; i++) out[i] = p[i] * c;
            }
        });
    }

    /** dst viewed as (dOff, dStrides) = src viewed as (sOff, sStrides), both of {@code shape}; other elements of dst keep their values. */
    public static void copy(int[] shape, float[] src, int sOff, int[] sStrides, float[] dst, int dOff, int[] dStrides) {
        int r = shape.length, n = numel(shape);
        if (n == 0) return;
        int[] idx = new int[r];
        int s = sOff, d = dOff;
        for (int i = 0; i < n; i++) {
            dst[d] = src[s];
            for (int k = r - 1; k >= 0; k--) {   // next index in row-major order
                idx[k]++;
                s += sStrides[k];
                d += dStrides[k];
                if (idx[k] < shape[k]) break;
                s -= sStrides[k] * shape[k];
                d -= dStrides[k] * shape[k];
                idx[k] = 0;
            }
        }
    }

    /** dst[0..n) = v. */
    public static void fill(float[] dst, int n, float v) {
        Arrays.fill(dst, 0, n, v);
    }

    /**
     * The gradient of a broadcast: out [outLen] = g [gShape] (dense) summed over the axes where {@code outStrides} is 0;
     * {@code outStrides} are the dense strides of the target (gShape with the summed axes set to 1, leading axes
     * included), 0 on the summed axes. {@code out(j) = sum of g(i) over the i with j = sum_d i_d outStrides[d]}, added
     * in the row-major order of g: in float32 (the order and arithmetic of {@code Strided.sumTo}, so the same bits), or
     * with {@code inDouble} in double, rounded to float32 once at the end (linear's bias gradient, {@code columnSums},
     * and nearest upsampling's gradient add so).
     */
    public static void sumTo(int[] gShape, float[] g, int[] outStrides, float[] out, int outLen, boolean inDouble) {
        Arrays.fill(out, 0, outLen, 0f);
        int r = gShape.length, n = numel(gShape);
        if (n == 0) return;
        double[] acc = inDouble ? new double[outLen] : null;
        int[] idx = new int[r];
        int d = 0;
        for (int i = 0; i < n; i++) {
            if (inDouble) acc[d] += g[i];
            else out[d] += g[i];
            for (int k = r - 1; k >= 0; k--) {
                idx[k]++;
                d += outStrides[k];
                if (idx[k] < gShape[k]) break;
                d -= outStrides[k] * gShape[k];
                idx[k] = 0;
            }
        }
        if (inDouble) for (int j = 0; j < outLen; j++) out[j] = (float) acc[j];
    }

    /** The view's elements as a dense row-major array. */
    private static float[] gather(int[] shape, float[] a, int off, int[] strides) {
        float[] d = new float[numel(shape)];
        copy(shape, a, off, strides, d, 0, denseStrides(shape));
        return d;
    }

    /** True when the view is the whole row-major array from index 0 (strides of size-1 axes do not matter). */
    public static boolean isDense(int[] shape, int off, int[] strides) {
        if (off != 0) return false;
        int s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            if (shape[k] != 1 && strides[k] != s) return false;
            s *= shape[k];
        }
        return true;
    }

    public static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    public static int[] denseStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            st[k] = s;
            s *= shape[k];
        }
        return st;
    }
}
