package dev.vdiff.reference.eval;

/**
 * Noise variance of grey frames (one colour plane) from the median absolute response to Immerkær's mask
 * {@code M = [1 -2 1]^T [1 -2 1]} (J. Immerkær, "Fast noise variance estimation", Computer Vision and Image
 * Understanding 64(2), 1996), read as Donoho and Johnstone read wavelet detail ("Ideal spatial adaptation by wavelet
 * shrinkage", Biometrika 81(3), 1994: {@code sigma = median|d| / 0.6745}, here {@code d = (M * p) / 6}, since
 * {@code ||M|| = 6}), for {@link VisualQuality}. Immerkær averages {@code |M * p|}; the median, as Donoho and
 * Johnstone take it, ignores the minority of windows on corners and diagonal edges. {@code M} is the product of two
 * second differences, so its response is exactly zero on anything of the form {@code f(x) + g(y) + a x y}: flat
 * areas, ramps, horizontal and vertical edges; that is what {@link PatchNoise} lacks on small frames of hard-edged
 * shapes, where more than half of the 5x5 patches touch an edge. On textures it reads high, where the patch estimate
 * is the better one: {@link VisualQuality} takes the smallest of its estimates.
 *
 * <p>Why this mask and not the 2x2 diagonal Haar detail {@code (p00 - p01 - p10 + p11) / 2} (the previous
 * estimator): a frame that went through a palette (GIF) holds noise as a few levels per flat area, and most 2x2
 * windows of it are then exactly zero; the Haar median read the 2 grey levels of noise of a GIF'd flat or smooth
 * clip as 1.4, the detail threshold {@code 3 sigma} of {@link DctDetail} let the rest of that noise count as detail,
 * and the noisy copy ranked above the clean one. The 3x3 mask sums nine pixels, so its response is rarely exactly
 * zero where noise is (2.0 on the same clips). Our choice [RECONSTRUCTED]: measured on the ranking grid, see docs/TQD.md.
 * The median is read off the distribution function interpolated between the points of the one-grey-level lattice
 * that {@code M * p} takes on 8-bit frames ({@link #latticeMedian}): the plain median there jumps a whole step as the
 * share of exactly flat windows crosses one half.
 */
final class ImmerkaerNoise {
    /** Median of |N(0, 1)|. */
    static final double MAD_NORMAL = 0.6745;
    /** {@code ||M||}: white noise of standard deviation {@code sigma} gives {@code M * p} the standard deviation {@code 6 sigma}. */
    static final double NORM = 6;
    /** The lattice of {@code M * p} on 8-bit frames: integer weights, so steps of one grey level. */
    static final double LATTICE = 1.0 / 255;
    /** Values within this share of a lattice step of a lattice point count as on it (float sums of 8-bit values). */
    static final double TOLERANCE = 1e-3;

    private ImmerkaerNoise() {}

    /** Noise variance (grey level^2, in [0, 1] units) of frames {@code [F][H*W]}, {@code H, W >= 3}. */
    static double variance(float[][] frames, int h, int w) {
        float[] response = new float[frames.length * (h - 2) * (w - 2)];   // [F * (H-2) * (W-2)] |M * p|, every interior pixel
        int k = 0;
        for (float[] p : frames) {
            for (int y = 1; y + 1 < h; y++) {
                for (int x = 1; x + 1 < w; x++) {
                    int i = y * w + x;
                    // Rows above and below minus twice the middle row, each row's second difference [1 -2 1].
                    float up = p[i - w - 1] - 2 * p[i - w] + p[i - w + 1];
                    float mid = p[i - 1] - 2 * p[i] + p[i + 1];
                    float down = p[i + w - 1] - 2 * p[i + w] + p[i + w + 1];
                    response[k++] = Math.abs(up - 2 * mid + down);
                }
            }
        }
        double sigma = latticeMedian(response, LATTICE) / NORM / MAD_NORMAL;
        return sigma * sigma;
    }

    /**
     * The median of non-negative {@code a} read off its empirical distribution function sampled on the lattice
     * {@code 0, d, 2d, ...} ({@code d = width}) and interpolated linearly between lattice points: with
     * {@code F(x)} the count of values at most {@code x} and {@code kd} the first lattice point with
     * {@code F(kd) > n/2}, {@code (k - 1) d + (n/2 - F((k - 1) d)) / (F(kd) - F((k - 1) d)) d}, and 0 if
     * {@code k = 0} (more than half the values are 0). On 8-bit frames the plain median of the lattice values jumps a
     * whole step, 0 to {@code d}, as the share of zeros crosses one half; this one moves continuously. Values off the
     * lattice (frames that are not 8-bit) are counted where they fall.
     */
    static double latticeMedian(float[] a, double width) {
        double m = select(a, a.length / 2);
        double tol = TOLERANCE * width;   // float rounding: an 8-bit frame's response lies within ~1e-6 of its lattice point
        long k = (long) Math.ceil((m - tol) / width);   // the lattice point at or just above the median
        if (k <= 0) return 0;
        double lo = (k - 1) * width, hi = k * width;
        long below = 0, upTo = 0;   // F(lo), F(hi)
        for (float v : a) {
            if (v <= lo + tol) below++;
            if (v <= hi + tol) upTo++;
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
