/**
 * {@code vdiff score} as an Apache Spark job, for collections that outgrow one machine (TQD's data curation,
 * SPEC §2.1; docs/SCALE.md). The scorers and the normalisation are the project's own ({@code tqd.score},
 * {@code tqd.ScoreNormalization}), called unchanged on the executors, so a clip gets the same raw and normalised
 * scores as with the local command. This module is an optional backend: Spark and Hadoop are {@code provided},
 * and nothing in the other modules refers to it.
 *
 * <ul>
 *   <li>{@link dev.vdiff.spark.ScoreJob}: the driver, its two passes and their restart rules.</li>
 *   <li>{@link dev.vdiff.spark.ClipList}: which clips (a folder or a list of URIs), stored with the job.</li>
 *   <li>{@link dev.vdiff.spark.ClipScorer}: pass 1 on the executors, a clip in, a row of raw scores or an error out.</li>
 *   <li>{@link dev.vdiff.spark.CollectionNormalizer}: pass 2, normalisation over the whole collection.</li>
 *   <li>{@link dev.vdiff.spark.OutputFolder}: the output folder's layout, ownership and atomic publication.</li>
 * </ul>
 */
package dev.vdiff.spark;
