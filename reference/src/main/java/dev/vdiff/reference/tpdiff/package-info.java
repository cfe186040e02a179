/**
 * TPDiff, the temporal pyramid video diffusion model (Ran et al., arXiv 2503.09566; SPEC §5): the diffusion
 * process is split into K stages, stage k running at 1/2^{k-1} of the full frame rate.
 *
 * <table>
 *   <caption>Where each part of SPEC §5 lives</caption>
 *   <tr><th>SPEC</th><th>paper</th><th>class</th></tr>
 *   <tr><td>§5.1 forms, stages, frame rates, step allocation</td><td>eq. 6, §3.2, §4.1</td>
 *       <td>{@link dev.vdiff.reference.tpdiff.DiffusionForm}, {@link dev.vdiff.reference.tpdiff.PyramidConfig},
 *       {@link dev.vdiff.reference.tpdiff.PyramidStages}</td></tr>
 *   <tr><td>§5.2 stage end points (index fix), Down/Up</td><td>eqs. 7-8</td><td>{@link dev.vdiff.reference.tpdiff.StagePath},
 *       {@link dev.vdiff.diffusion.pyramid.TemporalResampling}</td></tr>
 *   <tr><td>§5.3 stage targets, DDIM and flow</td><td>eqs. 9-13, Alg. 2</td><td>{@link dev.vdiff.reference.tpdiff.StagePath},
 *       {@link dev.vdiff.reference.tpdiff.PyramidTraining}</td></tr>
 *   <tr><td>§5.4 data-noise alignment</td><td>Alg. 1</td><td>{@link dev.vdiff.diffusion.pyramid.NoiseAlignment}</td></tr>
 *   <tr><td>§5.5 renoising, corrected starts</td><td>eqs. 14-24</td><td>{@link dev.vdiff.reference.tpdiff.Renoise},
 *       {@link dev.vdiff.reference.tpdiff.DiffusionForm#correctedStart}</td></tr>
 *   <tr><td>§5.5b inference loops</td><td>eqs. 12-16</td><td>{@link dev.vdiff.reference.tpdiff.PyramidFlowSampler},
 *       {@link dev.vdiff.reference.tpdiff.PyramidDdimSampler}</td></tr>
 *   <tr><td>§5.3-5.5c in the trainer, run files</td><td>Alg. 2</td><td>{@link dev.vdiff.reference.tpdiff.PyramidLoss}
 *       ({@code vdiff train --pyramid}), {@link dev.vdiff.reference.tpdiff.PyramidJson} ({@code run.json});
 *       the plug-ins {@link dev.vdiff.reference.tpdiff.PyramidMethod} (trainer) and
 *       {@link dev.vdiff.reference.tpdiff.PyramidVideoSampler} (sampling)</td></tr>
 *   <tr><td>the speed/quality claim</td><td>Tab. 1</td><td>{@link dev.vdiff.reference.tpdiff.experiment}
 *       ({@code vdiff experiment tpdiff})</td></tr>
 * </table>
 *
 * <p>Not implemented: the stage-consistent RoPE of §5.6 (only for RoPE DiTs, not the project's UNet).
 */
package dev.vdiff.reference.tpdiff;
