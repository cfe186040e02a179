package dev.vdiff.diffusion;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

/**
 * Scalar schedule coefficients applied to sample tensors. A coefficient is either one number (a 0-d or
 * one-element tensor: one timestep for the whole batch) or a vector {@code [B]} with one value per sample,
 * broadcast over the remaining axes of an {@code x} of shape {@code [B, ...]}. Coefficients are float64 and
 * are rounded to the sample's dtype where they enter its arithmetic (docs/ORACLE.md §4).
 */
final class Coefficients {
    private Coefficients() {}

    /** {@code c} as a 0-d float64 coefficient. */
    static Tensor of(double c) {
        return Tensor.of(new double[] {c});
    }

    /** {@code x * c}. */
    static Tensor times(Tensor x, Tensor c) {
        if (c.numel() == 1) return Arithmetic.mul(x, c.toDoubleArray()[0]);
        return Arithmetic.mul(x, perSample(c, x));
    }

    /** {@code x / c}. */
    static Tensor over(Tensor x, Tensor c) {
        Tensor divisor = c.numel() == 1 ? Tensor.scalar(x.dtype(), c.toDoubleArray()[0]) : perSample(c, x);
        return Arithmetic.div(x, divisor);
    }

    /** {@code [B]} -> {@code [B, 1, ..., 1]} in {@code x}'s dtype, so that it broadcasts against {@code x [B, ...]}. */
    private static Tensor perSample(Tensor c, Tensor x) {
        if (c.rank() != 1 || x.rank() < 1 || c.shape(0) != x.shape(0)) {
            throw new IllegalArgumentException("coefficient of shape " + Shape.str(c.shape()) + " must be one number or one per sample of " + Shape.str(x.shape()));
        }
        int[] shape = new int[x.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = c.shape(0);
        return c.to(x.dtype()).reshape(shape);   // [B] -> [B, 1, ..., 1]
    }
}
