package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

/**
 * A frozen stand-in for DINOv2 under the frame discriminator (SPEC §4.4; {@link FeatureExtractor}): a small
 * convolutional network with fixed random weights (RECONSTRUCTED: no pretrained image model exists in the
 * project; projected-GAN discriminators are known to work on fixed random features, at lower quality than on
 * pretrained ones). A patch embedding (kernel = stride = {@code patch}) makes tokens, then {@code layers}
 * residual 3x3 blocks; every block's output is a hook, read as {@code [N, width, T]} with
 * {@code T = (H / patch) (W / patch)} tokens.
 * <pre>
 *   h_0 = Conv_{patch x patch, stride patch}(images);   h_l = h_{l-1} + Conv3x3(SiLU(h_{l-1})) / 2
 * </pre>
 */
public final class RandomPatchFeatures extends Module implements FeatureExtractor {
    public record Config(int imageChannels, int patch, int width, int layers, long seed) {
        public Config {
            if (imageChannels < 1 || patch < 1 || width < 1 || layers < 1) throw new IllegalArgumentException("random patch features: sizes must be positive, got " + this);
        }
    }

    public final Config config;
    private final Conv2d embed;
    private final Conv2d[] blocks;

    public RandomPatchFeatures(Config config, DType dtype) {
        this.config = config;
        Rng rng = Rng.seed(config.seed());
        this.embed = child("embed", new Conv2d(config.imageChannels(), config.width(), config.patch(), config.patch(), config.patch(), 0, true, dtype, rng));
        this.blocks = new Conv2d[config.layers()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = child("block" + i, new Conv2d(config.width(), config.width(), 3, 3, 1, 1, true, dtype, rng));
        for (Tensor p : parameters()) p.requiresGrad(false);   // frozen
    }

    @Override
    public Tensor[] features(Tensor images) {
        if (images.rank() != 4 || images.shape(1) != config.imageChannels()) throw new IllegalArgumentException("random patch features: expects images [N, " + config.imageChannels() + ", H, W], got " + java.util.Arrays.toString(images.shape()));
        Tensor h = embed.forward(images);                                  // [N, width, H/p, W/p]
        Tensor[] out = new Tensor[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            h = Arithmetic.add(h, Arithmetic.mul(blocks[i].forward(Pointwise.silu(h)), 0.5));
            out[i] = h.reshape(h.shape(0), config.width(), -1);           // [N, width, T]
        }
        return out;
    }

    @Override
    public int[] channels() {
        int[] c = new int[blocks.length];
        java.util.Arrays.fill(c, config.width());
        return c;
    }
}
