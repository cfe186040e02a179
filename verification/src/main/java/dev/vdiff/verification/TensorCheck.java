package dev.vdiff.verification;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;

import java.util.Arrays;

/**
 * The comparison of one computed tensor with its reference under a case's {@link Tolerance} (oracle
 * FORMAT.md §4): exact shape equality, then the elementwise rule through {@link Close}, whose worst ratio
 * {@code |a - b| / tolerance} is the figure of merit (a tensor passes iff it is at most 1; NaN or infinity in
 * the computed tensor gives an infinite ratio).
 *
 * @param tensor what was compared: an output name, {@code grad.<input>} or {@code param_grad.<parameter>}
 * @param shape the reference shape (for turning the worst flat index into an index tuple)
 * @param result the outcome
 */
public record TensorCheck(String tensor, int[] shape, Close.Result result) {
    /**
     * Compares {@code actual} (any float dtype, widened to float64) with a float64 {@code expected}; an int64
     * {@code expected} (e.g. {@code lcm_timesteps}, PAPERS.md §1) needs an int64 {@code actual} equal to it
     * element by element, whatever the tolerance.
     */
    public static TensorCheck of(String tensor, Tensor actual, Tensor expected, Tolerance tolerance) {
        int[] shape = expected.shape();
        if (actual == null) return failed(tensor, shape, "was not computed");
        if (expected.dtype() == DType.INT64) return exact(tensor, actual, expected);
        if (!actual.dtype().isFloat()) return failed(tensor, shape, "is " + actual.dtype() + ", expected a float tensor");
        if (!Arrays.equals(actual.shape(), shape)) {
            return failed(tensor, shape, "has shape " + Shape.str(actual.shape()) + " but the reference has " + Shape.str(shape));
        }
        double[] b = expected.toDoubleArray();
        return new TensorCheck(tensor, shape, Close.compare(actual.toDoubleArray(), b, tolerance.rtol(), tolerance.absoluteFor(b)));
    }

    /** Integers compared exactly: the worst ratio is 0 when all are equal, infinite otherwise. */
    private static TensorCheck exact(String tensor, Tensor actual, Tensor expected) {
        int[] shape = expected.shape();
        if (actual.dtype() != DType.INT64) return failed(tensor, shape, "is " + actual.dtype() + ", expected int64");
        if (!Arrays.equals(actual.shape(), shape)) {
            return failed(tensor, shape, "has shape " + Shape.str(actual.shape()) + " but the reference has " + Shape.str(shape));
        }
        long[] a = actual.contiguous().longs(), b = expected.contiguous().longs();
        int worst = -1, failures = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                if (worst < 0) worst = i;
                failures++;
            }
        }
        if (failures == 0) return new TensorCheck(tensor, shape, new Close.Result(true, 0, -1, 0, 0, 0, null));
        return new TensorCheck(tensor, shape, new Close.Result(false, Double.POSITIVE_INFINITY, worst, a[worst], b[worst], failures, null));
    }

    /** A check that failed before any number was compared. */
    public static TensorCheck failed(String tensor, int[] shape, String why) {
        return new TensorCheck(tensor, shape, new Close.Result(false, Double.POSITIVE_INFINITY, -1, 0, 0, 0, why));
    }

    public boolean pass() {
        return result.pass();
    }

    public double worstRatio() {
        return result.worstRatio();
    }

    /** {@code out[1, 0, 3]: actual 0.5 vs expected 0.49 (error/tolerance 2.1, 3 of 60 elements off)}. */
    public String describe() {
        if (result.shapeError() != null) return tensor + " " + result.shapeError();
        return String.format(java.util.Locale.ROOT, "%s%s: actual %.10g vs expected %.10g (error/tolerance %.3g, %d of %d elements off)",
            tensor, index(result.worstIndex()), result.actual(), result.expected(), result.worstRatio(), result.failures(), Shape.numel(shape));
    }

    /** The flat row-major index as {@code [i, j, k]} ({@code []} for a 0-d tensor). */
    String index(int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(idx);
    }
}
