package dev.vdiff.reference.eval;

/**
 * Noise variance of grey frames (one colour plane) from the median absolute diagonal Haar detail (Donoho and Johnstone, "Ideal spatial
 * adaptation by wavelet shrinkage", Biometrika 81(3), 1994: {@code sigma = median|HH| / 0.6745}), for
 * {@link VisualQuality}. The detail {@code (p00 - p01 - p10 + p11) / 2} of every 2x2 window has the standard
 * deviation {@code sigma} of white noise and is exactly zero on anything of the form {@code f(x) + g(y)}: flat areas,
 * ramps, horizontal and vertical edges. Corners and diagonal edges are a minority of the windows, so the median
 * ignores them; that is what {@link PatchNoise} lacks on small frames of hard-edged shapes, where more than half of
 * the 5x5 patches touch an edge. On textures the median reads high, where the patch estimate is the better one:
 * {@link VisualQuality} takes the smaller of the two. The median is read off the distribution function interpolated
 * between the half-grey-level steps that the detail of 8-bit frames (GIF, PNG) takes ({@link #latticeMedian}): the
 * plain median there jumps between 0 and 0.74 grey levels of {@code sigma} as the share of exactly flat windows
 * crosses one half, and with it the detail threshold and the noise corrections of {@link VisualQuality}.
 */
final class HaarNoise {
    /** Median of |N(0, 1)|. */
    static final double MAD_NORMAL = 0.6745;
    /** The lattice of the diagonal detail of 8-bit frames: {@code (p00 - p01 - p10 + p11) / 2} in steps of half a grey level. */
    static final double LATTICE = 0.5 / 255;

    private HaarNoise() {}

    /** Noise variance (grey level^2, in [0, 1] units) of frames {@code [F][H*W]}, {@code H, W >= 2}. */
    static double variance(float[][] frames, int h, int w) {
        float[] detail = new float[frames.length * (h - 1) * (w - 1)];   // [F * (H-1) * (W-1)], every window position
        int k = 0;
        for (float[] p : frames) {
            for (int y = 0; y + 1 < h; y++) {
                for (int x = 0; x + 1 < w; x++) {
                    int i = y * w + x;
                    detail[k++] = Math.abs(0.5f * (p[i] - p[i + 1] - p[i + w] + p[i + w + 1]));
                }
            }
        }
        double median = latticeMedian(detail, LATTICE);
        double sigma = median / MAD_NORMAL;
        return sigma * sigma;
    }

    /**
     * The median of non-negative {@code a} read off its empirical distribution function sampled on the lattice
     * {@code 0, d, 2d, ...} ({@code d = width}) and interpolated linearly between lattice points: with
     * {@code F(x)} the count of values at most {@code x} and {@code kd} the first lattice point with
     * {@code F(kd) > n/2}, {@code (k - 1) d + (n/2 - F((k - 1) d)) / (F(kd) - F((k - 1) d)) d}, and 0 if
     * {@code k = 0} (more than half the values are 0). On 8-bit frames the plain median of the lattice values jumps a
     * whole step, 0 to {@code d}, as the share of zeros crosses one half; this one moves continuously.
     */
    static double latticeMedian(float[] a, double width) {
        double m = select(a, a.length / 2);
        long k = (long) Math.ceil(m / width - 1e-6);   // the lattice point at or just above the median (float rounding aside)
        if (k <= 0) return 0;
        double lo = (k - 1) * width, hi = k * width;
        long below = 0, upTo = 0;   // F(lo), F(hi)
        for (float v : a) {
            if (v <= lo + 1e-6 * width) below++;
            if (v <= hi + 1e-6 * width) upTo++;
        }
        return lo + Math.max(0, a.length / 2.0 - below) / (upTo - below) * width;
    }

    /**
     * The {@code k}-th smallest of non-negative {@code a} (the value sorting would put at {@code k}) by a three-pass
     * radix select: the bits of a non-negative float order as integers, so a histogram of their top 11 bits finds the
     * bucket holding the {@code k}-th value, a histogram of the next 11 bits of that bucket's values narrows it down,
     * and one of the last 10 bits finds the value itself. Linear passes without swaps (a quickselect took several,
     * with unpredictable branches) and a small histogram; exactly the sorted array's element, ties and all. Does not
     * reorder {@code a}.
     */
    static float select(float[] a, int k) {
        int[] count = new int[1 << 11];   // [2^11] values per digit of the current pass
        for (float v : a) count[Float.floatToRawIntBits(v) >>> 21]++;
        int prefix = 0;
        while (k >= count[prefix]) k -= count[prefix++];
        java.util.Arrays.fill(count, 0);
        for (float v : a) {
            int bits = Float.floatToRawIntBits(v);
            if (bits >>> 21 == prefix) count[(bits >>> 10) & 0x7ff]++;
        }
        int digit = 0;
        while (k >= count[digit]) k -= count[digit++];
        prefix = prefix << 11 | digit;
        java.util.Arrays.fill(count, 0);
        for (float v : a) {
            int bits = Float.floatToRawIntBits(v);
            if (bits >>> 10 == prefix) count[bits & 0x3ff]++;
        }
        digit = 0;
        while (k >= count[digit]) k -= count[digit++];
        return Float.intBitsToFloat(prefix << 10 | digit);
    }
}
