package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.reference.eval.VisualQuality;
import dev.vdiff.tensor.Tensor;

import java.util.List;

/**
 * Frame visual quality of a set of videos, every frame scored as a still image by the no-reference scorer
 * ({@link VisualQuality} of its colour planes: sharpness, noise, blockiness; spatial measures only, so frames of videos and images are
 * scored alike), and the distance of the frames' statistics to those of the high-quality images:
 * <pre>
 *   features per frame: (log10(S + S0), sigma, B)
 *   distance = sqrt( sum_i ((mean_i(frames) - mean_i(images)) / max(std_i(images), floor_i))^2 )
 * </pre>
 * with floors (0.05, 0.002, 0.02) so that a feature nearly constant over the clean images cannot dominate.
 */
final class FrameScores {
    static final double[] FLOOR = {0.05, 0.002, 0.02};

    /** Means over frames: VQ, sharpness, noise, blockiness; and the statistics distance to the images. */
    record Summary(double vq, double sharpness, double noise, double blockiness, double distanceToImages) {}

    private final double[] imageMean, imageStd;
    private final double noiseThreshold;

    /** {@code noiseThreshold}: the frame energy above which {@link FrameCoherence} counts a noise frame. */
    FrameScores(List<Tensor> imageClips, double noiseThreshold) {
        this.noiseThreshold = noiseThreshold;
        double[][] f = features(imageClips);
        int d = FLOOR.length;
        imageMean = new double[d];
        imageStd = new double[d];
        for (double[] x : f) for (int i = 0; i < d; i++) imageMean[i] += x[i] / f.length;
        for (double[] x : f) for (int i = 0; i < d; i++) imageStd[i] += (x[i] - imageMean[i]) * (x[i] - imageMean[i]) / Math.max(1, f.length - 1);
        for (int i = 0; i < d; i++) imageStd[i] = Math.max(Math.sqrt(imageStd[i]), FLOOR[i]);
    }

    double noiseThreshold() {
        return noiseThreshold;
    }

    Summary summary(List<Tensor> videos) {
        double vq = 0, s = 0, n = 0, b = 0;
        int count = 0;
        double[] mean = new double[FLOOR.length];
        for (Tensor v : videos) {
            for (int f = 0; f < v.shape(0); f++) {
                VisualQuality q = VisualQuality.of(v.narrow(0, f, 1));
                vq += q.score();
                s += q.sharpness();
                n += q.noise();
                b += q.blockiness();
                double[] x = feature(q);
                for (int i = 0; i < x.length; i++) mean[i] += x[i];
                count++;
            }
        }
        double dist = 0;
        for (int i = 0; i < mean.length; i++) {
            double z = (mean[i] / count - imageMean[i]) / imageStd[i];
            dist += z * z;
        }
        return new Summary(vq / count, s / count, n / count, b / count, Math.sqrt(dist));
    }

    private static double[][] features(List<Tensor> clips) {
        int total = 0;
        for (Tensor v : clips) total += v.shape(0);
        double[][] out = new double[total][];
        int k = 0;
        for (Tensor v : clips) {
            for (int f = 0; f < v.shape(0); f++) out[k++] = feature(VisualQuality.of(v.narrow(0, f, 1)));
        }
        return out;
    }

    private static double[] feature(VisualQuality q) {
        return new double[] {Math.log10(q.sharpness() + VisualQuality.S0), q.noise(), q.blockiness()};
    }
}
