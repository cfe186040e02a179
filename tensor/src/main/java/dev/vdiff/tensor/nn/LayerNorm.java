package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Normalization;

/**
 * Layer normalisation (Ba, Kiros and Hinton, 2016) over the last axis, as {@code torch.nn.LayerNorm(dim)}:
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} with the biased variance; {@code weight [dim]}
 * starts at 1 and {@code bias [dim]} at 0.
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(128, 1e-5, true, DType.FLOAT32);
 * ln.forward(tokens);    // [S, T, 128] -> [S, T, 128], each token normalised on its own
 * }</pre>
 */
public final class LayerNorm extends Module {
    public final int dim;
    public final double eps;
    public final Tensor weight, bias;

    public LayerNorm(int dim, double eps, boolean affine, DType dtype) {
        if (dim <= 0) throw new IllegalArgumentException("LayerNorm: dim must be positive, got " + dim);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be > 0, got " + eps);
        this.dim = dim;
        this.eps = eps;
        this.weight = affine ? param("weight", Tensor.ones(dtype, dim)) : null;
        this.bias = affine ? param("bias", Tensor.zeros(dtype, dim)) : null;
    }

    /** {@code [..., dim] -> [..., dim]}. */
    public Tensor forward(Tensor x) {
        return Normalization.layerNorm(x, weight, bias, eps);
    }

    @Override
    public String toString() {
        return "LayerNorm(" + dim + ", eps " + eps + (weight == null ? ", no affine" : "") + ")";
    }
}
