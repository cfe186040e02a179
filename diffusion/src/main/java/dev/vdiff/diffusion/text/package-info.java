/**
 * Captions as a condition: vdiff's own small text encoder, the stand-in for VideoCrafter2's frozen OpenCLIP
 * ViT-H/14 text tower (SPEC §1.7). [RECONSTRUCTED] A pretrained CLIP (a 49,408-token BPE vocabulary and ~350M
 * parameters) is out of reach for a from-scratch JVM reference that trains on a few hundred captions; what the UNet
 * reads from it is kept: per-token features {@code [B, L, D_text]} and which tokens are padding, attended to by the
 * UNet's spatial blocks ({@code unet.CrossAttention}). The encoder is trained together with the UNet (its
 * parameters sit under {@code text.} in the model's state dict); CLIP is frozen in VideoCrafter2.
 *
 * <table>
 * <caption>files</caption>
 * <tr><td>{@link dev.vdiff.diffusion.text.CaptionTokenizer}</td><td>words -> ids over the captions' sorted vocabulary;
 *     pad, unknown and start tokens; fixed length; the empty caption = the null condition; the vocabulary file</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.text.TextEncoderConfig}</td><td>V, L, D_text, layers (0 = pooled), heads</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.text.TextEncoder}</td><td>token + position embeddings, transformer layers,
 *     final LayerNorm</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.text.TextEncoderLayer}</td><td>one pre-norm layer: masked self-attention, GELU MLP</td></tr>
 * <tr><td>{@link dev.vdiff.diffusion.text.TextFeatures}</td><td>the encoder's output: features and padding mask</td></tr>
 * </table>
 *
 * <p>Classifier-free guidance (SPEC §1.4) uses the empty caption as the unconditional prompt, as VideoCrafter2 and the
 * distillation papers do: {@code CaptionTokenizer.nullTokens(B, L)}, {@code [START, PAD, ..]} in every row, which
 * needs no vocabulary. To learn it, training must replace some captions with the empty one, as it replaces labels with the
 * null label.
 *
 * Shape legend: {@code B} captions, {@code L} ids per caption ({@code maxLength}), {@code V} vocabulary size,
 * {@code D} = {@code D_text} feature width.
 */
package dev.vdiff.diffusion.text;
