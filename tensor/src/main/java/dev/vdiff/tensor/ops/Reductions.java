package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Strided;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.kernels.ReduceKernels;

import java.util.Arrays;

/**
 * Sums, means and maxima over axes, as {@code torch.sum/mean/max(x, dim, keepdim)}.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * Reductions.sum(x, new int[] {1}, false);    // [6, 15], shape [2]
 * Reductions.mean(x, new int[] {0}, true);    // [[2.5, 3.5, 4.5]], shape [1, 3]
 * Reductions.sum(x, null, false);             // 21, shape [] (0-d)
 * Reductions.max(x, -1, false);               // [3, 6]; the gradient goes to the (first) argmax
 * }</pre>
 *
 * <p>Summation is pairwise in fixed blocks (see {@link ReduceKernels}), so it is accurate, deterministic and
 * independent of the thread count; float32 accumulates in double.
 */
public final class Reductions {
    private Reductions() {}

    /** Sum over {@code axes} (null = all; negative axes count from the end). */
    public static Tensor sum(Tensor x, int[] axes, boolean keepdim) {
        return reduce("sum", x, axes, keepdim, false);
    }

    /** Mean over {@code axes} (null = all): the sum divided by the number of elements reduced over. */
    public static Tensor mean(Tensor x, int[] axes, boolean keepdim) {
        return reduce("mean", x, axes, keepdim, true);
    }

    /** Sum of all elements, a 0-d tensor. */
    public static Tensor sumAll(Tensor x) {
        return sum(x, null, false);
    }

    /** Mean of all elements, a 0-d tensor. */
    public static Tensor meanAll(Tensor x) {
        return mean(x, null, false);
    }

    /**
     * Maximum along one axis (values only). The gradient flows to the position of the maximum, the first
     * one when several are equal (as {@code torch.max(x, dim)}).
     */
    public static Tensor max(Tensor x, int axis, boolean keepdim) {
        requireFloat("max", x);
        int[] shape = x.shape();
        int ax = axisOf("max", axis, shape.length, shape);
        int r = shape.length == 0 ? 1 : shape[ax];
        if (r == 0) throw new IllegalArgumentException("max: axis " + axis + " of tensor " + Shape.str(shape) + " is empty");
        int outer = prod(shape, 0, ax), inner = prod(shape, ax + 1, shape.length);
        int[] keep = shape.clone();
        if (shape.length > 0) keep[ax] = 1;
        int[] outShape = keepdim || shape.length == 0 ? keep : drop(shape, new boolean[] {}, ax);
        Tensor c = x.detach().contiguous();
        int[] arg = new int[outer * inner];
        Tensor out;
        if (c.dtype() == DType.FLOAT32) {
            float[] o = new float[outer * inner];
            ReduceKernels.max(c.floats(), o, arg, outer, r, inner);
            out = Tensor.of(o, outShape);
        } else {
            double[] o = new double[outer * inner];
            ReduceKernels.max(c.doubles(), o, arg, outer, r, inner);
            out = Tensor.of(o, outShape);
        }
        return Autograd.record(out, "max", g -> {
            // scatter each upstream value to its argmax: dx[o, arg[o, i], i] = g[o, i]
            if (g.dtype() == DType.FLOAT32) {
                float[] gs = g.floats(), dx = new float[x.numel()];
                for (int t = 0; t < arg.length; t++) dx[((t / inner) * r + arg[t]) * inner + t % inner] = gs[t];
                return new Tensor[] {Tensor.of(dx, shape)};
            }
            double[] gs = g.doubles(), dx = new double[x.numel()];
            for (int t = 0; t < arg.length; t++) dx[((t / inner) * r + arg[t]) * inner + t % inner] = gs[t];
            return new Tensor[] {Tensor.of(dx, shape)};
        }, x);
    }

