package dev.vdiff.reference.tpdiff;

import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.VideoSampler;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * How {@code VideoGenerator} samples a run trained as a temporal pyramid (SPEC §5.5-5.5b): stage by stage, with
 * renoising at every stage jump, by {@link PyramidFlowSampler} (flow runs, {@code --sampler flow}) or
 * {@link PyramidDdimSampler} (eps/v runs, {@code --sampler ddim}; deterministic, no x0 clipping inside the
 * stages). {@code steps} is the total over the stages; the starting noise has the coarsest stage's frame count
 * {@code F / 2^{K-1}}.
 */
public final class PyramidVideoSampler implements VideoSampler {
    private final PyramidConfig pyramid;
    private final Objective objective;

    /** The pyramid's diffusion form must be the objective's. */
    public PyramidVideoSampler(PyramidConfig pyramid, Objective objective) {
        new PyramidLoss(pyramid, objective);   // checks the form against the objective
        this.pyramid = pyramid;
        this.objective = objective;
    }

    @Override
    public int noiseFrames(int frames) {
        return pyramid.stages().frames(pyramid.stageCount(), frames);   // F / 2^{K-1}
    }

    @Override
    public void check(SamplerSettings settings) {
        if (settings.kind() == SamplerSettings.Kind.LCM) throw new IllegalArgumentException("a pyramid run is sampled with ddim (eps/v runs) or flow, not lcm");
        if (settings.eta() != 0) throw new IllegalArgumentException("the pyramid DDIM sampler is deterministic; eta must be 0, got " + settings.eta());
    }

    @Override
    public Tensor sample(Network net, Tensor noise, Tensor y, SamplerSettings settings, Rng rng) {
        if (objective == Objective.FLOW) return new PyramidFlowSampler(pyramid, settings.steps()).sample(net.velocity(), noise, y, rng);
        return new PyramidDdimSampler(pyramid, settings.steps()).sample(net.denoiser(), noise, y, rng);
    }

    @Override
    public String describe() {
        return "temporal pyramid " + pyramid.stages();
    }
}
