package dev.vdiff.reference.tpdiff.experiment;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.tpdiff.PyramidConfig;
import dev.vdiff.reference.tpdiff.PyramidJson;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TrainConfig;

import java.util.List;

/**
 * What {@code vdiff experiment tpdiff} compares: one network, data set and training schedule, trained once
 * vanilla (every step at the full frame rate) and once as TPDiff's temporal pyramid (SPEC §5), then sampled
 * with the same total number of denoising steps.
 *
 * <p>Sizing: 16 frames (the paper's latent length, so K = 3 stages run at 4, 8 and 16 frames, SPEC §5.1) of
 * 16x16 pixels without patching, so that the network's work, which scales with the frame count, dominates a
 * step; with 2x2 patches (8x8 inside the UNet) the fixed per-step and per-call costs weigh more and hide part of
 * the saving (measured: 1.36x instead of 1.8x for a training step).
 *
 * @param run            model, data, objective and training settings of both arms (the pyramid arm adds {@code pyramid})
 * @param pyramid        the pyramid arm's TPDiff configuration (its form must be the objective's)
 * @param sampleSteps    denoising steps per video, the same total for both arms (pyramid: split over the stages)
 * @param guidance       classifier-free guidance scale (Imagen form, SPEC §1.4) for both arms
 * @param trainClips     clips rendered up front as the training set
 * @param evalPerClass   generated clips per class for the metric and the sampling time
 * @param referenceClips held-out real clips that define the metric
 * @param chunk          videos generated per sampler call (a timing unit; the arms alternate per chunk)
 * @param timingWarmup   training steps of each arm left out of the mean step time (JIT, caches)
 * @param shownPerClass  videos per class in the GIFs
 */
