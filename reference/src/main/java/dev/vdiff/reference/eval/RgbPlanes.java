package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;

import java.util.Arrays;

/**
 * The colour planes {@link VisualQuality} scores: a clip's video ({@code [F, 3, H, W]} in [-1, 1]) as its red, green
 * and blue planes, each a grey image in [0, 1], grouped by channel ({@code [3][F][H*W]}). Luma ({@link Luma}) is
 * one weighted sum of them; scoring each plane sees what luma cancels (colours of equal luma) and what it mixes
 * (a degradation of each channel that the weighted sum turns into new luma detail).
 */
public final class RgbPlanes {
    private RgbPlanes() {}

    /** {@code [3][F][H*W]} in [0, 1] of a video {@code [F, 3, H, W]} in [-1, 1] (float32 or float64). */
    public static float[][][] of(Tensor video) {
        if (video.rank() != 4 || video.shape(1) != 3 || video.shape(0) < 1) {
            throw new IllegalArgumentException("quality score: video must be [F >= 1, 3, H, W], got " + Arrays.toString(video.shape()));
        }
        int frames = video.shape(0), plane = video.shape(2) * video.shape(3);
        double[] v = video.toDoubleArray();   // [F, 3, H, W]
        float[][][] out = new float[3][frames][plane];
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < 3; c++) {
                int base = (f * 3 + c) * plane;
                for (int i = 0; i < plane; i++) out[c][f][i] = (float) (0.5 * (v[base + i] + 1));
            }
        }
        return out;
    }
}
