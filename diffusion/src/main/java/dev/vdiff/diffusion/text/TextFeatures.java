package dev.vdiff.diffusion.text;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * The output of a {@link TextEncoder}: what the UNet's cross-attention reads as keys and values.
 *
 * @param features token features {@code [B, L', D_text]} ({@code L' = L}, or 1 for a pooled caption)
 * @param mask     int64 {@code [B, L']}: 1 for a token the video may attend to, 0 for padding; every row has at
 *                 least one 1 (the start token, or the pooled feature)
 */
public record TextFeatures(Tensor features, Tensor mask) {
    public TextFeatures {
        if (features.rank() != 3 || mask.rank() != 2 || mask.dtype() != DType.INT64 || mask.shape(0) != features.shape(0) || mask.shape(1) != features.shape(1)) {
            throw new IllegalArgumentException("TextFeatures: need features [B, L, D] and an int64 mask [B, L], got " + features.dtype() + Shape.str(features.shape()) + " and " + mask.dtype() + Shape.str(mask.shape()));
        }
    }

    public int batch() {
        return features.shape(0);
    }

    public int length() {
        return features.shape(1);
    }

    public int dim() {
        return features.shape(2);
    }
}
