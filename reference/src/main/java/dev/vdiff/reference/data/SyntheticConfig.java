package dev.vdiff.reference.data;

/**
 * Size of the synthetic clips and the distribution of their knobs. Start from {@link #defaults()} and change
 * what you need with the {@code with...} methods.
 *
 * <p>Classes: with {@code classes <= 5} only the first {@code classes} {@link ShapeKind}s appear and the label
 * is the shape ({@code SQUARE=0, CIRCLE=1, TRIANGLE=2, CROSS=3, RING=4}), in any colour. With
 * {@code classes = 5k}, {@code 2 <= k <= 7}, only the first {@code k} {@link ShapeColor}s appear and the label
 * is {@code shape + 5 * colour}.
 *
 * @param seed               dataset seed; clip {@code i} is a function of (seed, i) only
 * @param frames             F (default 8)
 * @param height             H (default 32)
 * @param width              W (default 32)
 * @param classes            number of labels (default 5: the shape kinds)
 * @param minSpeed           slowest motion, pixels per frame (default 0.5)
 * @param maxSpeed           fastest motion, pixels per frame (default 2.0); speed is uniform in between
 * @param staticProbability  chance a clip does not move (default 0.15)
 * @param shuffleProbability chance a clip's frames are shuffled (default 0: off)
 * @param blurSigma          gaussian blur sigma in pixels (default: on for 20% of clips, sigma in [0.5, 1.5])
 * @param noiseStd           additive noise std in [-1, 1] units (default: 20%, std in [0.02, 0.1])
 * @param blockStrength      JPEG-like blocking, multiple of the quality-50 table (default: 10%, in [1, 4])
 * @param downscale          low-resolution factor (default: 10%, factor 2 to 4)
 */
public record SyntheticConfig(long seed, int frames, int height, int width, int classes,
                              double minSpeed, double maxSpeed, double staticProbability,
                              double shuffleProbability, Knob blurSigma, Knob noiseStd, Knob blockStrength,
                              Knob downscale) {
    public SyntheticConfig {
        if (frames < 1 || height < 4 || width < 4) throw new IllegalArgumentException("SyntheticConfig: need frames >= 1 and height, width >= 4, got " + frames + "x" + height + "x" + width);
        int shapes = ShapeKind.values().length, colors = ShapeColor.values().length;
        boolean byShape = classes >= 1 && classes <= shapes;
        boolean byShapeAndColor = classes > shapes && classes % shapes == 0 && classes / shapes <= colors;
        if (!byShape && !byShapeAndColor) {
            throw new IllegalArgumentException("SyntheticConfig: classes must be 1.." + shapes + " (shape) or a multiple of " + shapes + " up to " + shapes * colors + " (shape x colour), got " + classes);
        }
        if (!(minSpeed >= 0 && maxSpeed >= minSpeed && maxSpeed < 1e6)) throw new IllegalArgumentException("SyntheticConfig: need 0 <= minSpeed <= maxSpeed, got [" + minSpeed + ", " + maxSpeed + "]");
        if (!(staticProbability >= 0 && staticProbability <= 1)) throw new IllegalArgumentException("SyntheticConfig: staticProbability must be in [0, 1], got " + staticProbability);
        if (!(shuffleProbability >= 0 && shuffleProbability <= 1)) throw new IllegalArgumentException("SyntheticConfig: shuffleProbability must be in [0, 1], got " + shuffleProbability);
        if (blurSigma == null || noiseStd == null || blockStrength == null || downscale == null) throw new IllegalArgumentException("SyntheticConfig: knobs must not be null (use Knob.OFF)");
    }

    /** The documented defaults: 8 frames of 32x32, 5 shape classes, mostly clean, some degradations. */
    public static SyntheticConfig defaults() {
        return new SyntheticConfig(0L, 8, 32, 32, 5, 0.5, 2.0, 0.15, 0.0,
            new Knob(0.2, 0.5, 1.5), new Knob(0.2, 0.02, 0.1), new Knob(0.1, 1.0, 4.0), new Knob(0.1, 2, 4));
    }

    public SyntheticConfig withSeed(long s) {
        return new SyntheticConfig(s, frames, height, width, classes, minSpeed, maxSpeed, staticProbability, shuffleProbability, blurSigma, noiseStd, blockStrength, downscale);
    }

    public SyntheticConfig withSize(int f, int h, int w) {
        return new SyntheticConfig(seed, f, h, w, classes, minSpeed, maxSpeed, staticProbability, shuffleProbability, blurSigma, noiseStd, blockStrength, downscale);
    }

    public SyntheticConfig withClasses(int c) {
        return new SyntheticConfig(seed, frames, height, width, c, minSpeed, maxSpeed, staticProbability, shuffleProbability, blurSigma, noiseStd, blockStrength, downscale);
    }

    public SyntheticConfig withMotion(double minSpd, double maxSpd, double staticP, double shuffleP) {
        return new SyntheticConfig(seed, frames, height, width, classes, minSpd, maxSpd, staticP, shuffleP, blurSigma, noiseStd, blockStrength, downscale);
    }

    public SyntheticConfig withDegradations(Knob blur, Knob noise, Knob block, Knob down) {
        return new SyntheticConfig(seed, frames, height, width, classes, minSpeed, maxSpeed, staticProbability, shuffleProbability, blur, noise, block, down);
    }

    /** No degradation at all. */
    public SyntheticConfig clean() {
        return withDegradations(Knob.OFF, Knob.OFF, Knob.OFF, Knob.OFF);
    }

    /** How many shape kinds appear. */
    public int shapeCount() {
        return Math.min(classes, ShapeKind.values().length);
    }

    /** How many colours appear. */
    public int colorCount() {
        int shapes = ShapeKind.values().length;
        return classes <= shapes ? ShapeColor.values().length : classes / shapes;
    }

    /** The label of a clip showing {@code shape} in {@code color}; an error if that pair is not one of the classes. */
    public int label(ShapeKind shape, ShapeColor color) {
        int shapes = ShapeKind.values().length;
        if (shape.ordinal() >= shapeCount() || color.ordinal() >= colorCount()) {
            throw new IllegalArgumentException("SyntheticConfig: a " + color.word() + " " + shape.noun() + " is not one of the " + classes + " classes");
        }
        return classes <= shapes ? shape.ordinal() : shape.ordinal() + shapes * color.ordinal();
    }
}