public record TpdiffExperimentConfig(RunSpec run, PyramidConfig pyramid, int sampleSteps, double guidance, int trainClips, int evalPerClass,
                                     int referenceClips, int chunk, int timingWarmup, int shownPerClass) {
    public TpdiffExperimentConfig {
        if (sampleSteps < pyramid.stageCount()) throw new IllegalArgumentException("sample steps must be at least the " + pyramid.stageCount() + " stages, got " + sampleSteps);
        if (evalPerClass < 1 || referenceClips < 2 || chunk < 1 || timingWarmup < 0 || shownPerClass < 1 || shownPerClass > evalPerClass || trainClips < 1) {
            throw new IllegalArgumentException("TpdiffExperimentConfig: need evalPerClass >= shownPerClass >= 1, referenceClips >= 2, chunk >= 1, timingWarmup >= 0, trainClips >= 1");
        }
        if (timingWarmup >= run.train().steps()) throw new IllegalArgumentException("training steps (" + run.train().steps() + ") must exceed the " + timingWarmup + " timing warm-up steps");
        new dev.vdiff.reference.tpdiff.PyramidLoss(pyramid, run.objective());   // form = objective's
        pyramid.stages().checkFullFrames(run.data().frames());
    }

    /** 15 to 20 minutes on two shared cores: 16 frames of 16x16, a 0.6M-parameter UNet, 500 steps of 4 clips per arm, 24 sampling steps. */
    public static TpdiffExperimentConfig full(Objective objective) {
        DataSpec data = DataSpec.synthetic(16, 16, 16).withSpeeds(0.5, 1.0).withStaticProbability(0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);
        ModelSpec model = ModelSpec.defaults().withFrames(16).withPatch(1);
        TrainConfig train = TrainConfig.defaults().withSteps(500).withBatchSize(4).withWarmupSteps(30).withEmaDecay(0.99).withTrainClips(512)
            .withCheckpointEvery(0).withKeepCheckpoints(1);
        return builder(new RunSpec(model, data, objective, train))
            .sampleSteps(24).guidance(2.0).trainClips(512).evalPerClass(4).referenceClips(128).chunk(5).timingWarmup(5).shownPerClass(2)
            .build();
    }

    /** About four minutes on two shared cores: the same network and data, 100 steps per arm (too few to learn the shapes), 12 sampling steps, fewer clips. */
    public static TpdiffExperimentConfig quick(Objective objective) {
        TpdiffExperimentConfig f = full(objective);
        RunSpec run = f.run().withTrain(f.run().train().withSteps(100).withLr(1e-3).withWarmupSteps(10).withTrainClips(200));
        return f.toBuilder().run(run).sampleSteps(12).trainClips(200).evalPerClass(2).referenceClips(64).shownPerClass(1).build();
    }

    /** Seconds, for tests: 4 frames of 8x8, a tiny UNet, a few steps. */
    public static TpdiffExperimentConfig toy(Objective objective) {
        DataSpec data = DataSpec.synthetic(4, 8, 8).withClasses(2).withSpeeds(0.4, 0.8).withStaticProbability(0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);
        ModelSpec model = ModelSpec.defaults().withFrames(4).withCh0(8).withCh1(16).withHeads(2).withGroups(4).withClasses(2).withTDim(16).withEmbDim(16);
        TrainConfig train = TrainConfig.defaults().withSteps(4).withBatchSize(2).withLr(3e-3).withWarmupSteps(1).withEmaDecay(0.9).withTrainClips(8)
            .withCheckpointEvery(0).withKeepCheckpoints(1);
        return builder(new RunSpec(model, data, objective, train))
            .sampleSteps(3).guidance(2.0).trainClips(8).evalPerClass(2).referenceClips(4).chunk(2).timingWarmup(1).shownPerClass(1)
            .build();
    }

    /** A builder for {@code run}, with the other fields at the full experiment's values and the pyramid at TPDiff's defaults for the run's objective. */
    public static Builder builder(RunSpec run) {
        return new Builder(run);
    }

    /** A builder holding this configuration's fields. */
    public Builder toBuilder() {
        return new Builder(run).pyramid(pyramid).sampleSteps(sampleSteps).guidance(guidance).trainClips(trainClips).evalPerClass(evalPerClass)
            .referenceClips(referenceClips).chunk(chunk).timingWarmup(timingWarmup).shownPerClass(shownPerClass);
    }

    public TpdiffExperimentConfig withSteps(long steps) {
        return toBuilder().run(run.withTrain(run.train().withSteps(steps))).timingWarmup(Math.min(timingWarmup, (int) steps - 1)).build();
    }

    public TpdiffExperimentConfig withSeed(long seed) {
        return toBuilder().run(run.withTrain(run.train().withSeed(seed))).build();
    }

    /**
     * Named fields of a {@link TpdiffExperimentConfig} (see the record's parameters). {@link #build} gives the run's
     * training settings {@code trainClips} and, unless {@link #pyramid} was set, TPDiff's default pyramid for the
     * run's objective and schedule.
     */
    public static final class Builder {
        private RunSpec run;
        private PyramidConfig pyramid;
        private int sampleSteps = 24, trainClips = 512, evalPerClass = 4, referenceClips = 128, chunk = 5, timingWarmup = 5, shownPerClass = 2;
        private double guidance = 2.0;

        private Builder(RunSpec run) {
            this.run = run;
        }

        public Builder run(RunSpec v) { run = v; return this; }
        public Builder pyramid(PyramidConfig v) { pyramid = v; return this; }
        public Builder sampleSteps(int v) { sampleSteps = v; return this; }
        public Builder guidance(double v) { guidance = v; return this; }
        public Builder trainClips(int v) { trainClips = v; return this; }
        public Builder evalPerClass(int v) { evalPerClass = v; return this; }
        public Builder referenceClips(int v) { referenceClips = v; return this; }
        public Builder chunk(int v) { chunk = v; return this; }
        public Builder timingWarmup(int v) { timingWarmup = v; return this; }
        public Builder shownPerClass(int v) { shownPerClass = v; return this; }

        public TpdiffExperimentConfig build() {
            PyramidConfig p = pyramid != null ? pyramid : PyramidConfig.defaults(PyramidJson.form(run.objective(), run.schedule()));
            return new TpdiffExperimentConfig(run.withTrain(run.train().withTrainClips(trainClips)), p, sampleSteps, guidance, trainClips, evalPerClass,
                referenceClips, chunk, timingWarmup, shownPerClass);
        }
    }

    /** The pyramid arm's run. */
    public RunSpec pyramidRun() {
        return PyramidJson.into(run, pyramid);
    }

    /** The sampler settings of both arms: Euler (flow) or deterministic DDIM (eps/v), {@code sampleSteps} in total, the guidance scale. */
    public SamplerSettings sampler() {
        return run.objective() == Objective.FLOW ? SamplerSettings.flow(sampleSteps, guidance) : SamplerSettings.ddim(sampleSteps, guidance);
    }

    /** Number of classes (at least 1: an unconditional run generates with the null label). */
    public int classes() {
        return Math.max(1, run.data().classes());
    }
}
