/**
 * MCM, the Motion Consistency Model (arXiv 2406.06890, NeurIPS'24; SPEC §4): distil a video diffusion teacher
 * into a few-step student that learns motion from the (low-visual-quality) videos and frame appearance from
 * high-quality images, through a motion-representation distillation loss, mixed trajectories and a frame
 * discriminator whose gradient penalty needs gradients of gradients.
 *
 * <table>
 *   <caption>Where each piece of SPEC §4 lives</caption>
 *   <tr><th>SPEC</th><th>what</th><th>here</th></tr>
 *   <tr><td>§4.1</td><td>{@code L_G = L_MCD + lambda_adv L_adv}</td><td>{@link dev.vdiff.reference.mcm.GeneratorLoss}</td></tr>
 *   <tr><td>§4.2</td><td>{@code L_MCD} on the 50-point grid, S = 4, pure noise at the last index, pseudo-Huber c = 0.001</td>
 *       <td>{@link dev.vdiff.reference.mcm.MotionConsistencyDistillation}</td></tr>
 *   <tr><td>§4.2</td><td>motion representations {@code raw, diff, freql, freqh}; Butterworth filter on the 3-D DFT</td>
 *       <td>{@link dev.vdiff.reference.mcm.MotionRepresentation}, {@link dev.vdiff.reference.mcm.ButterworthFilter}</td></tr>
 *   <tr><td>§4.2</td><td>{@code learn}: residual 1x1 head, zero-initialised, EMA target (0.95)</td>
 *       <td>{@link dev.vdiff.reference.mcm.LearnedMotionHead}, {@link dev.vdiff.reference.mcm.MotionTarget}</td></tr>
 *   <tr><td>§4.3</td><td>mixed trajectories, {@code p_gen}</td><td>{@link dev.vdiff.reference.mcm.MotionConsistencyDistillation} step 0</td></tr>
 *   <tr><td>§4.4</td><td>heads: spectral-norm 1-D convs, BatchNormLocal, LeakyReLU 0.2, circular kernel-9 residual, projection</td>
 *       <td>{@link dev.vdiff.reference.mcm.DiscriminatorHead}, {@link dev.vdiff.reference.mcm.SpectralConv1d},
 *       {@link dev.vdiff.reference.mcm.BatchNormLocal}, {@link dev.vdiff.tensor.nn.SpectralNorm}</td></tr>
 *   <tr><td>§4.4</td><td>frozen features (DINOv2 stand-in, RECONSTRUCTED), TSN frames, the whole discriminator</td>
 *       <td>{@link dev.vdiff.reference.mcm.RandomPatchFeatures}, {@link dev.vdiff.reference.mcm.TsnFrameSampler},
 *       {@link dev.vdiff.reference.mcm.FrameDiscriminator}</td></tr>
 *   <tr><td>§4.4</td><td>clipped WGAN / hinge, GP with {@code createGraph}, adaptive {@code lambda_gp} x5</td>
 *       <td>{@link dev.vdiff.reference.mcm.AdversarialLoss}, {@link dev.vdiff.reference.mcm.GradientPenaltyWeight}</td></tr>
 *   <tr><td>§4.5</td><td>LoRA r = 64, alpha = 64, temporal 3-D convs excluded</td><td>{@link dev.vdiff.reference.mcm.lora.LoraAdapters}</td></tr>
 *   <tr><td>§4.1-4.5</td><td>the training step: generator loss, then (after the trainer's AdamW step) EMAs and the
 *       discriminator's step, seeded per step, checkpointed state; on the generic trainer</td>
 *       <td>{@link dev.vdiff.reference.mcm.McmDistillation}, {@link dev.vdiff.reference.mcm.McmConfig},
 *       {@link dev.vdiff.reference.mcm.McmTraining}</td></tr>
 *   <tr><td>command</td><td>{@code vdiff distill --method mcm}: the student run folder, checkpoints, {@code --resume}</td>
 *       <td>{@link dev.vdiff.reference.mcm.McmStudentRun}, {@link dev.vdiff.reference.mcm.McmRunSettings}, {@link dev.vdiff.reference.mcm.ImagePool}</td></tr>
 *   <tr><td>experiment</td><td>{@code vdiff experiment mcm}</td><td>{@link dev.vdiff.reference.mcm.experiment.McmExperiment}</td></tr>
 *   <tr><td>papers suite</td><td>{@code mcm_motion_representation}, {@code wgan_discriminator_losses}</td>
 *       <td>{@link dev.vdiff.reference.mcm.McmOps}, an {@code OpFamily} of {@code vdiff verify}</td></tr>
 * </table>
 *
 * <p>One training iteration with these pieces, as {@link dev.vdiff.reference.mcm.McmDistillation#generatorLoss}, the
 * generic trainer and {@link dev.vdiff.reference.mcm.McmDistillation#afterStep} run it (the teacher and the LCM sampler
 * come from the shared diffusion module):
 * <pre>{@code
 * lora.materialise();                                                           // student weights W0 + s B A
 * var st = mcd.loss(student, student, teacher, MotionTarget.learned(head, headEma, layout), x0, y, nullY, rng);
 * Tensor lG = generatorLoss.total(st.loss(), disc.generatorLoss(frames(st.studentOutput()), y, AdversarialLoss.WGAN));
 * lG.backward(); lora.collectGradients(); studentOpt.step();  headEma.update(...);
 * var lD = disc.discriminatorLoss(realImages, frames(st.studentOutput()), y, alpha, AdversarialLoss.WGAN, gpWeight.lambda());
 * lD.total().backward(); discOpt.step(); gpWeight.observe(step, lD.gradientPenalty().item());
 * }</pre>
 *
 * <p>How it plugs in (docs/ARCHITECTURE.md, {@link dev.vdiff.reference.mcm.McmTraining}): the generic
 * {@link dev.vdiff.reference.train.Trainer} runs the loop; the generator loss is its
 * {@link dev.vdiff.reference.train.Trainer.LossBuilder}, the adapters and the head its
 * {@link dev.vdiff.reference.train.TrainableParameters}, the EMAs and the discriminator's step an
 * {@link dev.vdiff.reference.train.AfterStep}, the extra modules (adapters, head, discriminator with its optimizer)
 * a {@link dev.vdiff.reference.train.CheckpointState}; its run folder has {@code mcm.json} instead of
 * {@code run.json} (the student is sampled through {@link dev.vdiff.reference.mcm.McmStudent}); oracle ops a {@code dev.vdiff.verification.OpFamily} in this
 * package; the experiment command listed in {@code dev.vdiff.cli.Catalog}. This package may import
 * {@code train}, {@code data}, {@code eval}, {@code bench}, {@code tensor}, {@code diffusion} and
 * {@code verification}, never another paper's package or {@code cli}.
 */
package dev.vdiff.reference.mcm;
