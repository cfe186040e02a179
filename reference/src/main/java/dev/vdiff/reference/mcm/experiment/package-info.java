/**
 * {@code vdiff experiment mcm}: a teacher trained on degraded clips, students distilled from it with and without
 * MCM's parts (SPEC §4), sampled at 1/2/4/8 steps and measured for frame quality, motion and sample quality
 * ({@link dev.vdiff.reference.mcm.experiment.McmExperiment}).
 */
package dev.vdiff.reference.mcm.experiment;
