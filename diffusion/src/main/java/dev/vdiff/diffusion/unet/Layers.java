package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Init;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.Embeddings;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.random.Rng;

/**
 * The parametrised primitives of FORMAT.md 5.20 as tiny modules, holding their tensors under PyTorch's names
 * ({@code weight} before {@code bias}). Fresh layers hold zeros (norms: scale 1, shift 0); {@code reset(rng)}
 * draws PyTorch's default initialisation (weight first, then bias, as PyTorch's {@code reset_parameters});
 * {@link Module#loadStateDict} loads trained values.
 */
final class Layers {
    private Layers() {}

    /** Overwrites a parameter's values in place (the tensor object stays registered). */
    static void assign(Tensor param, Tensor values) {
        Tensor v = values.to(param.dtype()).contiguous();
        System.arraycopy(v.storage(), 0, param.storage(), 0, param.numel());
    }

    /** {@code Conv(i->o, k)}: {@code weight [o, i, k, k]}, {@code bias [o]}; padding {@code k/2}. */
    static final class Conv extends Module {
        final Tensor weight, bias;
        final int stride, padding;

        Conv(DType dtype, int in, int out, int k, int stride) {
            weight = param("weight", Tensor.zeros(dtype, out, in, k, k));
            bias = param("bias", Tensor.zeros(dtype, out));
            this.stride = stride;
            this.padding = k / 2;
        }

        /** kaiming_uniform(a = sqrt 5) weight, U(+-1/sqrt(fan_in)) bias; {@code fan_in = in * k * k}. */
        void reset(Rng rng) {
            int[] s = weight.shape();
            int fanIn = s[1] * s[2] * s[3];
            assign(weight, Init.kaimingUniform(rng, weight.dtype(), Init.DEFAULT_A, fanIn, s));
            assign(bias, Init.fanInUniform(rng, bias.dtype(), fanIn, bias.shape()));
        }

        /** x {@code [N, in, H, W]} -> {@code [N, out, H/stride, W/stride]}. */
        Tensor forward(Tensor x) {
            return Convolution.conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding});
        }
    }

    /** {@code Linear(i->o)}: {@code weight [o, i]}, {@code bias [o]}; {@code y = x W^T + b} on the last axis. */
    static final class Linear extends Module {
        final Tensor weight, bias;

        Linear(DType dtype, int in, int out) {
            weight = param("weight", Tensor.zeros(dtype, out, in));
            bias = param("bias", Tensor.zeros(dtype, out));
        }

        /** kaiming_uniform(a = sqrt 5) weight, U(+-1/sqrt(in)) bias. */
        void reset(Rng rng) {
            int fanIn = weight.shape(1);
            assign(weight, Init.kaimingUniform(rng, weight.dtype(), Init.DEFAULT_A, fanIn, weight.shape()));
            assign(bias, Init.fanInUniform(rng, bias.dtype(), fanIn, bias.shape()));
        }

        Tensor forward(Tensor x) {
            return LinearAlgebra.linear(x, weight, bias);
        }
    }

    /** {@code Norm(c)}: GroupNorm scale {@code weight [c]} (1) and shift {@code bias [c]} (0). */
    static final class Norm extends Module {
        final Tensor weight, bias;
        final int groups;
        final double eps;

        Norm(DType dtype, int channels, int groups, double eps) {
            weight = param("weight", Tensor.ones(dtype, channels));
            bias = param("bias", Tensor.zeros(dtype, channels));
            this.groups = groups;
            this.eps = eps;
        }

        /** Scale 1, shift 0 (draws nothing). */
        void reset(Rng rng) {
            weight.fill(1);
            bias.fill(0);
        }

        /** x {@code [n, c, *rest]}: statistics per sample {@code n} and group, over the group's channels and {@code rest}. */
        Tensor forward(Tensor x) {
            return Normalization.groupNorm(x, groups, weight, bias, eps);
        }
    }

    /** An embedding table {@code weight [rows, dim]}; {@code forward(idx [...]) -> [..., dim]}. */
    static final class Table extends Module {
        final Tensor weight;

        Table(DType dtype, int rows, int dim) {
            weight = param("weight", Tensor.zeros(dtype, rows, dim));
        }

        /** Standard normal, as {@code nn.Embedding}. */
        void reset(Rng rng) {
            assign(weight, rng.normal(weight.dtype(), weight.shape()));
        }

        Tensor forward(Tensor indices) {
            return Embeddings.lookup(weight, indices);
        }
    }
}
