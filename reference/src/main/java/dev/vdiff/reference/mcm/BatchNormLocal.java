package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;

/**
 * Batch normalisation over virtual batches ("BatchNormLocal" of MCM's discriminator heads, SPEC §4.4; from
 * StyleGAN-T): tokens {@code x [B, C, N]} are split into {@code G = ceil(B / virtualBatch)} consecutive
 * groups of samples; each group and channel is normalised by its mean and biased variance over the group's
 * samples and all tokens, then scaled and shifted per channel. Always batch statistics (no running
 * averages), as the released head. Built from recorded ops, so gradients of gradients flow through it.
 *
 * <pre>
 *   x [B, C, N] -> [G, B/G, C, N];  mu, var over axes (1, 3);  y = (x - mu) / sqrt(var + eps) * weight + bias
 * </pre>
 * Parameters {@code weight [C]} (ones) and {@code bias [C]} (zeros).
 */
public final class BatchNormLocal extends Module {
    public final int channels, virtualBatch;
    public final double eps;
    public final Tensor weight, bias;

    public BatchNormLocal(int channels, int virtualBatch, double eps, DType dtype) {
        if (channels < 1 || virtualBatch < 1 || !(eps > 0)) throw new IllegalArgumentException("BatchNormLocal: need channels >= 1, virtual batch >= 1 and eps > 0, got " + channels + ", " + virtualBatch + ", " + eps);
        this.channels = channels;
        this.virtualBatch = virtualBatch;
        this.eps = eps;
        this.weight = param("weight", Tensor.ones(dtype, channels));
        this.bias = param("bias", Tensor.zeros(dtype, channels));
    }

    /** {@code [B, C, N] -> [B, C, N]}; B must split into {@code ceil(B / virtualBatch)} equal groups. */
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        if (s.length != 3 || s[1] != channels) throw new IllegalArgumentException("BatchNormLocal: expects [B, " + channels + ", N], got " + java.util.Arrays.toString(s));
        int b = s[0], g = (b + virtualBatch - 1) / virtualBatch;
        if (b % g != 0) throw new IllegalArgumentException("BatchNormLocal: batch " + b + " does not split into " + g + " equal virtual batches of at most " + virtualBatch);
        Tensor xg = x.reshape(g, b / g, channels, s[2]);                                 // [G, B/G, C, N]
        int[] ax = {1, 3};
        Tensor xc = Arithmetic.sub(xg, Reductions.mean(xg, ax, true));
        Tensor var = Reductions.mean(Pointwise.square(xc), ax, true);
        Tensor y = Arithmetic.div(xc, Pointwise.sqrt(Arithmetic.add(var, eps))).reshape(b, channels, s[2]);
        return Arithmetic.add(Arithmetic.mul(y, weight.reshape(1, channels, 1)), bias.reshape(1, channels, 1));
    }
}
