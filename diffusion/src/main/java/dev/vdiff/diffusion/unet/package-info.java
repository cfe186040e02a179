/**
 * The pseudo-3D video UNet of the benchmark ({@code docs/bench/tiny_video_unet.md}, docs/ORACLE.md §5.20),
 * the noise-prediction network of vdiff's diffusion models. It differs from VideoCrafter2's UNet (SPEC §1.7): no
 * temporal convolution, no GEGLU feed-forward, no fps conditioning, class labels instead of text
 * ({@code docs/UNET.md}).
 *
 * <table>
 * <caption>files</caption>
 * <tr><td>{@link dev.vdiff.diffusion.unet.VideoUNetConfig}</td><td>sizes; {@code benchmark()} is tiny_video_unet v1</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.unet.VideoUNet}</td><td>the network: layout, order of blocks, skips, loading</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.unet.TimestepEmbedding}</td><td>{@code e = MLP(sinusoid(t)) + label_emb[y]}</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.unet.ResBlock}</td><td>GroupNorm, SiLU, conv, + embedding, GroupNorm, SiLU, conv, + skip</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.unet.SpatialAttention}</td><td>attention among the pixels of a frame</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.unet.CrossAttention}</td><td>attention from the pixels of a frame to its video's
 *     caption tokens (only when {@code VideoUNetConfig.text} is set; encoder in {@code diffusion.text})</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.unet.TemporalAttention}</td><td>attention among the frames at a pixel; GroupNorm per video</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.unet.TemporalAttentionHook}</td><td>hands out temporal attention probabilities</td></tr>
 * </table>
 *
 * Shape legend: {@code B} videos, {@code F} frames, {@code N = B*F} frame rows ({@code n = b*F + f}),
 * {@code C} latent channels, {@code c} model channels, {@code R1 x R2} the current resolution, {@code S}
 * attention sequences of {@code T} tokens.
 */
package dev.vdiff.diffusion.unet;
