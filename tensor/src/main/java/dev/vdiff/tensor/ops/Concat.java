package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.OnDevice;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

/**
 * Concatenation along an existing axis, as {@code torch.cat(xs, dim=axis)}.
 *
 * <pre>{@code
 * Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), b = Tensor.of(new double[] {5, 6}, 2, 1);
 * Concat.cat(1, a, b);   // [[1, 2, 5], [3, 4, 6]], shape [2, 3]
 * }</pre>
 *
 * <p>With the tensors viewed as {@code [outer, size_k * inner]} (outer = the axes before {@code axis}),
 * each output row is the rows of the inputs laid end to end, so the copy is one {@code arraycopy} per
 * input row. Backward hands each input the slice of the gradient it filled.
 */
public final class Concat {
    private Concat() {}

    /** Joins {@code xs} (one dtype, equal shapes except along {@code axis}) along {@code axis} (negative counts from the end). */
    public static Tensor cat(int axis, Tensor... xs) {
        if (xs == null || xs.length == 0) throw new IllegalArgumentException("cat: needs at least one tensor");
        Tensor first = xs[0];
        int rank = first.rank();
        if (rank == 0) throw new IllegalArgumentException("cat: cannot concatenate 0-d tensors (shape [])");
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) throw new IllegalArgumentException("cat: axis " + axis + " out of range for tensors of shape " + Shape.str(first.shape()));
        int[] outShape = first.shape();
        outShape[ax] = 0;
        int[] sizes = new int[xs.length];
        for (int k = 0; k < xs.length; k++) {
            Tensor x = xs[k];
            if (x.dtype() != first.dtype()) throw new IllegalArgumentException("cat: tensor " + k + " is " + x.dtype() + Shape.str(x.shape()) + " but tensor 0 is " + first.dtype() + Shape.str(first.shape()));
            int[] s = x.shape();
            boolean ok = s.length == rank;
            for (int d = 0; ok && d < rank; d++) if (d != ax && s[d] != first.shape(d)) ok = false;
            if (!ok) throw new IllegalArgumentException("cat: along axis " + axis + ", tensor " + k + " of shape " + Shape.str(s) + " does not match tensor 0 of shape " + Shape.str(first.shape()));
            sizes[k] = s[ax];
            outShape[ax] += s[ax];
        }
        Device d = OnDevice.of(xs);
        if (d != null) return record(OnDevice.cat(d, ax, xs, outShape), ax, sizes, xs);   // float32 on a device: copied there
        int outer = Reductions.prod(outShape, 0, ax), inner = Reductions.prod(outShape, ax + 1, rank);
        int rowLen = outShape[ax] * inner;
        Object dst = Tensor.allocate(first.dtype(), Shape.numel(outShape));
        int offset = 0;
        for (int k = 0; k < xs.length; k++) {
            Object src = xs[k].detach().contiguous().storage();
            int len = sizes[k] * inner, off = offset;
            // out[o, off .. off+len) = x_k[o, 0 .. len): one block copy per outer index
            Parallel.forRange(outer, Math.max(1, (1 << 15) / Math.max(1, len)), (lo, hi) -> {
                for (int o = lo; o < hi; o++) System.arraycopy(src, o * len, dst, o * rowLen + off, len);
            });
            offset += len;
        }
        return record(Tensor.dense(first.dtype(), dst, outShape), ax, sizes, xs);
    }

    /** The backward of cat: each input gets the slice of the gradient it filled. */
    private static Tensor record(Tensor out, int ax, int[] sizes, Tensor[] xs) {
        Tensor[] inputs = xs.clone();
        return Autograd.recordComposite(out, "cat", g -> {
            Tensor[] grads = new Tensor[inputs.length];
            int start = 0;
            for (int k = 0; k < inputs.length; k++) {
                if (inputs[k].requiresGrad()) grads[k] = g.narrow(ax, start, sizes[k]).contiguous();
                start += sizes[k];
            }
            return grads;
        }, inputs);
    }
}
