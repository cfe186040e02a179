/**
 * T2V-Turbo-v2 (Li et al. 2024, arXiv 2410.05677, ICLR'25; SPEC §3): consistency distillation of a few-step
 * student from a frozen teacher with a CFG- and motion-augmented DDIM solver, no target network, and
 * differentiable rewards.
 *
 * <table>
 * <caption>files, in the order of a training step</caption>
 * <tr><td>{@link dev.vdiff.reference.turbo.AugmentedSolver}</td><td>draws n, omega; teacher passes; gating of the
 *     motion term (eq. 8); one guided DDIM step ({@code diffusion.distill.GuidedDdimSolver}, eqs. 3, 8)</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.MotionScore}</td><td>{@code z_ref} by DDIM inversion, attention maps,
 *     {@code g = dE/dz} by autodiff through the teacher (SPEC §3.3, §3.4)</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.MotionGuidanceEnergy}</td><td>the energy G_m of eqs. 5-7 with the code's
 *     scales (SPEC §3.4)</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.MotionGate}, {@link dev.vdiff.reference.turbo.FrameDifferenceMotion}</td>
 *     <td>which clips have motion good enough to be their own reference: the optical-flow motion
 *     ({@code eval.FlowMotion}, mean Farnebäck flow length) above {@code --motion-threshold} [RECONSTRUCTED: the
 *     paper ranks motion in its preprocessing]; the frame difference as a cheaper alternative</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.TrackMotion}, {@link dev.vdiff.reference.turbo.NoiseFrames}</td><td>the
 *     experiment's flicker-robust measures: the object's centroid speed over the clean frames, and which frames are
 *     noise (more high-frequency energy than any real frame); optical flow counts flicker as motion</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.reward.DifferentiableReward}, {@link dev.vdiff.reference.turbo.RewardObjective}</td>
 *     <td>J of eq. 10 and the sign convention L = L_CD - J (eq. 11)</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.TurboLoss}</td><td>the loss of a step: solver, student, online (eq. 9) or
 *     EMA (eq. 4) target, pseudo-Huber CD loss, rewards, L = L_CD - J</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.TurboMethod}, {@link dev.vdiff.reference.turbo.TurboSettings},
 *     {@link dev.vdiff.reference.turbo.StudentNetwork}</td><td>the plug-in of the generic trainer behind
 *     {@code vdiff distill --method turbo}: the {@code "turbo"} section of run.json, the loss, the EMA target as
 *     checkpointed state, and the student network {@code vdiff sample} calls once per LCM step</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.TurboDistillation}</td><td>the step: student, online (eq. 9) or EMA
 *     (eq. 4) target, pseudo-Huber CD loss, rewards, AdamW; state for checkpoints</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.TurboSampler}</td><td>LCM multistep sampling of the student with omega and
 *     lambda as inputs (SPEC §3.4b)</td></tr>
 * <tr><td>{@code reward/}</td><td>the reward interface, the toy reward models (frame and clip classifiers), their
 *     rewards, training and files ({@code vdiff reward train})</td></tr>
 * <tr><td>{@link dev.vdiff.reference.turbo.TurboOps}</td><td>the papers-suite op {@code motion_guidance_energy}; the
 *     four distillation ops shared with MCM are {@code dev.vdiff.verification.ops.DistillationOps}</td></tr>
 * </table>
 *
 * <p>The generic pieces (teacher step, CD loss, guided student, frozen teacher) live in
 * {@code dev.vdiff.diffusion.distill}, shared with MCM.
 *
 * <table>
 * <caption>Choices the paper leaves open or the released code makes differently (each a named option)</caption>
 * <tr><th>choice</th><th>default</th><th>option</th></tr>
 * <tr><td>CFG convention</td><td>LCM: {@code x_c + omega (x_c - x_u)}, omega ~ U[5, 15] (= Imagen s - 1)</td><td>-</td></tr>
 * <tr><td>motion term</td><td>released code: {@code e_T -= lambda sqrt(1 - sqrt(abar_{t_s})) g}</td>
 *     <td>{@code PAPER_EQ8}: {@code z_prev -= lambda g} (printed with +; applied as descent, [RECONSTRUCTED])</td></tr>
 * <tr><td>target network</td><td>{@code ONLINE}: the student under stop-gradient (eq. 9)</td><td>{@code EMA} (eq. 4, v1)</td></tr>
 * <tr><td>image-reward frames</td><td>{@code MEAN} over M (code)</td><td>{@code SUM} (eq. 10 as printed)</td></tr>
 * <tr><td>grid index n</td><td>uniform over the grid [RECONSTRUCTED: the code mixes an upper-half and a lower-half table]</td><td>-</td></tr>
 * <tr><td>student projections</td><td>last projection zero-initialised: student = teacher at step 0 [RECONSTRUCTED]</td><td>-</td></tr>
 * <tr><td>motion reference</td><td>DDIM inversion over every grid point up to n</td><td>{@code inversionStride} > 1 (coarser, cheaper)</td></tr>
 * <tr><td>motion energy per clip</td><td>each clip its own mean over its masked entries (the code works one clip at a time)</td><td>-</td></tr>
 * </table>
 *
 * Shape legend: {@code B} clips, {@code F} frames, {@code C} channels, {@code H x W} pixels; clips are
 * {@code [B, F, C, H, W]} (the UNet's layout), pixels in [-1, 1] for data and [0, 1] for rewards.
 *
 * <p>How it plugs in (docs/ARCHITECTURE.md): the papers-suite ops are a {@code dev.vdiff.verification.OpFamily}
 * in this package; the distillation command, the reward command and the experiment are listed in
 * {@code dev.vdiff.cli.Catalog}. This package may import {@code train}, {@code data}, {@code eval},
 * {@code bench}, {@code tensor}, {@code diffusion} and {@code verification}, never another paper's package or
 * {@code cli}.
 */
package dev.vdiff.reference.turbo;
