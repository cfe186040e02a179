package dev.vdiff.reference.eval;

import dev.vdiff.reference.eval.Luma;
import java.util.Arrays;

/**
 * Visual quality (VQ) of a clip from three classical no-reference measures on its luma: sharpness, noise and
 * compression blockiness. TQD scores clips with VideoAlign's VQ head (SPEC §2.1), a learnt model we do not have;
 * this is a transparent stand-in, our choice [RECONSTRUCTED]. Luma is in [0, 1] ({@link Luma}).
 *
 * <ul>
 *   <li><b>noise</b> {@code sigma}: the smaller of two estimates of the standard deviation of white noise, each of
 *       which can only over-estimate it (by texture, by motion): spatial, Immerkær's ("Fast noise variance
 *       estimation", CVIU 64(2), 1996) {@code sqrt(pi/2) / 6 * mean_x |(I * K)(x)|} with
 *       {@code K = [1 -2 1; -2 4 -2; 1 -2 1]}, whose response to smooth content is small; and temporal,
 *       {@code median_x |I_{k+1}(x) - I_k(x)| / (0.6745 sqrt 2)}, exact where the picture does not change
 *       (robust while under half of it moves). Each is averaged over frames (pairs).</li>
 *   <li><b>sharpness</b> {@code S}: the variance of the Laplacian ({@code [0 1 0; 1 -4 1; 0 1 0]}, interior pixels;
 *       Pech-Pacheco et al., ICPR 2000), minus what white noise of the estimated {@code sigma} contributes
 *       ({@code 20 sigma^2}: the squares of the kernel sum to 20), at least 0; averaged over frames.</li>
 *   <li><b>blockiness</b> {@code B}: mean absolute luma step across the edges of the 8x8 block grid (JPEG/MPEG
 *       blocks) over the mean absolute step elsewhere, both directions, each plus {@code 1/255};
 *       about 1 without block artefacts. It sees blocks aligned with the grid of the scored frame.</li>
 * </ul>
 * Combined, each factor the fraction of quality kept, so {@code VQ_raw} lies in [0, 1):
 * <pre>
 *   VQ_raw = S / (S + S0) * 1 / (1 + (sigma / SIGMA0)^2) * 1 / (1 + max(0, B - 1) / B0)
 *   S0 = 0.002 (luma^2), SIGMA0 = 0.02 (luma, about 5 grey levels), B0 = 0.5
 * </pre>
 *
 * @param sharpness  {@code S}, noise-corrected Laplacian variance (luma^2)
 * @param noise      {@code sigma}, noise standard deviation (luma)
 * @param blockiness {@code B}, about 1 for no blocking, larger for visible 8x8 blocks
 * @param score      {@code VQ_raw}
 */
public record VisualQuality(double sharpness, double noise, double blockiness, double score) {
    public static final double S0 = 0.002, SIGMA0 = 0.02, B0 = 0.5;
    static final int BLOCK = 8;

    /** Scores luma frames {@code [F][H*W]} in [0, 1] ({@link Luma#of}); frames must be at least 3x3. */
    public static VisualQuality of(float[][] luma, int h, int w) {
        if (h < 3 || w < 3) throw new IllegalArgumentException("VisualQuality: frames must be at least 3x3, got " + h + "x" + w);
        int frames = luma.length;
        double spatial = 0, laplacianVar = 0, blocks = 0;
        for (float[] f : luma) {
            spatial += immerkaer(f, h, w);
            laplacianVar += laplacianVariance(f, h, w);
            blocks += blockiness(f, h, w);
        }
        spatial /= frames;
        laplacianVar /= frames;
        blocks /= frames;
        double noise = spatial;
        if (frames > 1) {
            double temporal = 0;
            for (int k = 0; k + 1 < frames; k++) temporal += temporalNoise(luma[k], luma[k + 1]);
            noise = Math.min(spatial, temporal / (frames - 1));
        }
        double sharpness = Math.max(0, laplacianVar - 20 * noise * noise);
        double score = sharpness / (sharpness + S0)
            / (1 + (noise / SIGMA0) * (noise / SIGMA0))
            / (1 + Math.max(0, blocks - 1) / B0);
        return new VisualQuality(sharpness, noise, blocks, score);
    }

    /** Immerkær's estimate {@code sqrt(pi/2) / 6 * mean |I * K|} over interior pixels. */
    static double immerkaer(float[] p, int h, int w) {
        double sum = 0;
        for (int y = 1; y + 1 < h; y++) {
            for (int x = 1; x + 1 < w; x++) {
                int i = y * w + x;
                double r = p[i - w - 1] - 2 * p[i - w] + p[i - w + 1]
                    - 2 * p[i - 1] + 4 * p[i] - 2 * p[i + 1]
                    + p[i + w - 1] - 2 * p[i + w] + p[i + w + 1];
                sum += Math.abs(r);
            }
        }
        return Math.sqrt(Math.PI / 2) / 6 * sum / ((double) (h - 2) * (w - 2));
    }

    /** {@code median |b - a| / (0.6745 sqrt 2)}: the noise std if most pixels do not change between frames. */
    static double temporalNoise(float[] a, float[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = Math.abs(b[i] - a[i]);
        Arrays.sort(d);
        int n = d.length;
        double median = n % 2 == 1 ? d[n / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
        return median / (0.6745 * Math.sqrt(2));
    }

    /** Variance of the 4-neighbour Laplacian over interior pixels. */
    static double laplacianVariance(float[] p, int h, int w) {
        double sum = 0, sq = 0;
        int n = 0;
        for (int y = 1; y + 1 < h; y++) {
            for (int x = 1; x + 1 < w; x++) {
                int i = y * w + x;
                double l = p[i - w] + p[i - 1] - 4.0 * p[i] + p[i + 1] + p[i + w];
                sum += l;
                sq += l * l;
                n++;
            }
        }
        double mean = sum / n;
        return Math.max(0, sq / n - mean * mean);
    }

    /** (mean |step| across 8x8 block edges + 1/255) / (mean |step| elsewhere + 1/255), both directions. */
    static double blockiness(float[] p, int h, int w) {
        double edge = 0, inner = 0;
        long nEdge = 0, nInner = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x + 1 < w; x++) {
                double d = Math.abs(p[y * w + x + 1] - p[y * w + x]);
                if ((x + 1) % BLOCK == 0) { edge += d; nEdge++; } else { inner += d; nInner++; }
            }
        }
        for (int y = 0; y + 1 < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = Math.abs(p[(y + 1) * w + x] - p[y * w + x]);
                if ((y + 1) % BLOCK == 0) { edge += d; nEdge++; } else { inner += d; nInner++; }
            }
        }
        if (nEdge == 0 || nInner == 0) return 1;   // frames smaller than one block
        double floor = 1.0 / 255;
        return (edge / nEdge + floor) / (inner / nInner + floor);
    }
}
