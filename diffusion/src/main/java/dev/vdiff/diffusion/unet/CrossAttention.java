package dev.vdiff.diffusion.unet;

import dev.vdiff.diffusion.text.TextFeatures;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.LayerNorm;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.random.Rng;

/**
 * Attention from the pixels of every frame to the caption's tokens: the second attention of VideoCrafter2's
 * spatial BasicBlock, {@code x += Attn2(LN(x), context)} (SPEC §1.7; {@code lvdm/modules/attention.py
 * CrossAttention}: {@code to_q, to_k, to_v} without bias, {@code to_out} with bias).
 *
 * <pre>
 * tok[n, r] = h[n, :, r1, r2]                  [N, T, c], T = R1*R2 pixels of frame row n = b*F + f
 * q         = to_q( norm(tok) )                 [N, T, c]
 * k, v      = to_k(ctx[b]), to_v(ctx[b])        [B, L, c] from the caption features [B, L, D_text], shared by the
 *                                               F frames of video b: [B, L, c] -> [B, F, L, c] -> [N, L, c]
 * o         = Attn(q, k, v), padding keys blocked (mask[b, j] = 0)
 * out       = h + to_out(o) read back as [N, c, R1, R2]
 * </pre>
 *
 * Every frame of a video reads the same caption (VideoCrafter2 repeats the context F times, {@code
 * openaimodel3d.py}: {@code context.repeat_interleave(repeats=t)}). Heads as the UNet's self-attention:
 * {@code heads x headDim = c}. Parameters in order: {@code norm, to_q, to_k, to_v, to_out}.
 */
public final class CrossAttention extends Module {
    private final LayerNorm norm;
    private final Linear toQ, toK, toV, toOut;
    private final int channels, heads;

    CrossAttention(DType dtype, int channels, int contextDim, VideoUNetConfig cfg, Rng rng) {
        this.channels = channels;
        this.heads = cfg.heads();
        norm = child("norm", new LayerNorm(channels, 1e-5, true, dtype));
        toQ = child("to_q", new Linear(channels, channels, false, dtype, rng));
        toK = child("to_k", new Linear(contextDim, channels, false, dtype, rng));
        toV = child("to_v", new Linear(contextDim, channels, false, dtype, rng));
        toOut = child("to_out", new Linear(channels, channels, true, dtype, rng));
    }

    /**
     * @param h   frames {@code [N, c, R1, R2]}, {@code N = B*F}
     * @param ctx the caption of each of the B videos
     * @return {@code [N, c, R1, R2]}
     */
    public Tensor forward(Tensor h, TextFeatures ctx) {
        int n = h.shape(0), c = channels, r1 = h.shape(2), r2 = h.shape(3), t = r1 * r2;
        int b = ctx.batch(), l = ctx.length();
        if (n % b != 0) throw new IllegalArgumentException("CrossAttention: " + n + " frame rows are not " + b + " videos' frames; caption features " + Shape.str(ctx.features().shape()));
        int f = n / b;
        Tensor tok = h.reshape(n, c, t).transpose(1, 2);                          // [N, c, T] -> [N, T, c] (token r = r1*R2 + r2)
        Tensor q = toQ.forward(norm.forward(tok));                                 // [N, T, c]
        Tensor k = perFrame(toK.forward(ctx.features()), b, f, l);                 // [B, L, c] -> [N, L, c]
        Tensor v = perFrame(toV.forward(ctx.features()), b, f, l);
        Tensor o = toOut.forward(Attention.multiHead(q, k, v, heads, keyMask(ctx.mask(), f), null));   // [N, T, c]
        Tensor back = o.transpose(1, 2).reshape(n, c, r1, r2);                     // [N, T, c] -> [N, c, T] -> [N, c, R1, R2]
        return Arithmetic.add(h, back);
    }

    /** {@code [B, L, c] -> [B, 1, L, c] -> [B, F, L, c] (broadcast) -> [N, L, c]} (copied; backward sums the F frames). */
    private Tensor perFrame(Tensor x, int b, int f, int l) {
        return x.reshape(b, 1, l, channels).expand(b, f, l, channels).reshape(b * f, l, channels);
    }

    /** The caption mask {@code [B, L]} as the key mask of frame row {@code n = b*F + f}: {@code [N, 1, 1, L]}. */
    private static Tensor keyMask(Tensor mask, int f) {
        int b = mask.shape(0), l = mask.shape(1);
        long[] m = mask.contiguous().longs(), out = new long[b * f * l];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < f; j++) System.arraycopy(m, i * l, out, (i * f + j) * l, l);
        }
        return Tensor.ofLongs(out, b * f, 1, 1, l);
    }
}
