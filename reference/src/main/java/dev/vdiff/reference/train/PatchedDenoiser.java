package dev.vdiff.reference.train;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;

/**
 * A {@link Denoiser} on pixels whose inner network sees {@code p x p} pixel blocks folded into channels
 * (space-to-depth, PyTorch's {@code pixel_unshuffle} per frame):
 * <pre>
 *   fold:   x [B, F, C, H, W] -> [B, F, C, H/p, p, W/p, p] -> [B, F, C, p, p, H/p, W/p] -> [B, F, C p^2, H/p, W/p]
 *           channel (c, u, v) at (i, j) holds pixel (c, i p + u, j p + v)
 *   unfold: the inverse permutation, applied to the inner network's output
 * </pre>
 * Folding is a permutation of the values, so Gaussian noise stays Gaussian noise and the mean squared error is
 * unchanged: training and sampling are exactly pixel-space diffusion, with a cheaper network.
 */
public final class PatchedDenoiser implements Denoiser {
    private final Denoiser inner;
    private final int p;

    public PatchedDenoiser(Denoiser inner, int patch) {
        if (patch < 1) throw new IllegalArgumentException("PatchedDenoiser: patch must be >= 1, got " + patch);
        this.inner = inner;
        this.p = patch;
    }

    @Override
    public Module module() {
        return inner.module();
    }

    @Override
    public int numClasses() {
        return inner.numClasses();
    }

    @Override
    public dev.vdiff.diffusion.text.CaptionTokenizer tokenizer() {
        return inner.tokenizer();
    }

    @Override
    public Tensor forward(Tensor x, Tensor t, Tensor y) {
        return unfold(inner.forward(fold(x, p), t, y), p);
    }

    /** {@code [B, F, C, H, W] -> [B, F, C p^2, H/p, W/p]}. */
    public static Tensor fold(Tensor x, int p) {
        int[] s = x.shape();
        if (s.length != 5 || s[3] % p != 0 || s[4] % p != 0) throw new IllegalArgumentException("PatchedDenoiser: need [B, F, C, H, W] with H and W multiples of " + p + ", got " + java.util.Arrays.toString(s));
        int b = s[0], f = s[1], c = s[2], h = s[3] / p, w = s[4] / p;
        return x.reshape(b, f, c, h, p, w, p)          // [B, F, C, H/p, p, W/p, p]
            .permute(0, 1, 2, 4, 6, 3, 5)              // [B, F, C, p, p, H/p, W/p]
            .contiguous()
            .reshape(b, f, c * p * p, h, w);           // [B, F, C p^2, H/p, W/p]
    }

    /** {@code [B, F, C p^2, H, W] -> [B, F, C, H p, W p]}, the inverse of {@link #fold}. */
    public static Tensor unfold(Tensor z, int p) {
        int[] s = z.shape();
        int b = s[0], f = s[1], c = s[2] / (p * p), h = s[3], w = s[4];
        return z.reshape(b, f, c, p, p, h, w)           // [B, F, C, p, p, H, W]
            .permute(0, 1, 2, 5, 3, 6, 4)               // [B, F, C, H, p, W, p]
            .contiguous()
            .reshape(b, f, c, h * p, w * p);            // [B, F, C, H p, W p]
    }
}
