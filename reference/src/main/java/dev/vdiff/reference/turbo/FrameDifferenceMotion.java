package dev.vdiff.reference.turbo;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * A simple motion measure: the mean absolute difference between consecutive frames,
 * {@code m_b = mean_{f, c, h, w} |x[b, f+1] - x[b, f]|} over clips {@code [B, F, C, H, W]}. Zero for a still clip,
 * larger for more moving pixels. A stand-in motion score for the motion gate and for the experiment's "motion"
 * figure; it does not tell motion from flicker (TQD's flow-based MQ does).
 */
public final class FrameDifferenceMotion {
    private FrameDifferenceMotion() {}

    /** One value per clip; clips need at least two frames. */
    public static double[] of(Tensor clips) {
        if (clips.rank() != 5 || clips.shape(1) < 2) throw new IllegalArgumentException("FrameDifferenceMotion: clips must be [B, F >= 2, C, H, W], got " + Shape.str(clips.shape()));
        int b = clips.shape(0), f = clips.shape(1), per = clips.numel() / (b * f);
        double[] x = clips.toDoubleArray();
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            double sum = 0;
            for (int k = 0; k + 1 < f; k++) {
                int a = (i * f + k) * per, c = a + per;
                for (int j = 0; j < per; j++) sum += Math.abs(x[c + j] - x[a + j]);
            }
            out[i] = sum / ((double) (f - 1) * per);
        }
        return out;
    }
}
