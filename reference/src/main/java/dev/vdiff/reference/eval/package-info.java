/**
 * Sample quality: {@link dev.vdiff.reference.eval.ClipFeatures} (26 hand-made colour, texture and motion features
 * per clip), {@link dev.vdiff.reference.eval.FrechetDistance} (FID's formula, matrix square root through EJML's
 * symmetric eigendecomposition) and {@link dev.vdiff.reference.eval.SampleQuality} (the two together, standardised
 * by a held-out reference set).
 */
package dev.vdiff.reference.eval;