    private static Tensor reduce(String op, Tensor x, int[] axes, boolean keepdim, boolean mean) {
        requireFloat(op, x);
        int[] shape = x.shape();
        int rank = shape.length;
        boolean[] reduced = reducedAxes(op, axes, shape);
        int[] keepShape = shape.clone();
        for (int d = 0; d < rank; d++) if (reduced[d]) keepShape[d] = 1;
        int[] outShape = keepdim ? keepShape : drop(shape, reduced, -1);
        int count = 1;
        for (int d = 0; d < rank; d++) if (reduced[d]) count *= shape[d];
        double scale = mean ? 1.0 / count : 1.0;

        // Lay the data out as [outer, R, inner] with the reduced axes in the middle block. That is a free
        // view when the reduced axes are adjacent (size-1 axes between them do not matter); otherwise
        // move the kept axes to the front: [kept..., reduced...] = [outer, R, 1].
        int lo = -1, hi = -1;
        for (int d = 0; d < rank; d++) if (reduced[d] && shape[d] != 1) { if (lo < 0) lo = d; hi = d; }
        boolean block = true;
        for (int d = lo + 1; d < hi; d++) if (!reduced[d] && shape[d] != 1) block = false;
        Tensor c;
        int outer, inner;
        int[] perm = null;
        if (lo < 0) {                       // only size-1 axes reduced: a copy of x with a new shape
            c = x.detach().contiguous();
            outer = c.numel();
            inner = 1;
        } else if (block) {
            c = x.detach().contiguous();
            outer = prod(shape, 0, lo);
            inner = prod(shape, hi + 1, rank);
        } else {
            perm = new int[rank];
            int k = 0;
            for (int d = 0; d < rank; d++) if (!reduced[d]) perm[k++] = d;
            for (int d = 0; d < rank; d++) if (reduced[d]) perm[k++] = d;
            Tensor p = x.detach().permute(perm);
            c = Tensor.dense(x.dtype(), Strided.toDense(p), p.shape());   // [kept..., reduced...]
            outer = Shape.numel(outShape);
            inner = 1;
        }
        int r = lo < 0 ? 1 : count;
        int n = outer * inner;
        Tensor out;
        if (c.dtype() == DType.FLOAT32) {
            float[] o = new float[n];
            ReduceKernels.sum(c.floats(), o, outer, r, inner, scale);
            out = Tensor.of(o, outShape);
        } else {
            double[] o = new double[n];
            ReduceKernels.sum(c.doubles(), o, outer, r, inner, scale);
            out = Tensor.of(o, outShape);
        }
        if (!Autograd.enabled() || !x.requiresGrad()) return out;
        boolean viaBlock = perm == null;
        return Autograd.withSecondOrder(Autograd.record(out, op, g -> {
            if (!viaBlock) {
                // broadcast the kept-shape gradient back over the reduced axes (a stride-0 view), densely
                Tensor e = g.reshape(keepShape).expand(shape);
                Tensor d = Tensor.dense(g.dtype(), Strided.toDense(e), shape);
                return new Tensor[] {mean ? Arithmetic.scale(d, scale) : d};
            }
            Object dx = Tensor.allocate(g.dtype(), x.numel());
            if (g.dtype() == DType.FLOAT32) ReduceKernels.broadcastBack(g.floats(), (float[]) dx, outer, r, inner, scale);
            else ReduceKernels.broadcastBack(g.doubles(), (double[]) dx, outer, r, inner, scale);
            return new Tensor[] {Tensor.dense(g.dtype(), dx, shape)};
        }, x), g -> {
            Tensor e = g.reshape(keepShape).expand(shape);   // [kept with 1s] -> x's shape, a stride-0 view
            return new Tensor[] {mean ? Arithmetic.mul(e, scale) : e};
        });
    }

    /** Marks the axes to reduce; null means all. Errors name the op, the axes and the shape. */
    private static boolean[] reducedAxes(String op, int[] axes, int[] shape) {
        boolean[] red = new boolean[shape.length];
        if (axes == null) {
            Arrays.fill(red, true);
            return red;
        }
        if (axes.length == 0) throw new IllegalArgumentException(op + ": empty axis list for tensor " + Shape.str(shape) + " (use null to reduce over all axes)");
        for (int a : axes) {
            int d = axisOf(op, a, shape.length, shape);
            if (shape.length == 0) continue;
            if (red[d]) throw new IllegalArgumentException(op + ": axis " + a + " appears twice in " + Arrays.toString(axes) + " for tensor " + Shape.str(shape));
            red[d] = true;
        }
        return red;
    }

    private static int axisOf(String op, int axis, int rank, int[] shape) {
        // a 0-d tensor accepts axis 0 and -1, as in PyTorch
        if (rank == 0 && (axis == 0 || axis == -1)) return 0;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException(op + ": axis " + axis + " out of range for tensor " + Shape.str(shape));
        return a;
    }

    /** The shape without the reduced axes (and without {@code also}, if >= 0). */
    private static int[] drop(int[] shape, boolean[] reduced, int also) {
        int k = 0;
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            boolean gone = d == also || (d < reduced.length && reduced[d]);
            if (!gone) out[k++] = shape[d];
        }
        return Arrays.copyOf(out, k);
    }

    static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) p *= shape[d];
        return p;
    }

    static void requireFloat(String op, Tensor x) {
        if (!x.dtype().isFloat()) throw new IllegalArgumentException(op + ": needs a float tensor, got " + x.dtype() + Shape.str(x.shape()));
    }
}
