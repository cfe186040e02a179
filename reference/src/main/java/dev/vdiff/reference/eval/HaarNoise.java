package dev.vdiff.reference.eval;

/**
 * Noise variance of luma frames from the median absolute diagonal Haar detail (Donoho and Johnstone, "Ideal spatial
 * adaptation by wavelet shrinkage", Biometrika 81(3), 1994: {@code sigma = median|HH| / 0.6745}), for
 * {@link VisualQuality}. The detail {@code (p00 - p01 - p10 + p11) / 2} of every 2x2 window has the standard
 * deviation {@code sigma} of white noise and is exactly zero on anything of the form {@code f(x) + g(y)}: flat areas,
 * ramps, horizontal and vertical edges. Corners and diagonal edges are a minority of the windows, so the median
 * ignores them; that is what {@link PatchNoise} lacks on small frames of hard-edged shapes, where more than half of
 * the 5x5 patches touch an edge. On textures the median reads high, where the patch estimate is the better one:
 * {@link VisualQuality} takes the smaller of the two.
 */
final class HaarNoise {
    /** Median of |N(0, 1)|. */
    static final double MAD_NORMAL = 0.6745;

    private HaarNoise() {}

    /** Noise variance (luma^2) of frames {@code [F][H*W]}, {@code H, W >= 2}. */
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
        double sigma = select(detail, detail.length / 2) / MAD_NORMAL;
        return sigma * sigma;
    }

    /** The {@code k}-th smallest of {@code a} (Hoare's quickselect, middle pivot; reorders {@code a}): the value sorting would put at {@code k}, in linear time. */
    static float select(float[] a, int k) {
        int lo = 0, hi = a.length - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { float t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }
}
