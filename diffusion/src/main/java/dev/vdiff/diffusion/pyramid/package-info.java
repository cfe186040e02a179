/**
 * Generic machinery for temporal pyramids of video diffusion (TPDiff, SPEC §5): temporal down- and upsampling
 * of videos along their frame axis ({@link dev.vdiff.diffusion.pyramid.TemporalResampling}) and data-noise
 * alignment by linear assignment ({@link dev.vdiff.diffusion.pyramid.NoiseAlignment}). The paper-specific parts
 * (stages, end points, targets, renoising, samplers) are in {@code dev.vdiff.reference.tpdiff}.
 */
package dev.vdiff.diffusion.pyramid;
