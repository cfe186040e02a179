package dev.vdiff.reference.demo;

import dev.vdiff.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a viewer notices first about the demo's videos, in numbers: the colour of each clip's background, how vivid
 * it is, whether it is flat, and whether it stays put from frame to frame. The distance of {@code SampleQuality}
 * barely sees it (docs/demo/RECIPE.md, "What the distance is made of": a dim colour is a likely random colour);
 * these statistics, computed the same way on generated and on real clips, make "dim, drifting backgrounds" a number
 * each recipe can be judged on beside the distance.
 *
 * <p>For a clip {@code x [F, 3, H, W]} in [-1, 1], mapped to u = (x + 1) / 2 in [0, 1]:
 * <pre>
 *   b_f[c]      = median over the border ring of frame f (the 2 (H + W) - 4 outermost pixels) of u_f(p, c)
 *                 the frame's background colour: a shape covers at most a few border pixels, so the median skips it
 *   b[c]        = mean over f of b_f[c]                                      the clip's background colour
 *   brightness  = max_c b[c]                                                 (HSV value)
 *   saturation  = (max_c b[c] - min_c b[c]) / max_c b[c]                     (HSV saturation; 0 for black)
 *   roughness   = mean over f, c of median over the ring of |u_f(p, c) - b_f[c]|   pixel noise on the background
 *   drift       = mean over f < F-1 of |b_{f+1} - b_f|  (Euclidean over RGB)      the tint's change per frame
 * </pre>
 * Over a set of clips: the mean of each, the spread of the background colours across clips (the standard deviation
 * over clips of b[c], averaged over c: the data's colours are random, so a set of look-alike backgrounds has a small
 * spread), and the fraction of clips whose colour lies in the data's range (every channel in [0.05, 0.5], the range
 * {@code Textures} draws flat backgrounds from, with 0.05 of tolerance).
 */
public final class BackgroundStats {
    /** The data's background channels are drawn from [LOW, HIGH] ({@code Textures.color}, in [0, 1]). */
    static final double DATA_LOW = 0.05, DATA_HIGH = 0.5;
    /** Tolerance of the "in the data's range" test (a colour within 0.05 of the range counts). */
    static final double RANGE_TOLERANCE = 0.05;

    private BackgroundStats() {}

    /** One clip's background: {@code color} = b (RGB in [0, 1]) and the statistics of the class comment. */
    public record Clip(double[] color, double brightness, double saturation, double roughness, double drift) {
        /** Whether every channel of the colour lies within the data's range, give or take {@link #RANGE_TOLERANCE}. */
        public boolean inDataRange() {
            for (double v : color) if (v < DATA_LOW - RANGE_TOLERANCE || v > DATA_HIGH + RANGE_TOLERANCE) return false;
            return true;
        }
    }

