package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Rectifiers;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;

/**
 * One head of MCM's frame discriminator (SPEC §4.4, released {@code models/discriminator_handcraft.py}; the
 * projected-GAN / StyleGAN-T head), on the tokens of one feature layer {@code f [B, C, N]} and a condition
 * embedding {@code c [B, condDim]}:
 * <pre>
 *   block_k(h) = LeakyReLU_0.2( BatchNormLocal( SpectralConv1d_k(h) ) )      circular padding k/2
 *   h   = block_1(f)
 *   h   = (block_9(h) + h) / sqrt(2)                                          residual, kernel 9
 *   out = SpectralConv1d_1(C -> cmapDim)(h)                                    [B, cmapDim, N]
 *   cmap = Linear(condDim -> cmapDim)(c)                                       [B, cmapDim]
 *   logit[b, n] = sum_ch out[b, ch, n] cmap[b, ch] / sqrt(cmapDim)            [B, N]
 * </pre>
 * Released sizes: C = 384 (DINOv2 ViT-S/14), cmapDim = 64, condDim = 1024 (OpenCLIP text), virtual batch 8.
 * The class-conditional toy setting passes a learned class embedding as {@code c}.
 */
public final class DiscriminatorHead extends Module {
    /** Sizes; {@link #MCM} holds the released ones. */
    public record Config(int channels, int cmapDim, int condDim, int virtualBatch) {
        public static final Config MCM = new Config(384, 64, 1024, 8);

        public Config {
            if (channels < 1 || cmapDim < 1 || condDim < 1 || virtualBatch < 1) throw new IllegalArgumentException("discriminator head: sizes must be positive, got " + this);
        }
    }

    public final Config config;
    private final SpectralConv1d conv1, conv9, cls;
    private final BatchNormLocal norm1, norm9;
    private final Linear cmap;

    public DiscriminatorHead(Config config, DType dtype, Rng rng) {
        this.config = config;
        int ch = config.channels();
        this.conv1 = child("block1_conv", new SpectralConv1d(ch, ch, 1, true, dtype, rng));
        this.norm1 = child("block1_norm", new BatchNormLocal(ch, config.virtualBatch(), 1e-5, dtype));
        this.conv9 = child("block9_conv", new SpectralConv1d(ch, ch, 9, true, dtype, rng));
        this.norm9 = child("block9_norm", new BatchNormLocal(ch, config.virtualBatch(), 1e-5, dtype));
        this.cls = child("cls", new SpectralConv1d(ch, config.cmapDim(), 1, true, dtype, rng));
        this.cmap = child("cmap", new Linear(config.condDim(), config.cmapDim(), true, dtype, rng));
    }

    /** Logits {@code [B, N]} of tokens {@code f [B, C, N]} under condition {@code c [B, condDim]}. */
    public Tensor forward(Tensor f, Tensor c, boolean update) {
        Tensor h = block(conv1, norm1, f, update);
        h = Arithmetic.mul(Arithmetic.add(block(conv9, norm9, h, update), h), 1 / Math.sqrt(2));
        Tensor out = cls.forward(h, update);                                       // [B, cmapDim, N]
        Tensor m = cmap.forward(c).unsqueeze(2);                                    // [B, cmapDim, 1]
        Tensor logit = Reductions.sum(Arithmetic.mul(out, m), new int[] {1}, false); // [B, N]
        return Arithmetic.mul(logit, 1 / Math.sqrt(config.cmapDim()));
    }

    private static Tensor block(SpectralConv1d conv, BatchNormLocal norm, Tensor h, boolean update) {
        return Rectifiers.leakyRelu(norm.forward(conv.forward(h, update)), 0.2);
    }
}
