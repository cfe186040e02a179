package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Embeddings;
import dev.vdiff.tensor.random.Rng;

/**
 * A lookup table as {@code torch.nn.Embedding(num, dim)}: {@code weight [num, dim]} initialised N(0, 1);
 * {@code forward(indices)} returns the rows named by the int64 indices.
 *
 * <pre>{@code
 * Embedding labels = new Embedding(11, 256, DType.FLOAT32, rng);   // classes 0..9 and the null label 10
 * labels.forward(Tensor.ofLongs(new long[] {3, 10}, 2));          // [2, 256]
 * }</pre>
 */
public final class Embedding extends Module {
    public final int num, dim;
    public final Tensor weight;

    public Embedding(int num, int dim, DType dtype, Rng rng) {
        if (num <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: num and dim must be positive, got " + num + ", " + dim);
        this.num = num;
        this.dim = dim;
        this.weight = param("weight", rng.normal(dtype, num, dim));
    }

    /** int64 {@code [...]} -> {@code [..., dim]}. */
    public Tensor forward(Tensor indices) {
        return Embeddings.lookup(weight, indices);
    }

    @Override
    public String toString() {
        return "Embedding(" + num + ", " + dim + ")";
    }
}
