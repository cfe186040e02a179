package dev.vdiff.reference.eval;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Standardisation of the sample-quality metric: reference spread, floored at each feature's resolution. */
class SampleQualityTest {
    static final int N = 400;
    static final int STRAIGHTNESS = ClipFeatures.NAMES.indexOf("straightness");

    /** Reference rows: every feature normal with std 3 resolutions, except straightness, which is exactly 1. */
    static double[][] reference(long seed) {
        double[] z = Rng.seed(seed).normal(DType.FLOAT64, N * ClipFeatures.DIM).doubles();
        double[][] f = new double[N][ClipFeatures.DIM];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < ClipFeatures.DIM; j++) f[i][j] = 3 * ClipFeatures.RESOLUTION.get(j) * z[i * ClipFeatures.DIM + j];
            f[i][STRAIGHTNESS] = 1.0;
        }
        return f;
    }

    @Test
    void resolutionNamesEveryFeature() {
        assertEquals(ClipFeatures.DIM, ClipFeatures.RESOLUTION.size());
        assertEquals(ClipFeatures.DIM, ClipFeatures.NAMES.size());
    }

    @Test
    void aFeatureConstantInTheReferenceCountsInResolutionsNotInItsZeroSpread() {
        double[][] ref = reference(1);
        SampleQuality q = new SampleQuality(ref);
        // The same rows with every clip's straightness 0.2 lower: a mean shift of 2 resolutions (0.1 each) and no
        // change of covariance, so the squared Frechet distance is 2^2 = 4 (it was 0.2^2 / 1e-6 = 40000 with a
        // tiny floor).
        double[][] shifted = new double[N][];
        for (int i = 0; i < N; i++) {
            shifted[i] = ref[i].clone();
            shifted[i][STRAIGHTNESS] = 0.8;
        }
        assertEquals(4.0, q.distance(shifted), 1e-6);
        assertEquals(0.0, q.distance(ref), 1e-6);
    }

    @Test
    void aFeatureThatVariesIsMeasuredInItsOwnStandardDeviations() {
        double[][] ref = reference(2);
        SampleQuality q = new SampleQuality(ref);
        int speed = ClipFeatures.NAMES.indexOf("centroid_speed");
        double sd = 0;
        double m = 0;
        for (double[] r : ref) m += r[speed] / N;
        for (double[] r : ref) sd += (r[speed] - m) * (r[speed] - m) / (N - 1);
        sd = Math.sqrt(sd);
        double[][] shifted = new double[N][];
        for (int i = 0; i < N; i++) {
            shifted[i] = ref[i].clone();
            shifted[i][speed] += 1.5 * sd;
        }
        assertEquals(1.5 * 1.5, q.distance(shifted), 1e-6);
    }
}
