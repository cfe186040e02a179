package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.GroupNorm;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.Embeddings;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Softmax;
import dev.vdiff.tensor.random.Rng;

/**
 * Self-attention among the frames of each video at each pixel (docs/ORACLE.md §5.20 "Temporal attention"):
 * {@code S = B*R1*R2} sequences of {@code T = F} tokens.
 *
 * <pre>
 * v5[b, :, f, r1, r2] = h[b*F + f, :, r1, r2]          [B, c, F, R1, R2]
 * z         = norm(v5)                                 statistics per VIDEO: a group's channels x F x R1 x R2
 * tok[s, f] = z[b, :, f, r1, r2] + pe[f],  s = (b*R1 + r1)*R2 + r2
 * q | k | v = qkv(tok);   o = proj( Attn(q, k, v) )
 * out[b*F + f, :, r1, r2] = h[b*F + f, :, r1, r2] + o[s, f]
 * </pre>
 *
 * The GroupNorm over the whole video (not per frame) is what VideoCrafter's and AnimateDiff's temporal
 * transformers do; {@code pe} is the interleaved sine/cosine frame position table, a constant (VideoCrafter2 has
 * none, SPEC §1.7; docs/UNET.md).
 * Parameters in PyTorch order: {@code norm, qkv, proj}.
 */
public final class TemporalAttention extends Module {
    private final GroupNorm norm;
    private final Linear qkv, proj;
    private final int channels, heads, headDim, frames;
    private final Tensor positions;   // [F, c], not a parameter

    TemporalAttention(DType dtype, int channels, VideoUNetConfig cfg, Rng rng) {
        this.channels = channels;
        this.heads = cfg.heads();
        this.headDim = cfg.headDim();
        this.frames = cfg.frames();
        norm = child("norm", new GroupNorm(cfg.groups(), channels, cfg.gnEps(), true, dtype));
        qkv = child("qkv", new Linear(channels, 3 * channels, true, dtype, rng));
        proj = child("proj", new Linear(channels, channels, true, dtype, rng));
        positions = Embeddings.framePositions(frames, channels, dtype);
    }

    /**
     * h {@code [N, c, R1, R2]}, {@code N = B*F} -> {@code [N, c, R1, R2]}. When {@code hook} is not null it
     * receives this layer's attention probabilities {@code [S, heads, F, F]} under the name {@code layer}.
     */
    public Tensor forward(Tensor h, String layer, TemporalAttentionHook hook) {
        return forward(h, frames, layer, hook);
    }

    /**
     * As {@link #forward(Tensor, String, TemporalAttentionHook)} for videos of {@code f} frames, {@code 1 <= f <= F}
     * ({@code N = B*f}), e.g. the coarse stages of a TPDiff temporal pyramid (SPEC §5.1: stage k has F/2^{k-1}
     * frames). The frames get the positions {@code pe[0 .. f-1]}, the first rows of the table. [RECONSTRUCTED]
     * TPDiff's stage-consistent positions (SPEC §5.6) are defined only for RoPE DiTs; here the frame count itself
     * tells the stages apart.
     */
    public Tensor forward(Tensor h, int f, String layer, TemporalAttentionHook hook) {
        if (f < 1 || f > frames || h.shape(0) % f != 0) {
            throw new IllegalArgumentException("TemporalAttention: " + h.shape(0) + " frames rows cannot be videos of " + f + " frames (1.." + frames + ")");
        }
        int n = h.shape(0), c = channels, b = n / f, r1 = h.shape(2), r2 = h.shape(3), s = b * r1 * r2;
        Tensor pe = f == frames ? positions : positions.narrow(0, 0, f).contiguous();
        Tensor v5 = h.reshape(b, f, c, r1, r2).permute(0, 2, 1, 3, 4);   // [B, F, c, R1, R2] -> [B, c, F, R1, R2] (view)
        Tensor z = norm.forward(v5);                                     // [B, c, F, R1, R2], statistics per video
        Tensor tok = z.permute(0, 3, 4, 2, 1).reshape(s, f, c);          // [B, R1, R2, F, c] -> [S, F, c]
        tok = Arithmetic.add(tok, pe);                                   // + pe [F, c] in every sequence
        Tensor qkvOut = qkv.forward(tok);                                // [S, F, 3c] = q | k | v
        if (hook != null) hook.accept(layer, probabilities(qkvOut.narrow(2, 0, c), qkvOut.narrow(2, c, c)));   // [S, F, c] views
        Tensor o = proj.forward(Attention.multiHeadPacked(qkvOut, heads)); // [S, F, c]; the thirds read in place
        // [S, F, c] -> [B, R1, R2, F, c] -> [B, F, c, R1, R2] -> [N, c, R1, R2]
        Tensor back = o.reshape(b, r1, r2, f, c).permute(0, 3, 4, 1, 2).reshape(n, c, r1, r2);
        return Arithmetic.add(h, back);
    }

    /**
     * {@code softmax(q k^T / sqrt(headDim))} per sequence and head, {@code [S, heads, F, F]}: the matrix the
     * attention core applies to {@code v}, recomputed here (F x F per head is small) so that it can be handed out.
     */
    private Tensor probabilities(Tensor q, Tensor k) {
        int s = q.shape(0), f = q.shape(1);
        Tensor qh = q.reshape(s, f, heads, headDim).permute(0, 2, 1, 3);   // [S, F, c] -> [S, F, heads, d] -> [S, heads, F, d]
        Tensor kt = k.reshape(s, f, heads, headDim).permute(0, 2, 3, 1);   // [S, F, c] -> [S, heads, d, F]
        Tensor scores = Arithmetic.mul(LinearAlgebra.matmul(qh, kt), 1.0 / Math.sqrt(headDim));   // [S, heads, F, F]
        return Softmax.softmax(scores, -1);
    }
}
