package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;

import java.util.List;

/**
 * The sample-quality metric of the demo: the Fréchet distance between the {@link ClipFeatures} of a set of
 * clips and those of a fixed held-out reference set of real clips ("Fréchet clip-feature distance"; lower is
 * better, 0 = the same feature statistics).
 *
 * <p>Every feature is first standardised with the reference set's mean and standard deviation, so that no
 * feature dominates by its units (gradient energies are ~1e-2, centroid speeds ~1). The standard deviation is
 * floored at the feature's {@link ClipFeatures#RESOLUTION}: a feature that hardly varies in the reference set
 * (straightness, when every real clip moves on a straight line) must not turn a small difference into a huge
 * distance. To read a value, compare it with the distance of a second held-out set of real clips of the same size
 * (the noise floor of a finite sample) and with that of an untrained model.
 *
 * <pre>{@code
 * SampleQuality q = new SampleQuality(heldOutA);
 * q.distance(heldOutB);     // the floor, small
 * q.distance(generated);    // the model
 * }</pre>
 */
public final class SampleQuality {
    public static final String METRIC = "frechet_clip_feature_distance";
    private final double[] mean, std;
    private final FrechetDistance.Gaussian reference;

    public SampleQuality(List<Tensor> referenceClips) {
        this(ClipFeatures.of(referenceClips));
    }

    /** From the reference clips' feature rows ({@link ClipFeatures#of}). */
    SampleQuality(double[][] f) {
        if (f.length < 2) throw new IllegalArgumentException("SampleQuality: the reference set needs at least 2 clips, got " + f.length);
        FrechetDistance.Gaussian raw = FrechetDistance.fit(f);
        mean = raw.mean();
        std = new double[mean.length];
        for (int j = 0; j < std.length; j++) std[j] = Math.max(ClipFeatures.RESOLUTION.get(j), Math.sqrt(raw.cov()[j][j]));
        reference = FrechetDistance.fit(standardise(f));
    }

    /** The squared Fréchet distance of {@code clips}' standardised features to the reference's. */
    public double distance(List<Tensor> clips) {
        return distance(ClipFeatures.of(clips));
    }

    /** The same from feature rows. */
    double distance(double[][] features) {
        return FrechetDistance.distance(reference, FrechetDistance.fit(standardise(features)));
    }

    /** Per-feature means of {@code clips} in reference standard deviations away from the reference mean (for diagnosis). */
    public double[] meanShift(List<Tensor> clips) {
        double[] m = FrechetDistance.fit(standardise(ClipFeatures.of(clips))).mean();
        double[] out = new double[m.length];
        for (int j = 0; j < m.length; j++) out[j] = m[j] - reference.mean()[j];
        return out;
    }

    private double[][] standardise(double[][] f) {
        double[][] out = new double[f.length][];
        for (int i = 0; i < f.length; i++) {
            out[i] = new double[f[i].length];
            for (int j = 0; j < f[i].length; j++) out[i][j] = (f[i][j] - mean[j]) / std[j];
        }
        return out;
    }
}
