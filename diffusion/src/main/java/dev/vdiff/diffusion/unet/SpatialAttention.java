package dev.vdiff.diffusion.unet;

import dev.vdiff.diffusion.text.TextFeatures;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.GroupNorm;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.random.Rng;

/**
 * Self-attention among the pixels of each frame (docs/ORACLE.md §5.20 "Spatial attention"): {@code S = N} sequences
 * of {@code T = R1*R2} tokens.
 *
 * <pre>
 * z         = norm(h)                             statistics per frame row
 * tok[n, r] = z[n, :, r1, r2],  r = r1*R2 + r2    [N, R1*R2, c]
 * q | k | v = qkv(tok)                            the three contiguous thirds of qkv's output (read in place)
 * out       = h + proj( Attn(q, k, v) ) read back as [N, c, R1, R2]
 * </pre>
 *
 * Parameters in PyTorch order: {@code norm, qkv, proj}. A caption-conditioned model ({@link VideoUNetConfig#text()}
 * not null) follows the self-attention with a {@link CrossAttention} to the caption, {@code out = cross(out, ctx)}, as
 * VideoCrafter2's BasicBlock follows {@code attn1} with {@code attn2} (SPEC §1.7); its parameters come last, under
 * {@code cross.}.
 */
public final class SpatialAttention extends Module {
    private final GroupNorm norm;
    private final Linear qkv, proj;
    private final int channels, heads;
    private final CrossAttention cross;   // null without caption conditioning

    SpatialAttention(DType dtype, int channels, VideoUNetConfig cfg, Rng rng) {
        this.channels = channels;
        this.heads = cfg.heads();
        norm = child("norm", new GroupNorm(cfg.groups(), channels, cfg.gnEps(), true, dtype));
        qkv = child("qkv", new Linear(channels, 3 * channels, true, dtype, rng));
        proj = child("proj", new Linear(channels, channels, true, dtype, rng));
        cross = cfg.text() == null ? null : child("cross", new CrossAttention(dtype, channels, cfg.text().dim(), cfg, rng));
    }

    /** h {@code [N, c, R1, R2]} -> {@code [N, c, R1, R2]}, for a block without cross-attention. */
    public Tensor forward(Tensor h) {
        if (cross != null) throw new IllegalArgumentException("SpatialAttention: this block attends to captions; call forward(h, ctx)");
        return selfAttention(h);
    }

    /**
     * h {@code [N, c, R1, R2]} -> {@code [N, c, R1, R2]}: self-attention, then cross-attention to {@code ctx}, the
     * captions of the B videos ({@code N = B*F}); {@code ctx} must be null exactly when the block has no
     * cross-attention.
     */
    public Tensor forward(Tensor h, TextFeatures ctx) {
        if ((ctx == null) != (cross == null)) {
            throw new IllegalArgumentException("SpatialAttention: " + (cross == null ? "this block has no cross-attention but was given captions" : "this block attends to captions but none were given"));
        }
        Tensor out = selfAttention(h);
        return cross == null ? out : cross.forward(out, ctx);
    }

    private Tensor selfAttention(Tensor h) {
        int n = h.shape(0), c = channels, r1 = h.shape(2), r2 = h.shape(3), t = r1 * r2;
        Tensor z = norm.forward(h);                                  // [N, c, R1, R2]
        Tensor tok = z.reshape(n, c, t).transpose(1, 2);             // [N, c, T] -> [N, T, c] (token r = r1*R2 + r2)
        Tensor qkvOut = qkv.forward(tok);                            // [N, T, 3c] = q | k | v
        Tensor o = proj.forward(Attention.multiHeadPacked(qkvOut, heads)); // [N, T, c]; the thirds read in place
        Tensor back = o.transpose(1, 2).reshape(n, c, r1, r2);       // [N, T, c] -> [N, c, T] -> [N, c, R1, R2]
        return Arithmetic.add(h, back);
    }
}
