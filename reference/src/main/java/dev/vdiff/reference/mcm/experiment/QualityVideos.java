package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.tensor.random.Rng;

/**
 * The experiment's two data sets, MCM's premise at toy scale (SPEC §4.4: video data of low visual quality, image
 * data of high visual quality): synthetic moving shapes, one colour per class on a flat background, either
 * <b>degraded</b> (every clip blurred and noisy, half of them also JPEG-blocked and half rendered at half resolution:
 * the synthetic generator's degradations) or <b>clean</b>. Clip {@code i} is a pure function of {@code (seed, i)}.
 */
final class QualityVideos implements VideoDataset {
    /** The degradations of a low-quality clip: blur sigma, noise std, blocking strength (with probability 1/2), downscale 2 (1/2). */
    record Degradation(double blurSigma, double noiseStd, double blockStrength) {}

    private final SyntheticVideos base;
    private final Degradation degradation;   // null: clean

    QualityVideos(int frames, int height, int width, int classes, double minSpeed, double maxSpeed, long seed, Degradation degradation) {
        this.base = new SyntheticVideos(SyntheticConfig.defaults().withSeed(seed).withSize(frames, height, width).withClasses(classes)
            .withMotion(minSpeed, maxSpeed, 0, 0).clean());
        this.degradation = degradation;
    }

    @Override
    public Clip clip(long index) {
        ClipSpec s = base.spec(index);
        ClipSpec c = new ClipSpec(s.shape(), ShapeColor.values()[s.shape().ordinal()], BackgroundKind.FLAT, s.speed(), s.direction(), false, false,
            0, 0, 0, 1, s.seed());
        if (degradation != null) {
            Rng r = Rng.seed(s.seed()).split(77);
            boolean block = r.nextDouble() < 0.5, down = r.nextDouble() < 0.5;
            c = c.withDegradations(degradation.blurSigma(), degradation.noiseStd(), block ? degradation.blockStrength() : 0, down ? 2 : 1);
        }
        return base.render(c);
    }

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public int frames() {
        return base.frames();
    }

    @Override
    public int height() {
        return base.height();
    }

    @Override
    public int width() {
        return base.width();
    }
}
