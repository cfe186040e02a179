package dev.vdiff.reference.tpdiff;

import dev.vdiff.reference.data.Batch;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.util.List;

/**
 * TPDiff's stage-wise training as the {@link Trainer}'s loss (SPEC §5.3-5.4, §5.5c; TPDiff Algorithms 1-2):
 * the step's noise {@code eps ~ N(0, I)} (full rate), aligned to the batch and brought to each example's stage
 * by {@link PyramidTraining#examples}, then one network call per stage group and the per-example mean of the
 * squared errors ({@link PyramidTraining#loss}).
 *
 * <p>Random numbers, per step: the noise from the step's {@link Trainer#NOISE} stream (the draw vanilla training
 * makes there), stages and in-stage times from its {@link Trainer#TIMESTEPS} stream; so a resumed pyramid run
 * replays bit for bit, and a pyramid and a vanilla run of one seed see the same clips, labels and noise draws.
 *
 * <pre>{@code
 * Trainer tr = new Trainer(model, data, cfg, Objective.FLOW, schedule, null, new PyramidLoss(PyramidConfig.flow(), Objective.FLOW));
 * }</pre>
 */
public final class PyramidLoss implements Trainer.LossBuilder {
    private final PyramidTraining training;

    /**
     * @param config the pyramid; its form must be the objective's ({@link PyramidJson#form}): flow matching for
     *               {@link Objective#FLOW}, VP for {@code EPSILON} and {@code V}
     * @param objective what the network predicts
     */
    public PyramidLoss(PyramidConfig config, Objective objective) {
        if (config == null || objective == null) throw new IllegalArgumentException("PyramidLoss: config and objective are required");
        if ((objective == Objective.FLOW) == config.form().discrete()) {
            throw new IllegalArgumentException("PyramidLoss: objective " + objective.cliName + " needs the " + (objective == Objective.FLOW ? "flow-matching" : "VP (DDIM)")
                + " form, got " + config.form());
        }
        this.training = new PyramidTraining(config, objective.predictionType());
    }

    public PyramidTraining training() {
        return training;
    }

    @Override
    public Tensor loss(Denoiser model, Batch batch, Tensor x0, Tensor y, Rng step) {
        Tensor eps = step.split(Trainer.NOISE).normal(x0.dtype(), x0.shape());
        List<PyramidTraining.Group> groups = training.examples(x0, eps, step.split(Trainer.TIMESTEPS));
        long[] labels = y.contiguous().longs();
        return PyramidTraining.loss(groups, x0.shape(0), g -> model.forward(g.input(), g.modelTime(), rows(labels, g.indices())));
    }

    private static Tensor rows(long[] labels, int[] idx) {
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = labels[idx[i]];
        return Tensor.ofLongs(out, out.length);
    }
}
