package dev.vdiff.reference.mcm;

import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.DataSelection;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * MCM on the generic {@link Trainer}: the trainer runs the loop (data, AdamW over {@link McmDistillation#trainableParameters()},
 * gradient clipping, checkpoints with {@code step-N/mcm.safetensors}, bit-exact resume, progress), and
 * {@link McmDistillation} plugs in its loss, its after-step work (EMAs, the discriminator's step, the adaptive
 * {@code lambda_gp}) and its state. The plug-ins, all generic points of {@code train}:
 * <ul>
 *   <li>loss ({@code Trainer.LossBuilder}): the batch's clips and labels (a missing label is class 0), {@code k} images
 *       per clip of its class, then {@link McmDistillation#generatorLoss};</li>
 *   <li>{@code TrainableParameters}: the adapters (or the whole student) and the learned head; the trainer's optimizer
 *       is MCM's (AdamW, betas 0.9/0.999, eps 1e-8, no weight decay, constant rate, clipping at {@code gradClip});</li>
 *   <li>{@code AfterStep}: {@link McmDistillation#afterStep}; its values are the trainer's {@code terms};</li>
 *   <li>{@code CheckpointState}: {@link McmDistillation#checkpointState()};</li>
 *   <li>data: {@link DataSelection#SEQUENTIAL} (step {@code s} trains on clips {@code s B .. s B + B - 1} of the set,
 *       cycling), and the step stream {@code Rng.seed(seed).split(s)}, the streams of MCM's loop before it moved onto
 *       the trainer (so a run continues bit for bit; the trainer's data-order stream is unused with this selection).</li>
 * </ul>
 * The trainer's class dropout is 0 (the CFG null branch is the teacher's, inside {@code L_MCD}), and its EMA (decay 0,
 * a copy of the trained tensors) is unused: MCM samples the online student.
 */
public final class McmTraining {
    private McmTraining() {}

    /**
     * The high-quality images of each step: {@code k = discFrames} per clip, of its class, from {@code pool}, drawn from
     * {@code Rng.seed(seed).split(streamOffset + s)} at step {@code s} (the CLI's and the experiment's offsets differ).
     */
    public record Images(ImagePool pool, long seed, long streamOffset) {}

    /** The loop's settings: total steps, clips per step, checkpoint interval (0: only at the end) and checkpoints kept. */
    public record Loop(long steps, int batch, long checkpointEvery, int keepCheckpoints) {}

    /** The trainer's settings for MCM's student optimizer ({@code c.learningRate()}, {@code c.gradClip()}, the seed) and {@code loop}. */
    public static TrainConfig trainConfig(McmConfig c, int trainClips, Loop loop) {
        return new TrainConfig(loop.steps(), loop.batch(), c.learningRate(), 0, 0.0, c.gradClip(), 0.0, 0.0, c.seed(), trainClips,
            loop.checkpointEvery(), loop.keepCheckpoints());
    }

    /**
     * A trainer at step 0 that distils with {@code d} on the first {@code trainClips} clips of {@code clips} (load a
     * checkpoint into it to resume). {@code objective} is the teacher's (eps or v): what the student predicts.
     */
    public static Trainer trainer(McmDistillation d, Objective objective, VideoDataset clips, int trainClips, Images images, Loop loop) {
        int b = loop.batch(), k = d.config().discFrames();
        Trainer.LossBuilder loss = (model, batch, x0, y, r) -> {
            long s = batch.position() / b;                                        // the step: SEQUENTIAL takes B positions per step
            long[] raw = batch.labels().contiguous().longs(), labels = new long[raw.length];
            List<Tensor> imgs = new ArrayList<>(raw.length * k);
            Rng ir = Rng.seed(images.seed()).split(images.streamOffset() + s);
            for (int i = 0; i < raw.length; i++) {
                labels[i] = Math.max(0, raw[i]);
                for (int j = 0; j < k; j++) imgs.add(images.pool().draw((int) labels[i], ir));   // [1, C, H, W] each
            }
            Tensor real = Concat.cat(0, imgs.toArray(new Tensor[0]));                // [B k, C, H, W]
            return d.generatorLoss(new McmDistillation.Batch(x0, Tensor.ofLongs(labels, labels.length), real), r);
        };
        Trainer tr = new Trainer(Models.wrap(d.student()), clips, trainConfig(d.config(), trainClips, loop), objective, d.schedule(),
            TimestepSampler.uniform(d.schedule().numTrainTimesteps()), loss);
        return tr.withDataSelection(DataSelection.SEQUENTIAL)
            .withStepStream((root, s) -> root.split(s))
            .withTrainableParameters(d.trainableParameters())
            .withExtraState(d.checkpointState())
            .withAfterStep(d::afterStep);
    }
}
