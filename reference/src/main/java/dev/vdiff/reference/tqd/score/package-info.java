/**
 * Per-clip quality scores for TQD (SPEC §2.1). The paper scores with VideoAlign, a learnt video reward model we
 * do not have; these are transparent stand-ins built from classical measures, our choice [RECONSTRUCTED]:
 *
 * <ul>
 *   <li>{@link dev.vdiff.reference.tqd.score.MotionQuality}: dense optical flow ({@link
 *       dev.vdiff.reference.eval.DenseFlow}, OpenCV's Farnebäck through JavaCV) between consecutive frames;
 *       {@code MQ_raw = C^2 ln(1 + M)} from the mean flow length {@code M} and its temporal coherence {@code C}.</li>
 *   <li>{@link dev.vdiff.reference.eval.VisualQuality}: noise-corrected Laplacian energy inside 8x8 blocks at
 *       the pixel scale and one octave coarser (sharpness, their geometric mean), the noise standard deviation
 *       (the smallest of {@link dev.vdiff.reference.eval.PatchNoise}'s patch PCA, {@link
 *       dev.vdiff.reference.eval.ImmerkaerNoise} and the block-DCT estimate of {@link
 *       dev.vdiff.reference.eval.DctDetail}), block-DCT detail and 8x8 blockiness (shrunk toward 1/2 by its
 *       evidence), combined into one {@code VQ_raw} in (0, 1); docs/TQD.md explains each part.</li>
 * </ul>
 *
 * <p>Raw scores are only comparable within one data set scored at one size; TQD uses them after normalising over
 * the data set ({@link dev.vdiff.reference.tqd.ScoreNormalization}). {@link dev.vdiff.reference.tqd.score.ScoreTable}
 * writes them as CSV and reads them back, or reads any user table of raw or normalised MQ/VQ (e.g. VideoAlign's).
 */
package dev.vdiff.reference.tqd.score;
