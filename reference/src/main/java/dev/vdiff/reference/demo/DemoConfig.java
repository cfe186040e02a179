package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.Composition;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TrainConfig;

import java.util.List;
import java.util.Objects;

/**
 * What {@code vdiff demo} does: the data, the network, the training settings, the sampler, and how many clips
 * the evaluation uses. {@link #full()} trains within a six-minute budget on two cores; {@link #quick()} is a
 * one-minute smoke run of the same pipeline. Built with {@link #builder()} (one named setter per field) and
 * changed with the withers; the canonical constructor only checks.
 *
 * <pre>{@code
 * DemoConfig c = DemoConfig.builder().run(run).sampler(SamplerSettings.ddim(16, 2.0)).evalPerClass(6).referenceClips(256)
 *     .shownPerClass(4).scale(6).fps(6).maxTrainSeconds(360).recipe(DemoRecipe.CURRENT).build();
 * }</pre>
 *
 * <p>Design choice (documented in the report): <b>pixel space</b>, 16x16 RGB, 8 frames. A latent space would
 * need an autoencoder trained first; at 16x16 the clips are already small, and pixel space keeps the
 * pipeline honest (what is generated is what is shown and measured).
 *
 * @param run             model, data, objective, schedule and training settings (as {@code vdiff train} would use)
 * @param sampler         the sampler for every generated video (display and evaluation)
 * @param evalPerClass    generated clips per class for the metric (and the same number of held-out real clips)
 * @param referenceClips  held-out real clips that define the metric's reference statistics
 * @param shownPerClass   videos per class in the GIF/MP4/PNG files
 * @param scale           pixel enlargement in the files
 * @param fps             frame rate of the GIF/MP4 files
 * @param maxTrainSeconds stop training early after this many seconds (0 = no limit): on a slow machine the demo
 *                        still finishes in time, with fewer steps (the report says so)
 * @param recipe          the named training recipe {@link #run} and {@link #sampler} were made with (for the report)
 * @param captions        condition on the clips' captions (text encoder + cross-attention) instead of the class labels:
 *                        {@code vdiff demo --condition captions}, {@link #withCaptions}; the report then measures whether the
 *                        samples follow their captions, for seen and held-out compositions ({@link CaptionFollowing})
 */
