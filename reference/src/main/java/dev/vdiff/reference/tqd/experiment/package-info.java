/**
 * {@code vdiff experiment tqd}: uniform vs TQD timesteps on synthetic imbalanced-only, golden-only and all data
 * (the paper's Set-B, Set-C, Set-A) at small scale, evaluated on held-out golden clips
 * ({@link dev.vdiff.reference.tqd.experiment.TqdExperiment}).
 */
package dev.vdiff.reference.tqd.experiment;
