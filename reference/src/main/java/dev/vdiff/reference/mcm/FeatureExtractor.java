package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.Tensor;

/**
 * The frozen image-feature network under MCM's frame discriminator (SPEC §4.4: DINOv2 ViT-S/14, layers
 * {2, 5, 8, 11}, patch tokens). Maps images {@code [N, 3, H, W]} in [-1, 1] to one token map
 * {@code [N, C_l, T_l]} per hooked layer. Gradients flow through it to the images (the generator's
 * adversarial loss) but its own weights never train.
 */
public interface FeatureExtractor {
    /** The token maps of the hooked layers, in hook order. */
    Tensor[] features(Tensor images);

    /** The channel count {@code C_l} of each hooked layer. */
    int[] channels();
}
