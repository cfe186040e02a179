package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.random.Rng;

/**
 * 2-D cross-correlation as {@code torch.nn.Conv2d} (groups 1, dilation 1, zero padding): weight
 * {@code [out, in, kh, kw]}, bias {@code [out]}, initialised U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
 * {@code fan_in = in * kh * kw} (see {@link Init}).
 *
 * <pre>{@code
 * Conv2d down = new Conv2d(64, 64, 3, 3, 2, 1, true, DType.FLOAT32, rng);
 * down.forward(x);    // x [N, 64, 32, 32] -> [N, 64, 16, 16]: floor((32 + 2 - 3) / 2) + 1 = 16
 * }</pre>
 */
public final class Conv2d extends Module {
    public final int in, out, kh, kw, stride, padding;
    public final Tensor weight, bias;

    /** Same stride and padding along height and width. */
    public Conv2d(int in, int out, int kh, int kw, int stride, int padding, boolean bias, DType dtype, Rng rng) {
        if (in <= 0 || out <= 0 || kh <= 0 || kw <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: need positive channels, kernel and stride and padding >= 0, got in " + in + ", out " + out
                + ", kernel " + kh + "x" + kw + ", stride " + stride + ", padding " + padding);
        }
        this.in = in;
        this.out = out;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.padding = padding;
        int fanIn = in * kh * kw;
        this.weight = param("weight", Init.kaimingUniform(rng, dtype, Init.DEFAULT_A, fanIn, out, in, kh, kw));
        this.bias = bias ? param("bias", Init.fanInUniform(rng, dtype, fanIn, out)) : null;
    }

    /** {@code [N, in, H, W] -> [N, out, H', W']}, {@code H' = floor((H + 2 padding - kh) / stride) + 1}. */
    public Tensor forward(Tensor x) {
        return Convolution.conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding});
    }

    @Override
    public String toString() {
        return "Conv2d(" + in + " -> " + out + ", kernel " + kh + "x" + kw + ", stride " + stride + ", padding " + padding + (bias == null ? ", no bias" : "") + ")";
    }
}
