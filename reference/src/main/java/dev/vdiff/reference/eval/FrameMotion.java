package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;

import java.util.List;

/**
 * How much a clip moves, without a reference: the mean absolute luma difference between consecutive frames,
 * {@code M = mean_{k, x} |Y_{k+1}(x) - Y_k(x)|} with luma in [0, 1] ({@link Luma}). Used to compare the motion of
 * a distilled student's samples with its teacher's (MCM's claim that the student keeps the teacher's motion);
 * noise raises it too, so it is read next to {@link VisualQuality#noise()}.
 */
public final class FrameMotion {
    private FrameMotion() {}

    /** {@code M} of one video {@code [F, 3, H, W]} in [-1, 1]; 0 for a single frame. */
    public static double of(Tensor video) {
        float[][] y = Luma.of(video);
        if (y.length < 2) return 0;
        double sum = 0;
        for (int k = 0; k + 1 < y.length; k++) {
            float[] a = y[k], b = y[k + 1];
            for (int i = 0; i < a.length; i++) sum += Math.abs(b[i] - a[i]);
        }
        return sum / ((double) (y.length - 1) * y[0].length);
    }

    /** The mean of {@link #of} over videos. */
    public static double mean(List<Tensor> videos) {
        double s = 0;
        for (Tensor v : videos) s += of(v);
        return s / videos.size();
    }
}