public record DemoConfig(RunSpec run, SamplerSettings sampler, int evalPerClass, int referenceClips, int shownPerClass, int scale, double fps,
                         double maxTrainSeconds, DemoRecipe recipe, boolean captions) {
    /**
     * The shape x direction pairs the caption demo holds out of its training data ({@link DataSpec#heldOut}): one per
     * shape for four of the five shapes, each direction seen with the other shapes, each shape seen in seven directions.
     */
    public static final List<Composition> HELD_OUT = List.of(Composition.parse("circle:left"), Composition.parse("triangle:up"),
        Composition.parse("cross:down"), Composition.parse("ring:right"));

    public DemoConfig {
        Objects.requireNonNull(run, "DemoConfig: run");
        Objects.requireNonNull(sampler, "DemoConfig: sampler");
        Objects.requireNonNull(recipe, "DemoConfig: recipe");
        if (!(maxTrainSeconds >= 0)) throw new IllegalArgumentException("DemoConfig: maxTrainSeconds must be >= 0, got " + maxTrainSeconds);
        if (evalPerClass < 1 || referenceClips < 2 || shownPerClass < 1 || shownPerClass > evalPerClass) {
            throw new IllegalArgumentException("DemoConfig: need evalPerClass >= shownPerClass >= 1 and referenceClips >= 2");
        }
        if (captions && !run.data().isSynthetic()) throw new IllegalArgumentException("DemoConfig: the caption demo needs the synthetic data, whose clips caption themselves");
        if (captions && !run.data().colorByClass()) throw new IllegalArgumentException("DemoConfig: the caption demo measures the class by its colour: it needs one colour per class");
        if (scale < 1 || !(fps > 0)) throw new IllegalArgumentException("DemoConfig: need scale >= 1 and fps > 0, got " + scale + ", " + fps);
    }

    /** 16x16x8 moving shapes (5 classes: the shape), a 0.6M-parameter UNet, {@link DemoRecipe#CURRENT}, up to 2000 steps within a six-minute budget. */
    public static DemoConfig full() {
        DataSpec data = DataSpec.synthetic(8, 16, 16).withClasses(5).withSeed(0).withSpeeds(0.6, 1.2).withStaticProbability(0.0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);
        ModelSpec model = ModelSpec.defaults().withPatch(1);
        // 2000 planned steps: the six-minute budget decides (1200 steps took 242 s on a quiet 2-core machine, so about
        // 1750 fit; a slower machine gets fewer, and the report says so).
        TrainConfig train = TrainConfig.defaults().withSteps(2000).withTrainClips(100_000).withCheckpointEvery(500).withKeepCheckpoints(1);
        DemoConfig base = builder().run(new RunSpec(model, data, Objective.V, train)).sampler(SamplerSettings.ddim(16, 2.0))
            .evalPerClass(6).referenceClips(256).shownPerClass(4).scale(6).fps(6).maxTrainSeconds(360).build();
        return base.withRecipe(DemoRecipe.CURRENT);
    }

    /** The same pipeline at toy size: a minute or less (the recipe's schedule and sampler, its own small optimiser settings). */
    public static DemoConfig quick() {
        DataSpec data = DataSpec.synthetic(4, 8, 8).withClasses(5).withSeed(0).withSpeeds(0.4, 0.8).withStaticProbability(0.0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);
        ModelSpec model = ModelSpec.defaults().withFrames(4).withPatch(1).withCh0(16).withCh1(32).withHeads(2).withGroups(8).withTDim(32).withEmbDim(64);
        TrainConfig train = TrainConfig.defaults().withTrainClips(10_000).withCheckpointEvery(30).withKeepCheckpoints(1);
        DemoConfig base = builder().run(new RunSpec(model, data, Objective.V, train)).sampler(SamplerSettings.ddim(8, 3.0))
            .evalPerClass(4).referenceClips(64).shownPerClass(2).scale(8).fps(4).maxTrainSeconds(0).build().withRecipe(DemoRecipe.CURRENT);
        // Toy-size optimisation: 60 steps, a higher learning rate, a short EMA.
        return base.withRun(base.run().withTrain(base.run().train().withSteps(60).withBatchSize(4).withLr(2e-3).withWarmupSteps(10).withEmaDecay(0.9)));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This configuration as a builder, to change several fields by name. */
    public Builder toBuilder() {
        return new Builder().run(run).sampler(sampler).evalPerClass(evalPerClass).referenceClips(referenceClips).shownPerClass(shownPerClass)
            .scale(scale).fps(fps).maxTrainSeconds(maxTrainSeconds).recipe(recipe).captions(captions);
    }

    /**
     * This demo conditioned on captions instead of class labels, with {@code heldOut} shape x direction pairs left out of
     * every clip it trains and evaluates on (the report asks the model for them). The network has no class labels then;
     * the data keeps its classes, which name the shapes (one colour each) for the report.
     */
    public DemoConfig withCaptions(List<Composition> heldOut) {
        RunSpec r = new RunSpec(run.model().withClasses(0), run.data().withHeldOut(heldOut), run.objective(), run.noise(), run.train(), run.sections());
        return toBuilder().run(r).captions(true).build();
    }

    /** This configuration trained and sampled with {@code r}'s recipe ({@link DemoRecipe#apply}). */
    public DemoConfig withRecipe(DemoRecipe r) {
        return r.apply(this);
    }

    public DemoConfig withRun(RunSpec r) {
        return toBuilder().run(r).build();
    }

    public DemoConfig withSampler(SamplerSettings s) {
        return toBuilder().sampler(s).build();
    }

    public DemoConfig withSteps(long steps) {
        return withRun(run.withTrain(run.train().withSteps(steps)));
    }

    public DemoConfig withSeed(long seed) {
        return withRun(run.withTrain(run.train().withSeed(seed)));
    }

    public DemoConfig withMaxTrainSeconds(double seconds) {
        return toBuilder().maxTrainSeconds(seconds).build();
    }

    /** Named setters for every field; {@link #build()} checks them. Unset: the sampler DDIM 16 steps with guidance 2, 6 clips per class, 256 reference clips, 4 shown, scale 6, 6 fps, no time budget, recipe {@link DemoRecipe#CURRENT}, class labels. */
    public static final class Builder {
        private RunSpec run;
        private SamplerSettings sampler = SamplerSettings.ddim(16, 2.0);
        private int evalPerClass = 6, referenceClips = 256, shownPerClass = 4, scale = 6;
        private double fps = 6, maxTrainSeconds = 0;
        private DemoRecipe recipe = DemoRecipe.CURRENT;
        private boolean captions;

        private Builder() {}

        public Builder run(RunSpec r) { run = r; return this; }
        public Builder sampler(SamplerSettings s) { sampler = s; return this; }
        public Builder evalPerClass(int n) { evalPerClass = n; return this; }
        public Builder referenceClips(int n) { referenceClips = n; return this; }
        public Builder shownPerClass(int n) { shownPerClass = n; return this; }
        public Builder scale(int s) { scale = s; return this; }
        public Builder fps(double f) { fps = f; return this; }
        public Builder maxTrainSeconds(double s) { maxTrainSeconds = s; return this; }
        public Builder recipe(DemoRecipe r) { recipe = r; return this; }
        public Builder captions(boolean on) { captions = on; return this; }

        public DemoConfig build() {
            return new DemoConfig(run, sampler, evalPerClass, referenceClips, shownPerClass, scale, fps, maxTrainSeconds, recipe, captions);
        }
    }
}
