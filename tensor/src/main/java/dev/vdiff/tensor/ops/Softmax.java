package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.kernels.SoftmaxKernels;

/**
 * Softmax and log-softmax along one axis, with the maximum subtracted first (docs/ORACLE.md §5.9).
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1000, 1000, 0, Math.log(3)}, 2, 2);
 * Softmax.softmax(x, -1);      // [[0.5, 0.5], [0.25, 0.75]]: logits of 1000 are fine
 * Softmax.logSoftmax(x, -1);   // [[-0.693, -0.693], [-1.386, -0.288]], computed directly, not as log(softmax)
 * }</pre>
 *
 * <p>Backward uses only the output: {@code dx = y (g - sum(g y))} for softmax and
 * {@code dx = g - exp(y) sum(g)} for log-softmax (see {@link SoftmaxKernels}).
 */
public final class Softmax {
    private Softmax() {}

    /** exp(x - m) / sum exp(x - m) along {@code axis} (negative counts from the end). */
    public static Tensor softmax(Tensor x, int axis) {
        return apply("softmax", false, x, axis);
    }

    /** (x - m) - log(sum exp(x - m)) along {@code axis}. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return apply("log_softmax", true, x, axis);
    }

    private static Tensor apply(String op, boolean log, Tensor x, int axis) {
        Reductions.requireFloat(op, x);
        int[] shape = x.shape();
        int rank = shape.length;
        int ax;
        if (rank == 0 && (axis == 0 || axis == -1)) ax = 0;
        else {
            ax = axis < 0 ? axis + rank : axis;
            if (ax < 0 || ax >= rank) throw new IllegalArgumentException(op + ": axis " + axis + " out of range for tensor " + Shape.str(shape));
        }
        // [outer, R, inner] around the softmax axis; a 0-d tensor is one row of one element
        int outer = Reductions.prod(shape, 0, ax), r = rank == 0 ? 1 : shape[ax], inner = Reductions.prod(shape, ax + 1, rank);
        Tensor c = x.detach().contiguous();
        int n = c.numel();
        Tensor out;
        Device device = x.device();
        KernelBackend be = device.kernels();
        if (c.dtype() == DType.FLOAT32) {
            float[] y = new float[n];
            be.softmaxForward(log, c.deviceFloats(), y, outer, r, inner);
            out = Tensor.of(y, shape).moveTo(device);
        } else {
            double[] y = new double[n];
            SoftmaxKernels.forward(log, c.doubles(), y, outer, r, inner);
            out = Tensor.of(y, shape);
        }
        if (!Autograd.enabled() || !x.requiresGrad()) return out;
        Object ys = out.deviceStorage();
        return Autograd.record(out, op, g -> {
            if (g.dtype() == DType.FLOAT32) {
                float[] dx = new float[n];
                be.softmaxBackward(log, (float[]) ys, g.deviceFloats(), dx, outer, r, inner);
                return new Tensor[] {Tensor.of(dx, shape)};
            }
            double[] dx = new double[n];
            SoftmaxKernels.backward(log, (double[]) ys, g.doubles(), dx, outer, r, inner);
            return new Tensor[] {Tensor.of(dx, shape)};
        }, x);
    }
}
