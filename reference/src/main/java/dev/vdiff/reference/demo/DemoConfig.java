package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TrainConfig;

import java.util.List;

/**
 * What {@code vdiff demo} does: the data, the network, the training settings, the sampler, and how many clips
 * the evaluation uses. {@link #full()} is sized to train in about five minutes on two cores; {@link #quick()}
 * is a one-minute smoke run of the same pipeline.
 *
 * <p>Design choice (documented in the report): <b>pixel space</b>, 16x16 RGB, 8 frames. A latent space would
 * need an autoencoder trained first; at 16x16 the clips are already small, and pixel space keeps the
 * pipeline honest (what is generated is what is shown and measured).
 *
 * @param run            model, data, objective and training settings (as {@code vdiff train} would use)
 * @param sampler        the sampler for every generated video (display and evaluation)
 * @param evalPerClass   generated clips per class for the metric (and the same number of held-out real clips)
 * @param referenceClips held-out real clips that define the metric's reference statistics
 * @param shownPerClass  videos per class in the GIF/MP4/PNG files
 * @param scale          pixel enlargement in the files
 * @param fps            frame rate of the GIF/MP4 files
 * @param maxTrainSeconds stop training early after this many seconds (0 = no limit): on a slow machine the demo
 *                       still finishes in time, with fewer steps (the report says so)
 */
public record DemoConfig(RunSpec run, SamplerSettings sampler, int evalPerClass, int referenceClips, int shownPerClass, int scale, double fps,
                         double maxTrainSeconds) {
    public DemoConfig {
        if (!(maxTrainSeconds >= 0)) throw new IllegalArgumentException("DemoConfig: maxTrainSeconds must be >= 0, got " + maxTrainSeconds);
        if (evalPerClass < 1 || referenceClips < 2 || shownPerClass < 1 || shownPerClass > evalPerClass) {
            throw new IllegalArgumentException("DemoConfig: need evalPerClass >= shownPerClass >= 1 and referenceClips >= 2");
        }
    }

    /** 16x16x8 moving shapes (5 classes: the shape), a 0.6M-parameter UNet, 1200 steps of 8 clips, DDIM 20 steps with guidance 3. */
    public static DemoConfig full() {
        DataSpec data = DataSpec.synthetic(8, 16, 16, 5, 0, 0.6, 1.2, 0.0, List.of(BackgroundKind.FLAT), true);
        ModelSpec model = ModelSpec.defaults().withPatch(1);
        TrainConfig train = TrainConfig.defaults().withSteps(1200).withBatchSize(4).withWarmupSteps(50).withEmaDecay(0.99).withTrainClips(100_000)
            .withCheckpointEvery(400).withKeepCheckpoints(1);
        return new DemoConfig(new RunSpec(model, data, Objective.V, train), SamplerSettings.ddim(16, 2.0), 6, 256, 4, 6, 6, 360);
    }

    /** The same pipeline at toy size: a minute or less. */
    public static DemoConfig quick() {
        DataSpec data = DataSpec.synthetic(4, 8, 8, 5, 0, 0.4, 0.8, 0.0, List.of(BackgroundKind.FLAT), true);
        ModelSpec model = ModelSpec.defaults().withFrames(4).withPatch(1).withCh0(16).withCh1(32).withHeads(2).withGroups(8).withTDim(32).withEmbDim(64);
        TrainConfig train = TrainConfig.defaults().withSteps(60).withBatchSize(4).withLr(2e-3).withWarmupSteps(10).withEmaDecay(0.9).withTrainClips(10_000)
            .withCheckpointEvery(30).withKeepCheckpoints(1);
        return new DemoConfig(new RunSpec(model, data, Objective.V, train), SamplerSettings.ddim(8, 3.0), 4, 64, 2, 8, 4, 0);
    }

    public DemoConfig withSteps(long steps) {
        return new DemoConfig(run.withTrain(run.train().withSteps(steps)), sampler, evalPerClass, referenceClips, shownPerClass, scale, fps, maxTrainSeconds);
    }

    public DemoConfig withSeed(long seed) {
        return new DemoConfig(run.withTrain(run.train().withSeed(seed)), sampler, evalPerClass, referenceClips, shownPerClass, scale, fps, maxTrainSeconds);
    }

    public DemoConfig withMaxTrainSeconds(double seconds) {
        return new DemoConfig(run, sampler, evalPerClass, referenceClips, shownPerClass, scale, fps, seconds);
    }
}
