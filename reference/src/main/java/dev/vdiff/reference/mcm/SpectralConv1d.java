package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Init;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.nn.SpectralNorm;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.random.Rng;

/**
 * A 1-D convolution over tokens {@code [B, C, N] -> [B, O, N]} with a spectrally normalised weight
 * ({@link SpectralNorm}) and "same" padding {@code k / 2} that is circular or zero, as the
 * {@code SpectralConv1d} of MCM's discriminator heads (SPEC §4.4; the projected-GAN / StyleGAN-T head).
 * Computed as a 2-D convolution on {@code [B, C, 1, N]}; circular padding wraps the last and first
 * {@code k / 2} tokens around (a recorded narrow and concatenation, so gradients of gradients flow).
 *
 * <p>Parameters: {@code weight_orig [O, C, k]}, {@code bias [O]}; buffers {@code weight_u}, {@code weight_v}.
 */
public final class SpectralConv1d extends Module {
    public final int in, out, kernel;
    public final boolean circular;
    private final SpectralNorm sn;
    public final Tensor bias;

    public SpectralConv1d(int in, int out, int kernel, boolean circular, DType dtype, Rng rng) {
        if (in < 1 || out < 1 || kernel < 1 || kernel % 2 == 0) throw new IllegalArgumentException("SpectralConv1d: need positive channels and an odd kernel, got " + in + " -> " + out + ", kernel " + kernel);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.circular = circular;
        int fanIn = in * kernel;
        this.sn = SpectralNorm.register(this, "weight", Init.kaimingUniform(rng, dtype, Init.DEFAULT_A, fanIn, out, in, kernel), 1, rng);
        this.bias = param("bias", Init.fanInUniform(rng, dtype, fanIn, out));
    }

    /** {@code [B, in, N] -> [B, out, N]}; {@code update} advances the power iteration (training). */
    public Tensor forward(Tensor x, boolean update) {
        int p = kernel / 2;
        Tensor x4 = x.unsqueeze(2);                                                   // [B, C, 1, N]
        if (circular && p > 0) {
            int n = x.shape(2);
            if (n < p) throw new IllegalArgumentException("SpectralConv1d: circular padding " + p + " needs at least " + p + " tokens, got " + n);
            x4 = Concat.cat(3, x4.narrow(3, n - p, p), x4, x4.narrow(3, 0, p));        // [B, C, 1, N + 2p]
        }
        Tensor w = sn.weight(update).reshape(out, in, 1, kernel);                      // [O, C, 1, k]
        int pad = circular ? 0 : p;
        return Convolution.conv2d(x4, w, bias, new int[] {1, 1}, new int[] {0, pad}).squeeze(2);
    }

    public SpectralNorm spectralNorm() {
        return sn;
    }
}
