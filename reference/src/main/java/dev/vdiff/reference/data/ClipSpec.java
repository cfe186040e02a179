package dev.vdiff.reference.data;

import java.util.Objects;

/**
 * Everything that decides one synthetic clip: what is shown, how it moves, and how it is degraded. A spec
 * renders to the same bits every time ({@link ClipRenderer}); {@code seed} fixes what the other fields leave
 * open (start position, shape size, background colours and texture, noise, shuffle order).
 *
 * <p>The motion and degradation fields are first-class so data sets can be split on them (e.g. TQD's
 * motion-rich/low-visual-quality vs static/high-visual-quality splits, SPEC §3).
 *
 * @param shape         what moves
 * @param color         its colour
 * @param background    the static texture behind it
 * @param speed         pixels per frame along {@code direction} (output resolution); 0 for a static clip
 * @param direction     which way it moves
 * @param isStatic      no motion at all: every frame is the same image (before per-frame noise)
 * @param shuffled      frames are put in a random order other than the original (motion made incoherent)
 * @param blurSigma     gaussian blur standard deviation in pixels; 0 = off
 * @param noiseStd      additive gaussian noise standard deviation in output units ([-1, 1] range), drawn
 *                      independently per pixel and frame; 0 = off
 * @param blockStrength JPEG-like 8x8 DCT quantisation: the quantisation table is the JPEG quality-50
 *                      luminance table times this, so 1 ~ quality 50, 2 ~ quality 25; 0 = off
 * @param downscale     render detail lost by averaging {@code downscale x downscale} blocks and upscaling
 *                      back bilinearly; 1 = off
 * @param seed          everything else
 */
public record ClipSpec(ShapeKind shape, ShapeColor color, BackgroundKind background, double speed,
                       Direction direction, boolean isStatic, boolean shuffled, double blurSigma,
                       double noiseStd, double blockStrength, int downscale, long seed) {
    public ClipSpec {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(direction, "direction");
        if (!(speed >= 0) || Double.isInfinite(speed)) throw new IllegalArgumentException("ClipSpec: speed must be >= 0 pixels/frame, got " + speed);
        if (isStatic && speed != 0) throw new IllegalArgumentException("ClipSpec: a static clip has speed 0, got " + speed);
        if (!(blurSigma >= 0)) throw new IllegalArgumentException("ClipSpec: blurSigma must be >= 0, got " + blurSigma);
        if (!(noiseStd >= 0)) throw new IllegalArgumentException("ClipSpec: noiseStd must be >= 0, got " + noiseStd);
        if (!(blockStrength >= 0)) throw new IllegalArgumentException("ClipSpec: blockStrength must be >= 0, got " + blockStrength);
        if (downscale < 1) throw new IllegalArgumentException("ClipSpec: downscale must be >= 1, got " + downscale);
    }

    /** A clean, moving clip: no shuffling, no degradation. */
    public static ClipSpec clean(ShapeKind shape, ShapeColor color, BackgroundKind background, double speed,
                                 Direction direction, long seed) {
        return new ClipSpec(shape, color, background, speed, direction, speed == 0, false, 0, 0, 0, 1, seed);
    }

    /** This spec held still (speed 0). */
    public ClipSpec withStatic() {
        return new ClipSpec(shape, color, background, 0, direction, true, shuffled, blurSigma, noiseStd, blockStrength, downscale, seed);
    }

    /** This spec with its frames shuffled or not. */
    public ClipSpec withShuffled(boolean on) {
        return new ClipSpec(shape, color, background, speed, direction, isStatic, on, blurSigma, noiseStd, blockStrength, downscale, seed);
    }

    /** This spec with other degradations. */
    public ClipSpec withDegradations(double blurSigma, double noiseStd, double blockStrength, int downscale) {
        return new ClipSpec(shape, color, background, speed, direction, isStatic, shuffled, blurSigma, noiseStd, blockStrength, downscale, seed);
    }

    /**
     * A short description of the content, e.g. {@code "a red circle moving left on stripes"} or
     * {@code "a white ring standing still on a gradient"}; "slowly" below 1 pixel/frame, "quickly" from 2.5.
     * Shuffling and degradations are not described: they are quality, not content.
     */
    public String caption() {
        String motion;
        if (isStatic || speed == 0) motion = "standing still";
        else if (speed < 1.0) motion = "moving slowly " + direction.word();
        else if (speed >= 2.5) motion = "moving quickly " + direction.word();
        else motion = "moving " + direction.word();
        return "a " + color.word() + " " + shape.noun() + " " + motion + " on " + background.phrase();
    }
}
