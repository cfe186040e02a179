/**
 * T2V-Turbo-v2 (SPEC §3, with §1.5 for the consistency parameterisation): consistency distillation of a few-step
 * student from a teacher that {@code vdiff train} made, with a CFG- and motion-guided augmented solver and
 * differentiable rewards. Empty slot: issue 11 builds it here.
 *
 * <p>How it plugs in (docs/ARCHITECTURE.md): a {@link dev.vdiff.reference.train.TrainingMethod} whose section of
 * {@code run.json} holds the distillation settings; its {@link dev.vdiff.reference.train.Trainer.LossBuilder}
 * computes the consistency loss (teacher, solver, target under stop-gradient); extra trainable or frozen state
 * (the guidance and motion embeddings, reward heads, an EMA target for the v1 variant) is saved with every
 * checkpoint as a {@link dev.vdiff.reference.train.CheckpointState}; few-step sampling of the student is a
 * {@link dev.vdiff.reference.train.VideoSampler} if the standard LCM sampler does not fit; oracle ops
 * ({@code lcm_timesteps}, {@code guidance_embedding}) are a {@code dev.vdiff.verification.OpFamily} in this
 * package; the experiment command is listed in {@code dev.vdiff.cli.Catalog}. This package may import
 * {@code train}, {@code data}, {@code eval}, {@code bench}, {@code tensor}, {@code diffusion} and
 * {@code verification}, never another paper's package or {@code cli}.
 */
package dev.vdiff.reference.turbo;
