package dev.vdiff.diffusion.text;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.LayerNorm;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

/**
 * One pre-norm transformer layer of the {@link TextEncoder} (the residual-attention block of CLIP's text tower,
 * which VideoCrafter2's OpenCLIP encoder stacks 24 times, SPEC §1.7):
 *
 * <pre>
 * x = x + proj( Attn( qkv( ln1(x) ), key mask ) )       self-attention among the tokens of one caption
 * x = x + fc2( GELU( fc1( ln2(x) ) ) )                  fc1: D -> 4D, fc2: 4D -> D
 * </pre>
 *
 * Differences from CLIP, both [RECONSTRUCTED]: the attention is bidirectional with the padding hidden (CLIP's is
 * causal and reads the end-of-text token; nothing here is a language model), and GELU is the exact erf GELU (CLIP
 * uses QuickGELU). Parameters in order: {@code ln1, qkv, proj, ln2, fc1, fc2}.
 */
public final class TextEncoderLayer extends Module {
    private final LayerNorm ln1, ln2;
    private final Linear qkv, proj, fc1, fc2;
    private final int dim, heads;

    TextEncoderLayer(TextEncoderConfig cfg, DType dtype, Rng rng) {
        dim = cfg.dim();
        heads = cfg.heads();
        ln1 = child("ln1", new LayerNorm(dim, cfg.lnEps(), true, dtype));
        qkv = child("qkv", new Linear(dim, 3 * dim, true, dtype, rng));
        proj = child("proj", new Linear(dim, dim, true, dtype, rng));
        ln2 = child("ln2", new LayerNorm(dim, cfg.lnEps(), true, dtype));
        fc1 = child("fc1", new Linear(dim, 4 * dim, true, dtype, rng));
        fc2 = child("fc2", new Linear(4 * dim, dim, true, dtype, rng));
    }

    /**
     * @param x       tokens {@code [B, L, D]}
     * @param keyMask int64 {@code [B, 1, 1, L]}, 0 for padding keys
     * @return {@code [B, L, D]}; padding rows are computed too (they attend to the caption's words) and are hidden
     *         again by the mask downstream
     */
    public Tensor forward(Tensor x, Tensor keyMask) {
        Tensor h = qkv.forward(ln1.forward(x));                                 // [B, L, 3D]
        Tensor q = h.narrow(2, 0, dim);                                         // [B, L, D] views into h
        Tensor k = h.narrow(2, dim, dim);
        Tensor v = h.narrow(2, 2 * dim, dim);
        x = Arithmetic.add(x, proj.forward(Attention.multiHead(q, k, v, heads, keyMask, null)));
        return Arithmetic.add(x, fc2.forward(Pointwise.gelu(fc1.forward(ln2.forward(x)))));
    }
}
