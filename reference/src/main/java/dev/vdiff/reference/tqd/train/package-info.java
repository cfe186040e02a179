/**
 * TQD inside the trainer (SPEC §2.4): per-clip scores ({@link dev.vdiff.reference.tqd.train.ClipScores}), the
 * Beta timestep sampler ({@link dev.vdiff.reference.tqd.train.TqdTimestepSampler}), quality dropout by rejection
 * ({@link dev.vdiff.reference.tqd.train.QualitySelection}) or loss weights, the run-file settings
 * ({@link dev.vdiff.reference.tqd.train.TimestepSettings}) and the wiring ({@link dev.vdiff.reference.tqd.train.TqdTraining}).
 */
package dev.vdiff.reference.tqd.train;
