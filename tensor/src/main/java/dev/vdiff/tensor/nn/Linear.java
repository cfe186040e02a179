package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.random.Rng;

/**
 * {@code y = x W^T + b} over the last axis, as {@code torch.nn.Linear}: weight {@code [out, in]}, bias
 * {@code [out]}, both initialised U(-1/sqrt(in), 1/sqrt(in)) (see {@link Init}).
 *
 * <pre>{@code
 * Linear fc = new Linear(64, 256, true, DType.FLOAT32, rng);
 * Tensor y = fc.forward(x);    // x [B, 64] -> y [B, 256]; any leading dims: [..., 64] -> [..., 256]
 * }</pre>
 */
public final class Linear extends Module {
    public final int in, out;
    public final Tensor weight, bias;

    public Linear(int in, int out, boolean bias, DType dtype, Rng rng) {
        if (in < 0 || out < 0) throw new IllegalArgumentException("Linear: sizes must be >= 0, got in " + in + ", out " + out);
        this.in = in;
        this.out = out;
        this.weight = param("weight", Init.kaimingUniform(rng, dtype, Init.DEFAULT_A, in, out, in));
        this.bias = bias ? param("bias", Init.fanInUniform(rng, dtype, in, out)) : null;
    }

    /** {@code [..., in] -> [..., out]}. */
    public Tensor forward(Tensor x) {
        return LinearAlgebra.linear(x, weight, bias);
    }

    @Override
    public String toString() {
        return "Linear(" + in + " -> " + out + (bias == null ? ", no bias" : "") + ")";
    }
}
