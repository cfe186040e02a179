/**
 * Consistency distillation pieces shared by the distillation papers (T2V-Turbo-v2, SPEC §3; MCM, SPEC §4): the
 * guided teacher solver step, the consistency distillation loss and the guidance-conditioned student. Nothing here
 * knows a particular paper's data or rewards; the paper packages of {@code reference} compose them.
 *
 * <table>
 * <caption>files</caption>
 * <tr><td>{@link dev.vdiff.diffusion.distill.GuidedDdimSolver}</td><td>the CFG- (and motion-) augmented DDIM teacher
 *     step, SPEC §1.3, §1.4, §3.1 eqs. 3 and 8, §3.3</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.distill.ConsistencyDistillationLoss}</td><td>{@code f_student}, {@code f_target}
 *     and the pseudo-Huber distance with the target under stop-gradient, SPEC §1.5, §3.1 eqs. 4 and 9</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.distill.GuidedStudent}</td><td>a teacher {@code VideoUNet} plus the projected
 *     embeddings {@code emb(omega)}, {@code emb(lambda)} added to its time embedding, SPEC §1.5, §1.7</td></tr>
 * </table>
 *
 * Shape legend: {@code B} videos, {@code F} frames, {@code C} channels, {@code H x W} pixels; samples are
 * {@code [B, ...]} and every per-sample value ({@code omega}, {@code lambda}, timesteps) is a {@code [B]} vector.
 */
package dev.vdiff.diffusion.distill;
