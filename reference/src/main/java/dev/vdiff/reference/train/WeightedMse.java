package dev.vdiff.reference.train;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;

/**
 * The per-sample weighted mean squared error {@code (1/B) sum_i w_i mean_j (input_ij - target_ij)^2} over a batch
 * {@code [B, ...]}, differentiable; with every {@code w_i = 1} it is the plain MSE ({@link SampleWeights}).
 */
public final class WeightedMse {
    private WeightedMse() {}

    /** A 0-d tensor; {@code w.length} must be {@code B}. */
    public static Tensor of(Tensor input, Tensor target, double[] w) {
        int b = input.shape(0);
        if (w.length != b) throw new IllegalArgumentException("WeightedMse: " + w.length + " weights for a batch of " + b);
        for (int i = 0; i < b; i++) {
            if (!(w[i] >= 0) || Double.isInfinite(w[i])) throw new IllegalArgumentException("WeightedMse: weight " + i + " must be finite and >= 0, got " + w[i]);
        }
        Tensor d = Arithmetic.sub(input, target);
        int[] shape = new int[input.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = b;
        Tensor weights = Tensor.of(w, b).to(input.dtype()).reshape(shape);
        return Reductions.meanAll(Arithmetic.mul(Arithmetic.mul(d, d), weights));
    }
}
