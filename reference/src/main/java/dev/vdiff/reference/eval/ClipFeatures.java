package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A small hand-made description of a video clip, the "embedding" of our Fréchet distance ({@link FrechetDistance};
 * the same idea as FID/FVD, whose embeddings are Inception/I3D activations, with features a reader can check by
 * hand). For a clip {@code x [F, 3, H, W]} in [-1, 1] ({@link #DIM} = 26 numbers):
 * <pre>
 *   0..2    colour:    mean of each channel
 *   3..5    contrast:  standard deviation of each channel
 *   6..17   histogram: fraction of each channel's values in 4 equal bins of [-1, 1] (clamped), channel-major
 *   18      spatial gradient energy   mean over frames, channels, pixels of (dx x)^2 + (dy x)^2 (forward differences)
 *   19      temporal difference energy  mean of (x_{f+1} - x_f)^2
 *   20      its unevenness            standard deviation over the F-1 frame pairs of their mean (x_{f+1} - x_f)^2
 *   21      foreground mass           mean of the saliency s_f(p) = sum_c |x_f(p, c) - median_f x(p, c)|
 *   22      foreground size           saliency-weighted RMS distance of pixels from the foreground centroid (pixels)
 *   23      centroid speed            mean over f of |c_{f+1} - c_f|, c_f = saliency-weighted centroid of frame f (pixels/frame)
 *   24      speed unevenness          standard deviation of those step lengths
 *   25      straightness              |c_{F-1} - c_0| / ((F-1) * mean speed), 1 for a straight constant path, 0 when still
 * </pre>
 * The background is estimated per pixel as the median over the clip's frames (a moving object rarely covers
 * a pixel for more than half the frames), so "foreground" is what moves. A frame with (almost) no saliency
 * has its centroid at the image centre.
 */
public final class ClipFeatures {
    public static final int DIM = 26;
    /** Names of the features, in order (for reports and tests). */
    public static final List<String> NAMES = List.of(
        "mean_r", "mean_g", "mean_b", "std_r", "std_g", "std_b",
        "hist_r0", "hist_r1", "hist_r2", "hist_r3", "hist_g0", "hist_g1", "hist_g2", "hist_g3", "hist_b0", "hist_b1", "hist_b2", "hist_b3",
        "spatial_gradient_energy", "temporal_difference_energy", "temporal_energy_std",
        "foreground_mass", "foreground_size", "centroid_speed", "speed_std", "straightness");
    /**
     * Each feature's resolution: the smallest difference between two clips that is worth seeing (a 2 % colour
     * shift, a 1 % histogram fraction, a quarter pixel of size, a tenth of a pixel per frame of speed, ...).
     * {@link SampleQuality} never divides by less: a feature that is (almost) constant in the reference set,
     * such as the straightness of clips that all move on straight lines (reference std 0.005), would otherwise
     * turn a visually small difference into a distance of 10^4 and drown every other feature.
     */
    public static final List<Double> RESOLUTION = List.of(
        0.02, 0.02, 0.02, 0.02, 0.02, 0.02,
        0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01,
        0.005, 0.005, 0.002,
        0.01, 0.25, 0.1, 0.05, 0.1);
    private static final int BINS = 4;
    private static final double MIN_MASS = 1e-6;

    private ClipFeatures() {}

    /** The features of one clip, float32 or float64 {@code [F, 3, H, W]}. */
    public static double[] of(Tensor video) {
        if (video.rank() != 4 || video.shape(1) != 3) throw new IllegalArgumentException("ClipFeatures: video must be [F, 3, H, W], got " + Arrays.toString(video.shape()));
        return of(video.toDoubleArray(), video.shape(0), video.shape(2), video.shape(3));
    }

    /** The features of every clip of {@code videos}, one row each. */
    public static double[][] of(List<Tensor> videos) {
        double[][] out = new double[videos.size()][];
        for (int i = 0; i < out.length; i++) out[i] = of(videos.get(i));
        return out;
    }

    /** {@code x} holds {@code [F, 3, H, W]} row-major. */
    static double[] of(double[] x, int frames, int height, int width) {
        int plane = height * width;
        double[] out = new double[DIM];
        // Colour and contrast, histogram.
        for (int c = 0; c < 3; c++) {
            double sum = 0, sq = 0;
            int[] hist = new int[BINS];
            for (int f = 0; f < frames; f++) {
                int base = (f * 3 + c) * plane;
                for (int i = 0; i < plane; i++) {
                    double v = x[base + i];
                    sum += v;
                    sq += v * v;
                    hist[Math.min(BINS - 1, Math.max(0, (int) Math.floor((v + 1) / 2 * BINS)))]++;
                }
            }
            double n = (double) frames * plane, mean = sum / n;
            out[c] = mean;
            out[3 + c] = Math.sqrt(Math.max(0, sq / n - mean * mean));
            for (int k = 0; k < BINS; k++) out[6 + BINS * c + k] = hist[k] / n;
        }
        out[18] = spatialGradientEnergy(x, frames, height, width);
        double[] pairs = temporalEnergies(x, frames, plane);
        out[19] = mean(pairs);
        out[20] = std(pairs);
        motion(x, frames, height, width, out);
        return out;
    }

    private static double spatialGradientEnergy(double[] x, int frames, int height, int width) {
        double sum = 0;
        for (int p = 0; p < frames * 3; p++) {
            int base = p * height * width;
            for (int i = 0; i < height; i++) {
                for (int j = 0; j < width; j++) {
                    double v = x[base + i * width + j];
                    if (j + 1 < width) sum += sq(x[base + i * width + j + 1] - v);
                    if (i + 1 < height) sum += sq(x[base + (i + 1) * width + j] - v);
                }
            }
        }
        return sum / ((double) frames * 3 * height * width);
    }

    /** Mean squared change between consecutive frames, one value per pair (empty for one frame). */
    private static double[] temporalEnergies(double[] x, int frames, int plane) {
        double[] e = new double[Math.max(0, frames - 1)];
        int frame = 3 * plane;
        for (int f = 0; f + 1 < frames; f++) {
            double s = 0;
            for (int i = 0; i < frame; i++) s += sq(x[(f + 1) * frame + i] - x[f * frame + i]);
            e[f] = s / frame;
        }
        return e;
    }

    /** Features 21..25 from the saliency against the per-pixel temporal median. */
    private static void motion(double[] x, int frames, int height, int width, double[] out) {
        int plane = height * width;
        double[] median = new double[3 * plane];
        double[] column = new double[frames];
        for (int k = 0; k < 3 * plane; k++) {
            for (int f = 0; f < frames; f++) column[f] = x[f * 3 * plane + k];
            Arrays.sort(column);
            median[k] = frames % 2 == 1 ? column[frames / 2] : 0.5 * (column[frames / 2 - 1] + column[frames / 2]);
        }
        double[] cx = new double[frames], cy = new double[frames];
        double massSum = 0, sizeSum = 0;
        for (int f = 0; f < frames; f++) {
            double m = 0, sx = 0, sy = 0, sxx = 0;
            double[] s = new double[plane];
            for (int i = 0; i < height; i++) {
                for (int j = 0; j < width; j++) {
                    int p = i * width + j;
                    double v = 0;
                    for (int c = 0; c < 3; c++) v += Math.abs(x[(f * 3 + c) * plane + p] - median[c * plane + p]);
                    s[p] = v;
                    m += v;
                    sx += v * (j + 0.5);
                    sy += v * (i + 0.5);
                }
            }
            if (m > MIN_MASS) {
                cx[f] = sx / m;
                cy[f] = sy / m;
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) sxx += s[i * width + j] * (sq(j + 0.5 - cx[f]) + sq(i + 0.5 - cy[f]));
                }
                sizeSum += Math.sqrt(sxx / m);
            } else {
                cx[f] = width / 2.0;
                cy[f] = height / 2.0;
            }
            massSum += m / plane;
        }
        out[21] = massSum / frames;
        out[22] = sizeSum / frames;
        double[] steps = new double[Math.max(0, frames - 1)];
        for (int f = 0; f + 1 < frames; f++) steps[f] = Math.hypot(cx[f + 1] - cx[f], cy[f + 1] - cy[f]);
        double speed = mean(steps);
        out[23] = speed;
        out[24] = std(steps);
        double net = frames > 1 ? Math.hypot(cx[frames - 1] - cx[0], cy[frames - 1] - cy[0]) : 0;
        out[25] = speed > 1e-9 ? net / ((frames - 1) * speed) : 0;
    }

    private static double sq(double v) {
        return v * v;
    }

    private static double mean(double[] v) {
        if (v.length == 0) return 0;
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double std(double[] v) {
        if (v.length == 0) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += sq(x - m);
        return Math.sqrt(s / v.length);
    }
}
