package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Normalization;

/**
 * Group normalisation (Wu and He, 2018) as {@code torch.nn.GroupNorm}: the channels of {@code [N, C, *]} are
 * split into {@code groups} consecutive blocks; each (sample, group) is normalised by its mean and biased
 * variance over the block's channels and all trailing positions, then scaled per channel.
 * Affine parameters {@code weight [C]} start at 1 and {@code bias [C]} at 0.
 *
 * <pre>{@code
 * GroupNorm gn = new GroupNorm(32, 128, 1e-5, true, DType.FLOAT32);
 * gn.forward(x);    // x [N, 128, H, W]: 32 groups of 4 channels -> same shape
 * }</pre>
 */
public final class GroupNorm extends Module {
    public final int groups, channels;
    public final double eps;
    public final Tensor weight, bias;

    public GroupNorm(int groups, int channels, double eps, boolean affine, DType dtype) {
        if (groups <= 0 || channels <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: channels (" + channels + ") must be a positive multiple of groups (" + groups + ")");
        }
        if (!(eps > 0)) throw new IllegalArgumentException("GroupNorm: eps must be > 0, got " + eps);
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = affine ? param("weight", Tensor.ones(dtype, channels)) : null;
        this.bias = affine ? param("bias", Tensor.zeros(dtype, channels)) : null;
    }

    /** {@code [N, C, *] -> [N, C, *]}. */
    public Tensor forward(Tensor x) {
        return Normalization.groupNorm(x, groups, weight, bias, eps);
    }

    @Override
    public String toString() {
        return "GroupNorm(" + groups + " groups, " + channels + " channels, eps " + eps + (weight == null ? ", no affine" : "") + ")";
    }
}
