/**
 * MCM, motion consistency models (SPEC §4): video consistency distillation with disentangled motion and
 * appearance learning. Empty slot: its issue builds it here.
 *
 * <p>How it plugs in (docs/ARCHITECTURE.md): a {@link dev.vdiff.reference.train.TrainingMethod} with its own
 * section of {@code run.json}; the distillation loss as a {@link dev.vdiff.reference.train.Trainer.LossBuilder};
 * its extra modules (adapters, discriminator heads) saved with every checkpoint as
 * {@link dev.vdiff.reference.train.CheckpointState}s; its own sampler, if any, a
 * {@link dev.vdiff.reference.train.VideoSampler}; oracle ops a {@code dev.vdiff.verification.OpFamily} in this
 * package; the experiment command listed in {@code dev.vdiff.cli.Catalog}. This package may import
 * {@code train}, {@code data}, {@code eval}, {@code bench}, {@code tensor}, {@code diffusion} and
 * {@code verification}, never another paper's package or {@code cli}.
 */
package dev.vdiff.reference.mcm;
