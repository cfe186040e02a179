package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.random.Rng;

/**
 * Multi-head self-attention over token sequences {@code [S, T, dim]} (S sequences of T tokens), the block of
 * tiny_video_unet §3.2/3.3 and of VideoCrafter's spatial and temporal transformers:
 * <pre>
 *   q | k | v = qkv(x)                    Linear(dim -> 3 dim): q = outputs 0..dim-1, k = dim..2dim-1, v = the rest
 *   o = Attention.multiHead(q, k, v, heads)   head j owns channels [j d, (j+1) d), d = dim / heads;
 *                                             P = softmax(q k^T / sqrt(d)) over the key axis, o = P v
 *   y = proj(o)                           Linear(dim -> dim)
 * </pre>
 * Parameter names as PyTorch: {@code qkv.weight}, {@code qkv.bias}, {@code proj.weight}, {@code proj.bias}.
 *
 * <pre>{@code
 * MultiHeadAttention attn = new MultiHeadAttention(128, 4, DType.FLOAT32, rng);
 * attn.forward(tokens);    // [16, 256, 128] -> [16, 256, 128]
 * }</pre>
 */
public final class MultiHeadAttention extends Module {
    public final int dim, heads;
    public final Linear qkv, proj;

    public MultiHeadAttention(int dim, int heads, DType dtype, Rng rng) {
        if (dim <= 0 || heads <= 0 || dim % heads != 0) throw new IllegalArgumentException("MultiHeadAttention: dim (" + dim + ") must be a positive multiple of heads (" + heads + ")");
        this.dim = dim;
        this.heads = heads;
        this.qkv = child("qkv", new Linear(dim, 3 * dim, true, dtype, rng));
        this.proj = child("proj", new Linear(dim, dim, true, dtype, rng));
    }

    /** {@code [S, T, dim] -> [S, T, dim]}. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.shape(2) != dim) throw new IllegalArgumentException("MultiHeadAttention: input must be [S, T, " + dim + "], got " + Shape.str(x.shape()));
        Tensor h = qkv.forward(x);                 // [S, T, 3 dim]
        Tensor q = h.narrow(2, 0, dim);            // [S, T, dim] views into h
        Tensor k = h.narrow(2, dim, dim);
        Tensor v = h.narrow(2, 2 * dim, dim);
        return proj.forward(Attention.multiHead(q, k, v, heads));
    }

    @Override
    public String toString() {
        return "MultiHeadAttention(" + dim + ", " + heads + " heads)";
    }
}
