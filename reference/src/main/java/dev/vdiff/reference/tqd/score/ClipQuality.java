package dev.vdiff.reference.tqd.score;

import dev.vdiff.reference.eval.Luma;
import dev.vdiff.reference.eval.VisualQuality;
import dev.vdiff.tensor.Tensor;

/**
 * Both raw quality scores of one clip with their components (SPEC §2.1; see {@link MotionQuality} and
 * {@link VisualQuality} for the definitions). Normalisation to [0, 1] is done over a data set afterwards
 * ({@link dev.vdiff.reference.tqd.ScoreNormalization}).
 *
 * <pre>{@code
 * ClipQuality q = ClipQuality.of(clip.video());   // [F, 3, H, W] in [-1, 1]
 * q.mqRaw();  q.vqRaw();                          // C^2 ln(1 + M), and the product of the VQ factors
 * q.motion().magnitude();                         // pixels per frame
 * }</pre>
 */
public record ClipQuality(MotionQuality motion, VisualQuality visual) {
    public static ClipQuality of(Tensor video) {
        float[][] luma = Luma.of(video);
        int h = video.shape(2), w = video.shape(3);
        return new ClipQuality(MotionQuality.of(luma, h, w), VisualQuality.of(video));
    }

    public double mqRaw() {
        return motion.score();
    }

    public double vqRaw() {
        return visual.score();
    }
}
