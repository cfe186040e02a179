package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;

import java.util.Arrays;

/**
 * The grey-level frames the quality scorers work on: ITU-R BT.601 luma {@code Y = 0.299 R + 0.587 G + 0.114 B}
 * of a clip's video ({@code [F, 3, H, W]} in [-1, 1]), mapped to [0, 1].
 */
public final class Luma {
    private Luma() {}

    /** {@code [F][H*W]} luma in [0, 1] of a video {@code [F, 3, H, W]} in [-1, 1] (float32 or float64). */
    public static float[][] of(Tensor video) {
        if (video.rank() != 4 || video.shape(1) != 3 || video.shape(0) < 1) {
            throw new IllegalArgumentException("quality score: video must be [F >= 1, 3, H, W], got " + Arrays.toString(video.shape()));
        }
        int frames = video.shape(0), plane = video.shape(2) * video.shape(3);
        double[] v = video.toDoubleArray();
        float[][] out = new float[frames][plane];
        for (int f = 0; f < frames; f++) {
            int r = f * 3 * plane, g = r + plane, b = g + plane;
            for (int i = 0; i < plane; i++) {
                double y = 0.299 * v[r + i] + 0.587 * v[g + i] + 0.114 * v[b + i];   // in [-1, 1]
                out[f][i] = (float) (0.5 * (y + 1));
            }
        }
        return out;
    }
}
