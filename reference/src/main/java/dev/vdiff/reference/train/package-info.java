/**
 * Training and sampling of class-conditioned video diffusion models: the generic trainer, with plug-in points
 * through which the papers' packages add their methods (this package imports none of them; docs/ARCHITECTURE.md).
 *
 * <ul>
 *   <li>{@link dev.vdiff.reference.train.Trainer}: epsilon-prediction DDPM (or rectified-flow,
 *       {@link dev.vdiff.reference.train.Objective}) training with AdamW, gradient clipping, EMA, linear warm-up and
 *       class dropout for classifier-free guidance; the timestep distribution is pluggable
 *       ({@link dev.vdiff.reference.train.TimestepSampler}).</li>
 *   <li>Plug-in points: {@link dev.vdiff.reference.train.TrainingMethod} (a paper's method: owns a section of
 *       {@code run.json}, fills a {@link dev.vdiff.reference.train.TrainingSetup}),
 *       {@link dev.vdiff.reference.train.TimestepSampler}, {@link dev.vdiff.reference.train.Trainer.LossBuilder},
 *       {@link dev.vdiff.reference.train.DataSelection}, {@link dev.vdiff.reference.train.SampleWeights},
 *       {@link dev.vdiff.reference.train.CheckpointState} (extra state in every checkpoint),
 *       {@link dev.vdiff.reference.train.TrainableParameters} (what the optimizer trains when it is not the module's
 *       parameters, and the gradient transform after backward), {@link dev.vdiff.reference.train.AfterStep} (work after
 *       the optimizer step, e.g. a discriminator's own step, with named values kept per step),
 *       {@link dev.vdiff.reference.train.Trainer.StepStream} (each step's random stream) and
 *       {@link dev.vdiff.reference.train.VideoSampler} (a method's own sampling loop).</li>
 *   <li>Determinism: the data order ({@link dev.vdiff.reference.data.DataOrder}) and every step's random numbers
 *       derive from the seed and the step number alone, so {@link dev.vdiff.reference.train.Checkpoints} (model,
 *       EMA, optimizer moments, step, data position, RNG state, loss history; written atomically) are enough to
 *       resume bit for bit.</li>
 *   <li>{@link dev.vdiff.reference.train.RunSpec}: a run folder ({@code run.json} + {@code checkpoints/}) as written
 *       by {@code vdiff train} and read by {@code vdiff sample}.</li>
 *   <li>{@link dev.vdiff.reference.train.VideoGenerator}: DDIM, LCM multistep or flow-matching Euler sampling with
 *       classifier-free guidance; {@link dev.vdiff.reference.train.SampleWriter}: GIF, MP4 and PNG grids;
 *       {@link dev.vdiff.reference.train.LossChart}: the loss curve (XChart).</li>
 * </ul>
 */
package dev.vdiff.reference.train;
