/**
 * TQD, Timestep-aware Quality Decoupling (arXiv 2603.25527, CVPR'26; SPEC §2): train on quality-imbalanced video
 * by sending each clip to the timesteps where its strength is learnt, motion-rich clips to large (noisy) {@code t},
 * visually clean ones to small {@code t}, and by mostly skipping clips poor in both.
 *
 * <table>
 *   <caption>Where each piece of SPEC §2 lives</caption>
 *   <tr><th>SPEC</th><th>what</th><th>here</th></tr>
 *   <tr><td>§2.1</td><td>MQ, VQ per clip; normalisation to [0, 1] (RECONSTRUCTED)</td>
 *       <td>{@link dev.vdiff.reference.tqd.score.ClipQuality}, {@link dev.vdiff.reference.tqd.score.ScoreTable},
 *       {@link dev.vdiff.reference.tqd.ScoreNormalization}</td></tr>
 *   <tr><td>§2.2</td><td>{@code mu = 0.5 + 0.5(m - v)}, {@code kappa = kappa_base + (kappa_max - kappa_base)|m - v|},
 *       {@code t ~ Beta(mu kappa, (1 - mu) kappa)}, clamps</td>
 *       <td>{@link dev.vdiff.reference.tqd.TimestepLaw}, {@link dev.vdiff.reference.tqd.TqdConfig},
 *       {@link dev.vdiff.reference.tqd.BetaSampler}, {@link dev.vdiff.reference.tqd.TqdTimesteps}</td></tr>
 *   <tr><td>§2.3</td><td>keep with probability {@code max(m, v)}, rejection (RECONSTRUCTED) or loss weights</td>
 *       <td>{@link dev.vdiff.reference.tqd.QualityDropout}, {@link dev.vdiff.reference.tqd.DropoutMode}</td></tr>
 *   <tr><td>§2.4</td><td>{@code t} to DDPM / flow-matching timesteps (RECONSTRUCTED)</td>
 *       <td>{@link dev.vdiff.reference.tqd.TimestepMapping}</td></tr>
 *   <tr><td>§2.5b, Fig. 5</td><td>worked laws, density plot</td><td>{@link dev.vdiff.reference.tqd.TimestepPlot}</td></tr>
 * </table>
 *
 * <p>One training step (SPEC §2.4), with the pieces here:
 * <pre>{@code
 * QualityDropout.Cursor data = QualityDropout.of(mq, vq, rng.split(1)).filter(order::index, position);
 * long[] batch = data.next(B);                                             // kept clips, batch stays full
 * double[] t = TqdTimesteps.sample(mqOf(batch), vqOf(batch), TqdConfig.DEFAULT, stepRng);
 * long[] n = TimestepMapping.ddpm(1000).indices(t);                       // or sigma = t for flow matching
 * }</pre>
 *
 * <p>Command line: {@code vdiff score} (scores a folder of videos to CSV), {@code vdiff tqd timesteps} (draws
 * samples to {@code .npy}), {@code vdiff tqd plot} (Figure 5).
 */
package dev.vdiff.reference.tqd;
