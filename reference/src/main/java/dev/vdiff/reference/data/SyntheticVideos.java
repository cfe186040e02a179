package dev.vdiff.reference.data;

import dev.vdiff.tensor.random.Rng;

/**
 * The built-in data set: moving shapes over procedural backgrounds, generated from a seed (nothing to
 * download). Clip {@code i} is a function of (config seed, i) only: its numbers come from
 * {@code Rng.seed(seed).split(i)}, so request order and thread count do not matter, and {@link #clip(long)}
 * is safe to call from many threads.
 *
 * <pre>{@code
 * SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSeed(7));
 * Clip c = data.clip(42);
 * c.video();    // float32 [8, 3, 32, 32] in [-1, 1]
 * c.label();    // shape kind, e.g. 1 (CIRCLE)
 * c.caption();  // e.g. "a red circle moving left on stripes"
 * c.spec();     // the knobs it was drawn with (speed, blur sigma, ...)
 * }</pre>
 *
 * <p>To build a split on the knobs, either set the config's knob distributions (e.g. {@code Knob.always(2.0)})
 * or draw {@link #spec(long)}s, change them, and {@link #render(ClipSpec)} them.
 */
public final class SyntheticVideos implements VideoDataset {
    private final SyntheticConfig config;

    public SyntheticVideos(SyntheticConfig config) {
        this.config = config;
    }

    public SyntheticConfig config() {
        return config;
    }

    /**
     * The knobs of clip {@code index}: shape, colour, background and direction uniform over those allowed;
     * static with {@code staticProbability} (then speed 0), else speed uniform in {@code [minSpeed, maxSpeed]};
     * shuffled with {@code shuffleProbability}; each degradation drawn from its {@link Knob}.
     */
    public ClipSpec spec(long index) {
        if (index < 0) throw new IllegalArgumentException("SyntheticVideos: clip index must be >= 0, got " + index);
        Rng r = Rng.seed(config.seed()).split(index);
        long clipSeed = r.nextLong();   // the renderer's seed: everything the spec leaves open
        ShapeKind shape = ShapeKind.values()[r.nextInt(config.shapeCount())];
        ShapeColor color = ShapeColor.values()[r.nextInt(config.colorCount())];
        BackgroundKind background = BackgroundKind.values()[r.nextInt(BackgroundKind.values().length)];
        Direction direction = Direction.values()[r.nextInt(Direction.values().length)];
        boolean isStatic = r.nextDouble() < config.staticProbability();
        double u = r.nextDouble();
        double speed = isStatic ? 0 : config.minSpeed() + (config.maxSpeed() - config.minSpeed()) * u;
        boolean shuffled = r.nextDouble() < config.shuffleProbability();
        double blur = config.blurSigma().sample(r);
        double noise = config.noiseStd().sample(r);
        double block = config.blockStrength().sample(r);
        int down = config.downscale().sampleFactor(r);
        return new ClipSpec(shape, color, background, speed, direction, isStatic, shuffled, blur, noise, block, down, clipSeed);
    }

    @Override
    public Clip clip(long index) {
        return render(spec(index));
    }

    /** Renders any spec at this data set's size; the label follows the config's class scheme. */
    public Clip render(ClipSpec spec) {
        return new Clip(ClipRenderer.render(spec, config.frames(), config.height(), config.width()),
            config.label(spec.shape(), spec.color()), spec.caption(), spec);
    }

    @Override
    public String caption(long index) {
        return spec(index).caption();
    }

    @Override
    public int label(long index) {
        ClipSpec s = spec(index);
        return config.label(s.shape(), s.color());
    }

    /** Unbounded: every index {@code >= 0} is a clip. */
    @Override
    public long size() {
        return Long.MAX_VALUE;
    }

    @Override
    public int frames() {
        return config.frames();
    }

    @Override
    public int height() {
        return config.height();
    }

    @Override
    public int width() {
        return config.width();
    }
}
