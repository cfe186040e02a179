package dev.vdiff.reference.tpdiff;

import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainingMethod;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.reference.train.VideoSampler;

/**
 * TPDiff as a {@link TrainingMethod}: a run with a {@code "pyramid"} section ({@link PyramidJson}) trains with
 * the stage-wise loss ({@link PyramidLoss}, SPEC §5.3-5.5c, which draws its own stages and times) and is sampled
 * stage by stage ({@link PyramidVideoSampler}).
 */
public final class PyramidMethod implements TrainingMethod {
    @Override
    public String section() {
        return PyramidJson.SECTION;
    }

    @Override
    public void configure(TrainingSetup setup) {
        PyramidConfig p = PyramidJson.of(setup.run());
        if (p != null) setup.loss(new PyramidLoss(p, setup.run().objective()), "the TPDiff temporal pyramid");
    }

    @Override
    public VideoSampler sampler(RunSpec run) {
        PyramidConfig p = PyramidJson.of(run);
        return p == null ? null : new PyramidVideoSampler(p, run.objective());
    }
}
