package dev.vdiff.reference.data;

/**
 * The visual degradations of {@link ClipSpec}, each a function over one {@code H x W} image plane
 * ({@code float[H*W]}, row-major, values in [0, 1]) that works in place.
 *
 * <p>Order used by {@link ClipRenderer}, as in a camera followed by a codec: low resolution, then blur, then
 * sensor noise, then block compression.
 */
final class Degradations {
    private Degradations() {}

    /**
     * Low-resolution look: average each {@code k x k} block (edge blocks over the pixels they have), then
     * upsample back with bilinear interpolation (pixel centres at {@code (i + 0.5) k}, clamped at the edges).
     */
    static void downscaleUp(float[] plane, int h, int w, int k) {
        if (k <= 1) return;
        int sh = (h + k - 1) / k, sw = (w + k - 1) / k;
        double[] small = new double[sh * sw];
        int[] count = new int[sh * sw];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                small[(y / k) * sw + x / k] += plane[y * w + x];
                count[(y / k) * sw + x / k]++;
            }
        }
        for (int i = 0; i < small.length; i++) small[i] /= count[i];
        for (int y = 0; y < h; y++) {
            double gy = Math.min(Math.max((y + 0.5) / k - 0.5, 0), sh - 1);
            int y0 = (int) gy, y1 = Math.min(y0 + 1, sh - 1);
            double fy = gy - y0;
            for (int x = 0; x < w; x++) {
                double gx = Math.min(Math.max((x + 0.5) / k - 0.5, 0), sw - 1);
                int x0 = (int) gx, x1 = Math.min(x0 + 1, sw - 1);
                double fx = gx - x0;
                double top = small[y0 * sw + x0] * (1 - fx) + small[y0 * sw + x1] * fx;
                double bottom = small[y1 * sw + x0] * (1 - fx) + small[y1 * sw + x1] * fx;
                plane[y * w + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }

    /** Separable gaussian blur, kernel radius {@code ceil(3 sigma)}, normalised to sum 1, edges clamped. */
    static void gaussianBlur(float[] plane, int h, int w, double sigma) {
        if (sigma <= 0) return;
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < kernel.length; i++) kernel[i] /= sum;
        float[] tmp = new float[h * w];
        for (int y = 0; y < h; y++) {           // along x
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -radius; i <= radius; i++) acc += kernel[i + radius] * plane[y * w + clamp(x + i, w)];
                tmp[y * w + x] = (float) acc;
            }
        }
        for (int y = 0; y < h; y++) {           // along y
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -radius; i <= radius; i++) acc += kernel[i + radius] * tmp[clamp(y + i, h) * w + x];
                plane[y * w + x] = (float) acc;
            }
        }
    }

    /** Adds {@code std * z[offset + i]} to value {@code i}: {@code z} holds standard normal draws. */
    static void addNoise(float[] plane, double std, float[] z, int offset) {
        if (std <= 0) return;
        for (int i = 0; i < plane.length; i++) plane[i] += (float) (std * z[offset + i]);
    }

    /** The JPEG quality-50 luminance quantisation table (ITU-T T.81 Annex K, Table K.1), in 0–255 units. */
    private static final int[] JPEG_LUMA_Q50 = {
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    };

    /** Orthonormal 8-point DCT-II basis: {@code DCT[u][x] = a(u) cos((2x + 1) u pi / 16)}. */
    private static final double[][] DCT = new double[8][8];

    static {
        for (int u = 0; u < 8; u++) {
            double a = u == 0 ? Math.sqrt(1.0 / 8) : Math.sqrt(2.0 / 8);
            for (int x = 0; x < 8; x++) DCT[u][x] = a * Math.cos((2 * x + 1) * u * Math.PI / 16);
        }
    }

    /**
     * JPEG-like blocking: each 8x8 block (edge blocks padded by repeating the last row/column) goes through
     * the 2-D DCT, each coefficient is rounded to a multiple of {@code strength * Q50[u][v] / 255}, and the
     * block is transformed back. The orthonormal 2-D DCT has the same scale as JPEG's, so {@code strength 1}
     * quantises like JPEG quality 50 on the luma channel (applied here to each RGB plane).
     */
    static void blockDct(float[] plane, int h, int w, double strength) {
        if (strength <= 0) return;
        double[] block = new double[64], coef = new double[64], tmp = new double[64];
        for (int by = 0; by < h; by += 8) {
            for (int bx = 0; bx < w; bx += 8) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) block[y * 8 + x] = plane[Math.min(by + y, h - 1) * w + Math.min(bx + x, w - 1)];
                }
                transform(block, coef, tmp, false);
                for (int i = 0; i < 64; i++) {
                    double q = strength * JPEG_LUMA_Q50[i] / 255.0;
                    coef[i] = Math.rint(coef[i] / q) * q;
                }
                transform(coef, block, tmp, true);
                for (int y = 0; y < 8 && by + y < h; y++) {
                    for (int x = 0; x < 8 && bx + x < w; x++) plane[(by + y) * w + bx + x] = (float) block[y * 8 + x];
                }
            }
        }
    }

    /** {@code out = D in D^T} (forward) or {@code out = D^T in D} (inverse) for 8x8 row-major blocks. */
    private static void transform(double[] in, double[] out, double[] tmp, boolean inverse) {
        for (int u = 0; u < 8; u++) {           // tmp = D in   (or D^T in)
            for (int x = 0; x < 8; x++) {
                double acc = 0;
                for (int k = 0; k < 8; k++) acc += (inverse ? DCT[k][u] : DCT[u][k]) * in[k * 8 + x];
                tmp[u * 8 + x] = acc;
            }
        }
        for (int u = 0; u < 8; u++) {           // out = tmp D^T   (or tmp D)
            for (int v = 0; v < 8; v++) {
                double acc = 0;
                for (int k = 0; k < 8; k++) acc += tmp[u * 8 + k] * (inverse ? DCT[k][v] : DCT[v][k]);
                out[u * 8 + v] = acc;
            }
        }
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : (i >= n ? n - 1 : i);
    }
}
