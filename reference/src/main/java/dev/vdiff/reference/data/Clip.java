package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;

/**
 * One training example.
 *
 * @param video   float32 {@code [F, C=3, H, W]}, RGB in [-1, 1]
 * @param label   class label in {@code [0, classes)}, or -1 when the source has none
 * @param caption text for conditioning ("" when the source has none)
 * @param spec    how a synthetic clip was made; null for clips read from files
 */
public record Clip(Tensor video, int label, String caption, ClipSpec spec) {
    public Clip {
        if (video.rank() != 4 || video.shape(1) != 3) {
            throw new IllegalArgumentException("Clip: video must be [F, 3, H, W], got " + java.util.Arrays.toString(video.shape()));
        }
        if (caption == null) caption = "";
    }

    public int frames() {
        return video.shape(0);
    }

    public int height() {
        return video.shape(2);
    }

    public int width() {
        return video.shape(3);
    }
}
