package dev.vdiff.tensor.nn;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * 3-D cross-correlation as {@code torch.nn.Conv3d} (groups 1, dilation 1, zero padding): weight
 * {@code [out, in, kd, kh, kw]}, bias {@code [out]}, initialised U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
 * {@code fan_in = in * kd * kh * kw} (see {@link Init}).
 *
 * <pre>{@code
 * // VideoCrafter's temporal convolution: kernel (3, 1, 1), padding (1, 0, 0) mixes neighbouring frames only.
 * Conv3d t = new Conv3d(64, 64, new int[] {3, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 0, 0}, true, DType.FLOAT32, rng);
 * t.forward(x);    // x [B, 64, F, H, W] -> [B, 64, F, H, W]
 * }</pre>
 */
public final class Conv3d extends Module {
    public final int in, out;
    private final int[] kernel, stride, padding;
    public final Tensor weight, bias;

    public Conv3d(int in, int out, int[] kernel, int[] stride, int[] padding, boolean bias, DType dtype, Rng rng) {
        if (kernel.length != 3 || stride.length != 3 || padding.length != 3) {
            throw new IllegalArgumentException("Conv3d: kernel, stride and padding need 3 entries (d, h, w), got " + Arrays.toString(kernel) + ", " + Arrays.toString(stride) + ", " + Arrays.toString(padding));
        }
        boolean ok = in > 0 && out > 0;
        for (int i = 0; i < 3; i++) ok &= kernel[i] > 0 && stride[i] > 0 && padding[i] >= 0;
        if (!ok) throw new IllegalArgumentException("Conv3d: need positive channels, kernel and stride and padding >= 0, got in " + in + ", out " + out
            + ", kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding));
        this.in = in;
        this.out = out;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        int fanIn = in * kernel[0] * kernel[1] * kernel[2];
        this.weight = param("weight", Init.kaimingUniform(rng, dtype, Init.DEFAULT_A, fanIn, out, in, kernel[0], kernel[1], kernel[2]));
        this.bias = bias ? param("bias", Init.fanInUniform(rng, dtype, fanIn, out)) : null;
    }

    /** {@code [N, in, D, H, W] -> [N, out, D', H', W']}, each {@code floor((size + 2 padding - k) / stride) + 1}. */
    public Tensor forward(Tensor x) {
        return Convolution.conv3d(x, weight, bias, stride.clone(), padding.clone());
    }

    public int[] kernel() { return kernel.clone(); }
    public int[] stride() { return stride.clone(); }
    public int[] padding() { return padding.clone(); }

    @Override
    public String toString() {
        return "Conv3d(" + in + " -> " + out + ", kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding) + (bias == null ? ", no bias" : "") + ")";
    }
}