    /**
     * A set of clips: the means of the per-clip statistics, the colours' spread across clips and the fraction of
     * clips in the data's colour range.
     */
    public record Summary(int clips, double[] meanColor, double brightness, double saturation, double roughness, double drift, double colorSpread,
                          double inDataRange) {
        /** One line: "brightness 0.39, saturation 0.52, spread 0.13, in range 100%, roughness 0.000, drift 0.000". */
        public String describe() {
            return String.format(Locale.ROOT, "brightness %.3f, saturation %.3f, colour spread %.3f, in the data's range %.0f%%, roughness %.4f, drift %.4f/frame",
                brightness, saturation, colorSpread, 100 * inDataRange, roughness, drift);
        }

        /** {@code metrics.json}'s object for this set. */
        public java.util.Map<String, Object> toJson() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("clips", (long) clips);
            m.put("mean_color_rgb", List.of(meanColor[0], meanColor[1], meanColor[2]));
            m.put("brightness", brightness);
            m.put("saturation", saturation);
            m.put("color_spread", colorSpread);
            m.put("in_data_range", inDataRange);
            m.put("roughness", roughness);
            m.put("drift_per_frame", drift);
            return m;
        }
    }

    /** The background of one clip, float32 or float64 {@code [F, 3, H, W]} in [-1, 1]. */
    public static Clip of(Tensor video) {
        if (video.rank() != 4 || video.shape(1) != 3 || video.shape(2) < 2 || video.shape(3) < 2) {
            throw new IllegalArgumentException("BackgroundStats: video must be [F, 3, H, W] with H, W >= 2, got " + Arrays.toString(video.shape()));
        }
        return of(video.toDoubleArray(), video.shape(0), video.shape(2), video.shape(3));
    }

    /** {@code x [F, 3, H, W]} row-major, values in [-1, 1]. */
    static Clip of(double[] x, int frames, int height, int width) {
        int ring = 2 * (height + width) - 4, plane = height * width;
        double[][] b = new double[frames][3];
        double rough = 0;
        double[] v = new double[ring];
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < 3; c++) {
                int base = (f * 3 + c) * plane, k = 0;
                // The border ring: top and bottom rows, then the left and right columns between them.
                for (int xx = 0; xx < width; xx++) {
                    v[k++] = unit(x[base + xx]);
                    v[k++] = unit(x[base + (height - 1) * width + xx]);
                }
                for (int y = 1; y < height - 1; y++) {
                    v[k++] = unit(x[base + y * width]);
                    v[k++] = unit(x[base + y * width + width - 1]);
                }
                double m = median(v);
                b[f][c] = m;
                for (int i = 0; i < ring; i++) v[i] = Math.abs(v[i] - m);
                rough += median(v);
            }
        }
        double[] color = new double[3];
        for (double[] bf : b) for (int c = 0; c < 3; c++) color[c] += bf[c] / frames;
        double drift = 0;
        for (int f = 0; f + 1 < frames; f++) {
            double d2 = 0;
            for (int c = 0; c < 3; c++) d2 += (b[f + 1][c] - b[f][c]) * (b[f + 1][c] - b[f][c]);
            drift += Math.sqrt(d2);
        }
        double max = Math.max(color[0], Math.max(color[1], color[2])), min = Math.min(color[0], Math.min(color[1], color[2]));
        return new Clip(color, max, max > 0 ? (max - min) / max : 0, rough / (3.0 * frames), frames > 1 ? drift / (frames - 1) : 0);
    }

    /**
     * A counterfactual for diagnosis: {@code video} with each frame shifted by {@code b - b_f} (every pixel of frame f,
     * each channel), so that its border-ring medians all equal the clip's mean background colour and its drift is 0,
     * while the shape and the pixel noise stay as they were. The distance of the steadied clips against that of the
     * clips themselves says how much of the distance the drifting background costs (tools/demo SamplerSweep).
     */
    public static Tensor steadied(Tensor video) {
        Clip k = of(video);
        int frames = video.shape(0), plane = video.shape(2) * video.shape(3);
        double[] x = video.toDoubleArray();
        for (int f = 0; f < frames; f++) {
            double[] bf = frameColors(x, f, video.shape(2), video.shape(3));
            for (int c = 0; c < 3; c++) {
                double shift = 2 * (k.color()[c] - bf[c]);   // [0, 1] units to [-1, 1]
                int base = (f * 3 + c) * plane;
                for (int i = 0; i < plane; i++) x[base + i] += shift;
            }
        }
        return Tensor.of(x, video.shape()).to(video.dtype());
    }

    /** b_f of the class comment: the border-ring median of frame {@code f}, per channel. */
    private static double[] frameColors(double[] x, int f, int height, int width) {
        double[] one = new double[3 * height * width];
        System.arraycopy(x, f * one.length, one, 0, one.length);
        return of(one, 1, height, width).color();
    }

    /** The statistics of a set of clips. */
    public static Summary of(List<Tensor> videos) {
        if (videos.isEmpty()) throw new IllegalArgumentException("BackgroundStats: no clips");
        int n = videos.size();
        double[] mean = new double[3], sq = new double[3];
        double bright = 0, sat = 0, rough = 0, drift = 0;
        int in = 0;
        for (Tensor t : videos) {
            Clip k = of(t);
            for (int c = 0; c < 3; c++) {
                mean[c] += k.color()[c] / n;
                sq[c] += k.color()[c] * k.color()[c] / n;
            }
            bright += k.brightness() / n;
            sat += k.saturation() / n;
            rough += k.roughness() / n;
            drift += k.drift() / n;
            if (k.inDataRange()) in++;
        }
        double spread = 0;
        for (int c = 0; c < 3; c++) spread += Math.sqrt(Math.max(0, (sq[c] - mean[c] * mean[c]) * n / Math.max(1, n - 1))) / 3;
        return new Summary(n, mean, bright, sat, rough, drift, spread, (double) in / n);
    }

    private static double unit(double x) {
        return Math.min(1, Math.max(0, 0.5 * (x + 1)));
    }

    /** The median of {@code v} (sorts it; the mean of the two middle values for an even length). */
    private static double median(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
