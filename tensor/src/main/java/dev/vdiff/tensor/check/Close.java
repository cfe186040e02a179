package dev.vdiff.tensor.check;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.util.Arrays;

/**
 * The one numeric comparison of vdiff: {@code |a - b| <= atol + rtol * |b|} elementwise, with {@code b} the
 * expected value. Failures report how many elements fail, the worst index, actual vs expected and the
 * worst ratio {@code |a-b| / (atol + rtol |b|)} (a comparison passes iff it is at most 1).
 */
public final class Close {
    private Close() {}

    /** The outcome of one comparison. {@code worstRatio} is NaN-safe: a non-finite actual gives +infinity. */
    public record Result(boolean pass, double worstRatio, int worstIndex, double actual, double expected, int failures, String shapeError) {
        public String describe(String what) {
            if (shapeError != null) return what + ": " + shapeError;
            return String.format("%s: %d element(s) off; worst at flat index %d: actual %.9g vs expected %.9g (error/tolerance %.3g)",
                what, failures, worstIndex, actual, expected, worstRatio);
        }
    }

    public static Result compare(double[] a, double[] b, double rtol, double atol) {
        if (a.length != b.length) return new Result(false, Double.POSITIVE_INFINITY, -1, 0, 0, Math.max(a.length, b.length), "length " + a.length + " vs expected " + b.length);
        double worst = 0;
        int wi = -1, fails = 0;
        for (int i = 0; i < a.length; i++) {
            double tol = atol + rtol * Math.abs(b[i]);
            double err = Math.abs(a[i] - b[i]);
            double ratio = Double.isFinite(a[i]) ? (tol > 0 ? err / tol : (err == 0 ? 0 : Double.POSITIVE_INFINITY)) : Double.POSITIVE_INFINITY;
            if (ratio > 1) fails++;
            if (ratio > worst || wi < 0) {
                worst = ratio;
                wi = i;
            }
        }
        if (wi < 0) return new Result(true, 0, -1, 0, 0, 0, null);
        return new Result(fails == 0, worst, wi, a[wi], b[wi], fails, null);
    }

    /** Compares tensors (shapes must match exactly); the error message names {@code what}. */
    public static Result compare(Tensor actual, Tensor expected, double rtol, double atol) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            return new Result(false, Double.POSITIVE_INFINITY, -1, 0, 0, 0, "shape " + Shape.str(actual.shape()) + " vs expected " + Shape.str(expected.shape()));
        }
        return compare(actual.toDoubleArray(), expected.toDoubleArray(), rtol, atol);
    }

    /** Throws an AssertionError describing the mismatch. */
    public static void assertClose(Tensor actual, Tensor expected, double rtol, double atol) {
        Result r = compare(actual, expected, rtol, atol);
        if (!r.pass()) throw new AssertionError(r.describe("tensor " + Shape.str(expected.shape())));
    }

    public static void assertClose(double[] actual, double[] expected, double rtol, double atol) {
        Result r = compare(actual, expected, rtol, atol);
        if (!r.pass()) throw new AssertionError(r.describe("array[" + expected.length + "]"));
    }
}
