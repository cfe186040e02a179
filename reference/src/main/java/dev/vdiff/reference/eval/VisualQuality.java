package dev.vdiff.reference.eval;

/**
 * Visual quality (VQ) of a clip from three classical no-reference measures on its luma: sharpness, noise and
 * compression blockiness. TQD scores clips with VideoAlign's VQ head (SPEC §2.1), a learnt model we do not have;
 * this is a transparent stand-in, our choice [RECONSTRUCTED]. Luma is in [0, 1] ({@link Luma}). What it must do
 * (issue 9): rank a clean clip above every blurred, noisy or blocky copy of itself, lower as the strength grows.
 *
 * <ul>
 *   <li><b>noise</b> {@code sigma}: the smallest eigenvalue of the covariance of the flattest half of the 5x5
 *       patches ({@link PatchNoise}). White noise adds {@code sigma^2} to every eigenvalue, while content, which
 *       is correlated across a patch, cannot fill all 25 directions; texture and edges (which fooled the
 *       Immerkær and temporal-median estimates we used before) stay out of the smallest one.</li>
 *   <li><b>sharpness</b> {@code S}: the mean squared Laplacian ({@code [0 1 0; 1 -4 1; 0 1 0]}; Pech-Pacheco et
 *       al., ICPR 2000) over pixels whose stencil lies inside one 8x8 block (so block edges do not count as
 *       detail), minus twice what white noise of the estimated {@code sigma} contributes
 *       ({@code 2 * 20 sigma^2}: the squares of the kernel sum to 20), at least 0. Twice, because an
 *       under-estimated {@code sigma} would otherwise let noise pass for detail.</li>
 *   <li><b>blockiness</b> {@code B}: the mean absolute luma step across the edges of the 8x8 block grid
 *       (JPEG/MPEG blocks) as a fraction of it plus the mean absolute step inside blocks, each plus
 *       {@code 1/255}: about 1/2 without block artefacts, toward 1 when blocks are flat and their edges are
 *       all that changes (strong quantisation). It sees blocks aligned with the grid of the scored frame.</li>
 * </ul>
 * Combined, each factor the fraction of quality kept:
 * <pre>
 *   VQ_raw = (S + S1) / (S + S0) * 1 / (1 + (sigma / SIGMA0)^2) * 1 / (1 + B0 (B / (1 - B))^4)
 *   S0 = 0.002, S1 = 1e-5 (luma^2), SIGMA0 = 0.01 (luma, 2.55 grey levels), B0 = 0.3
 * </pre>
 * {@code S1 > 0} keeps smooth clean content (S near 0) above zero so that its degraded copies can rank below it;
 * the fourth power makes the blockiness factor steep enough that the detail that ringing adds does not outweigh
 * it. See docs/TQD.md for the measured ranking failures that remain.
 *
 * @param sharpness  {@code S}, noise-corrected mean squared Laplacian inside blocks (luma^2)
 * @param noise      {@code sigma}, noise standard deviation (luma)
 * @param blockiness {@code B} in (0, 1), about 1/2 for no blocking, larger for visible 8x8 blocks
 * @param score      {@code VQ_raw}, in (0, 1)
 */
public record VisualQuality(double sharpness, double noise, double blockiness, double score) {
    public static final double S0 = 0.002, S1 = 1e-5, SIGMA0 = 0.01, B0 = 0.3;
    /** Noise is subtracted from the Laplacian energy this many times over (see the class comment). */
    static final double KAPPA = 2;
    /** Floor added to both mean absolute steps of {@link #blockiness} (one grey level): flat frames get B = 1/2. */
    static final double STEP_FLOOR = 1.0 / 255;
    static final int BLOCK = 8;

    /** Scores luma frames {@code [F][H*W]} in [0, 1] ({@link Luma#of}); frames must be at least 5x5. */
    public static VisualQuality of(float[][] luma, int h, int w) {
        if (h < PatchNoise.P || w < PatchNoise.P) {
            throw new IllegalArgumentException("VisualQuality: frames must be at least " + PatchNoise.P + "x" + PatchNoise.P + ", got " + h + "x" + w);
        }
        int frames = luma.length;
        double laplacian = 0, blocks = 0;
        for (float[] f : luma) {
            laplacian += laplacianEnergy(f, h, w);
            blocks += blockiness(f, h, w);
        }
        laplacian /= frames;
        blocks /= frames;
        double variance = PatchNoise.variance(luma, h, w);
        double noise = Math.sqrt(variance);
        double sharpness = Math.max(0, laplacian - KAPPA * 20 * variance);
        double odds = blocks / (1 - blocks);
        double score = (sharpness + S1) / (sharpness + S0)
            / (1 + variance / (SIGMA0 * SIGMA0))
            / (1 + B0 * odds * odds * odds * odds);
        return new VisualQuality(sharpness, noise, blocks, score);
    }

    /** Mean squared 4-neighbour Laplacian over interior pixels whose stencil stays inside one 8x8 block (all interior pixels if the frame is smaller than a block). */
    static double laplacianEnergy(float[] p, int h, int w) {
        double sq = 0;
        long n = 0;
        boolean blocked = h >= BLOCK && w >= BLOCK;
        for (int y = 1; y + 1 < h; y++) {
            if (blocked && (y % BLOCK == 0 || y % BLOCK == BLOCK - 1)) continue;
            for (int x = 1; x + 1 < w; x++) {
                if (blocked && (x % BLOCK == 0 || x % BLOCK == BLOCK - 1)) continue;
                int i = y * w + x;
                double l = p[i - w] + p[i - 1] - 4.0 * p[i] + p[i + 1] + p[i + w];
                sq += l * l;
                n++;
            }
        }
        return sq / n;
    }

    /** (mean |step| across 8x8 block edges + floor) / (that + mean |step| inside blocks + floor), both directions. */
    static double blockiness(float[] p, int h, int w) {
        double edge = 0, inner = 0;
        long nEdge = 0, nInner = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x + 1 < w; x++) {
                double d = p[y * w + x + 1] - p[y * w + x];
                if ((x + 1) % BLOCK == 0) { edge += Math.abs(d); nEdge++; } else { inner += Math.abs(d); nInner++; }
            }
        }
        for (int y = 0; y + 1 < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = p[(y + 1) * w + x] - p[y * w + x];
                if ((y + 1) % BLOCK == 0) { edge += Math.abs(d); nEdge++; } else { inner += Math.abs(d); nInner++; }
            }
        }
        if (nEdge == 0 || nInner == 0) return 0.5;   // frames smaller than one block: no grid to see
        double e = edge / nEdge + STEP_FLOOR, i = inner / nInner + STEP_FLOOR;
        return e / (e + i);
    }
}
