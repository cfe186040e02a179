/**
 * Sample quality: {@link dev.vdiff.reference.eval.ClipFeatures} (26 hand-made colour, texture and motion features
 * per clip), {@link dev.vdiff.reference.eval.FrechetDistance} (FID's formula, matrix square root through EJML's
 * symmetric eigendecomposition) and {@link dev.vdiff.reference.eval.SampleQuality} (the two together, standardised
 * by a held-out reference set); {@link dev.vdiff.reference.eval.VisualQuality} (no-reference frame quality: sharpness,
 * noise, blockiness, on the colour planes of {@link dev.vdiff.reference.eval.RgbPlanes}; TQD's VQ stand-in, here so that every paper's
 * experiment can score frames), {@link dev.vdiff.reference.eval.FrameMotion} (mean absolute frame difference) and
 * {@link dev.vdiff.reference.eval.FlowMotion} (mean optical-flow length, {@link dev.vdiff.reference.eval.DenseFlow});
 * VisualQuality's pieces {@link dev.vdiff.reference.eval.PatchNoise}, {@link dev.vdiff.reference.eval.ImmerkaerNoise} and {@link dev.vdiff.reference.eval.DctDetail};
 * {@link dev.vdiff.reference.eval.ShapeTrack} (which class colour and which direction a flat-background clip shows:
 * does a sample follow its caption).
 * Shared by every command that writes a report folder: {@link dev.vdiff.reference.eval.OutputFolder} (an {@code --out}
 * folder the command owns: it never deletes or overwrites what it did not write).
 */
package dev.vdiff.reference.eval;
