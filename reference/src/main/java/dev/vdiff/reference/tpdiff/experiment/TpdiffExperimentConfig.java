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
        DataSpec data = DataSpec.synthetic(16, 16, 16, 5, 0, 0.5, 1.0, 0.0, List.of(BackgroundKind.FLAT), true);
        ModelSpec model = new ModelSpec(16, 3, 1, 32, 64, 4, 16, 5, 64, 128, false);
        TrainConfig train = new TrainConfig(500, 4, 1e-3, 30, 0.0, 1.0, 0.99, 0.1, 0, 512, 0, 1);
        return of(new RunSpec(model, data, objective, train), 24, 2.0, 512, 4, 128, 5, 5, 2);
    }

    /** About four minutes on two shared cores: the same network and data, 100 steps per arm (too few to learn the shapes), 12 sampling steps, fewer clips. */
    public static TpdiffExperimentConfig quick(Objective objective) {
        TpdiffExperimentConfig f = full(objective);
        RunSpec run = f.run().withTrain(f.run().train().withSteps(100).withLr(1e-3, 10).withTrainClips(200));
        return of(run, 12, 2.0, 200, 2, 64, 5, 5, 1);
    }

    /** Seconds, for tests: 4 frames of 8x8, a tiny UNet, a few steps. */
    public static TpdiffExperimentConfig toy(Objective objective) {
        DataSpec data = DataSpec.synthetic(4, 8, 8, 2, 0, 0.4, 0.8, 0.0, List.of(BackgroundKind.FLAT), true);
        ModelSpec model = new ModelSpec(4, 3, 2, 8, 16, 2, 4, 2, 16, 16, false);
        TrainConfig train = new TrainConfig(4, 2, 3e-3, 1, 0.0, 1.0, 0.9, 0.1, 0, 8, 0, 1);
        return of(new RunSpec(model, data, objective, train), 3, 2.0, 8, 2, 4, 2, 1, 1);
    }

    private static TpdiffExperimentConfig of(RunSpec run, int steps, double guidance, int trainClips, int evalPerClass, int referenceClips, int chunk,
                                             int warmup, int shown) {
        PyramidConfig p = PyramidConfig.defaults(PyramidJson.form(run.objective(), run.schedule()));
        return new TpdiffExperimentConfig(run.withTrain(run.train().withTrainClips(trainClips)), p, steps, guidance, trainClips, evalPerClass, referenceClips,
            chunk, warmup, shown);
    }

    public TpdiffExperimentConfig withSteps(long steps) {
        RunSpec r = run.withTrain(run.train().withSteps(steps));
        return new TpdiffExperimentConfig(r, pyramid, sampleSteps, guidance, trainClips, evalPerClass, referenceClips, chunk, Math.min(timingWarmup, (int) steps - 1), shownPerClass);
    }

    public TpdiffExperimentConfig withSeed(long seed) {
        return new TpdiffExperimentConfig(run.withTrain(run.train().withSeed(seed)), pyramid, sampleSteps, guidance, trainClips, evalPerClass, referenceClips, chunk, timingWarmup, shownPerClass);
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
