package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Embedding;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Embeddings;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

/**
 * The per-video conditioning vector of FORMAT.md 5.20:
 *
 * <pre>
 * temb = [cos(t w_0) .. cos(t w_{half-1}), sin(t w_0) .. sin(t w_{half-1})],  w_i = exp(-ln(10000) i / half)
 * e    = time_fc2( SiLU( time_fc1(temb) ) ) + label_emb.weight[y]           [B, embDim]
 * </pre>
 *
 * The label row {@code numClasses} is the null label of classifier-free guidance. An optional extra vector
 * {@code g [B, tDim]} is added to {@code temb} before {@code time_fc1} (SPEC §1.7: {@code emb = MLP_time(sinus(t) + g)},
 * {@code g = 0} for a teacher, the projected guidance-scale / motion-strength embedding for a T2V-Turbo student). Its layers carry the
 * PyTorch names of the whole model ({@code time_fc1}, {@code time_fc2}, {@code label_emb}); {@link VideoUNet}
 * registers the same layer objects as its own top-level children, so the parameters sit at the top of the
 * model's state dict as in PyTorch.
 */
public final class TimestepEmbedding extends Module {
    final Linear fc1, fc2;
    final Embedding labels;   // null without class conditioning
    private final int tDim, numClasses;

    TimestepEmbedding(DType dtype, VideoUNetConfig cfg, Rng rng) {
        tDim = cfg.tDim();
        numClasses = cfg.numClasses();
        fc1 = child("time_fc1", new Linear(cfg.tDim(), cfg.embDim(), true, dtype, rng));
        fc2 = child("time_fc2", new Linear(cfg.embDim(), cfg.embDim(), true, dtype, rng));
        labels = cfg.classConditional() ? child("label_emb", new Embedding(cfg.numClasses() + 1, cfg.embDim(), dtype, rng)) : null;
    }

    /**
     * @param t timesteps, int64 {@code [B]}
     * @param y labels, int64 {@code [B]} in {@code 0..numClasses} (ignored, may be null, without class conditioning)
     * @return {@code e [B, embDim]}
     */
    public Tensor forward(Tensor t, Tensor y) {
        return forward(t, y, null);
    }

    /**
     * As {@link #forward(Tensor, Tensor)} with {@code g [B, tDim]} (or null for none) added to the sinusoidal
     * embedding before the MLP (SPEC §1.7).
     */
    public Tensor forward(Tensor t, Tensor y, Tensor g) {
        Tensor temb = Embeddings.timestep(t, tDim, fc1.weight.dtype());          // [B, tDim], cosines first
        if (g != null) temb = Arithmetic.add(temb, g);                          // + g [B, tDim] (SPEC §1.7)
        Tensor e = fc2.forward(Pointwise.silu(fc1.forward(temb)));              // [B, embDim]
        if (labels == null) return e;
        long[] ys = y.contiguous().longs();
        for (int i = 0; i < ys.length; i++) {
            if (ys[i] < 0 || ys[i] > numClasses) {
                throw new IllegalArgumentException("VideoUNet: label y[" + i + "] = " + ys[i] + " outside 0.." + numClasses + " (" + numClasses + " is the null label), y " + Shape.str(y.shape()));
            }
        }
        return Arithmetic.add(e, labels.forward(y));                            // + label_emb.weight[y]
    }
}
