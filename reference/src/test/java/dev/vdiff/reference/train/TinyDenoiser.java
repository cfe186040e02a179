package dev.vdiff.reference.train;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Embeddings;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;

/**
 * A test-only stand-in for the video UNet built from elementwise ops: per-channel scales, a timestep and a
 * label embedding, a frame-mean mixing term. Small, differentiable, label- and time-dependent, so training
 * changes it and its loss falls a little; the trainer tests need nothing more.
 */
final class TinyDenoiser extends Module implements Denoiser {
    static final int T_DIM = 8;
    private final int classes, channels;
    private final Tensor scale, shift, timeW, labelEmb, mix, outScale;

    TinyDenoiser(int channels, int classes, DType dtype, Rng rng) {
        this.classes = classes;
        this.channels = channels;
        scale = param("scale", rng.uniform(0.5, 1.5, dtype, channels));
        shift = param("shift", rng.uniform(-0.1, 0.1, dtype, channels));
        timeW = param("time_w", rng.uniform(-0.5, 0.5, dtype, T_DIM, channels));
        labelEmb = param("label_emb", rng.normal(0, 0.3, dtype, classes + 1, channels));
        mix = param("mix", rng.uniform(-0.5, 0.5, dtype, channels));
        outScale = param("out_scale", rng.uniform(0.5, 1.0, dtype, channels));
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public Tensor forward(Tensor x, Tensor t, Tensor y) {
        int b = x.shape(0), c = channels;
        Tensor temb = Embeddings.timestep(t, T_DIM, x.dtype());                                   // [B, 8]
        Tensor tproj = Reductions.sum(Arithmetic.mul(temb.unsqueeze(2), timeW), new int[] {1}, false);   // [B, 8, 1] * [8, C] -> [B, C]
        Tensor cond = Arithmetic.add(tproj, Embeddings.lookup(labelEmb, y)).reshape(b, 1, c, 1, 1);   // [B, 1, C, 1, 1]
        Tensor h = Arithmetic.add(Arithmetic.mul(x, scale.reshape(1, 1, c, 1, 1)), Arithmetic.add(cond, shift.reshape(1, 1, c, 1, 1)));
        h = Pointwise.silu(h);
        Tensor frameMean = Reductions.mean(h, new int[] {1}, true);                                // [B, 1, C, H, W]
        h = Arithmetic.add(h, Arithmetic.mul(frameMean, mix.reshape(1, 1, c, 1, 1)));
        return Arithmetic.mul(h, outScale.reshape(1, 1, c, 1, 1));
    }
}
