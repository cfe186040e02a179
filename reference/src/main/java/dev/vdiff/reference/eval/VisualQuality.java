package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.parallel.Parallel;

/**
 * Visual quality (VQ) of a clip from four classical no-reference measures on its three colour planes ({@link RgbPlanes},
 * red, green and blue, each a grey image in [0, 1]): sharpness, noise, compression blockiness and the detail that block
 * coding keeps. TQD scores clips with VideoAlign's VQ head (SPEC §2.1), a learnt model we do not have; this is a
 * transparent stand-in, our choice [RECONSTRUCTED]. What it must do (issue 9): rank a clean clip above every blurred,
 * noisy or blocky copy of itself, lower as the strength grows. Every measure is taken on each plane and pooled (mean
 * over planes, or summed squared steps: the squared colour distance), not on luma: luma cancels colours of equal
 * brightness (a clip whose two colours have the same luma is flat to it), and mixes a degradation of each channel
 * into new luma detail (block coding of such a clip raised its luma detail). On grey clips (R = G = B) every measure
 * equals the luma one.
 *
 * <ul>
 *   <li><b>noise</b> {@code sigma}: per plane, the smallest of three estimates, the smallest eigenvalue of the
 *       covariance of the flattest 5x5 patches ({@link PatchNoise}: right on textures), the median absolute response
 *       to Immerkær's 3x3 mask ({@link ImmerkaerNoise}: right on small frames of hard-edged shapes, where most patches
 *       touch an edge, and on noise that went through a GIF palette) and the median absolute high-frequency
 *       coefficient of the grid-aligned 8x8 DCT ({@link DctDetail#noiseVariance}: blind to the ringing of block coding,
 *       whose high frequencies coding zeroes); each reads white noise and reads content high, never low by much, so the
 *       smallest is the best guess. Then the median over the planes: noise (of a sensor or a codec) is alike in every
 *       channel, while content that one channel alone carries (stripes in blue) would read as its noise.</li>
 *   <li><b>sharpness</b> {@code S}: per plane the mean of {@code (|Laplacian| - TAU)_+^2}
 *       ({@code [0 1 0; 1 -4 1; 0 1 0]}; Pech-Pacheco et al., ICPR 2000) over pixels whose stencil lies inside one
 *       8x8 block (block edges are not detail), minus twice what white noise of the estimated {@code sigma}
 *       contributes to it, at least 0; the mean over the planes. The gate {@code TAU} (1.5 grey levels) keeps out the
 *       steps of one palette level that GIF quantisation leaves on smooth content, and the small wiggles that mild block
 *       coding adds to it; twice the noise, because an under-estimated {@code sigma} would otherwise let noise pass
 *       for detail. That at two scales, the pixel scale and one octave coarser (the Laplacian of the frame smoothed by
 *       the binomial filter {@code [1 2 1]^T [1 2 1] / 16}, {@link #gatedCoarseLaplacianEnergy}, noise taken out
 *       through the same gate), and {@code S} their geometric mean: the pixel scale sees the first half pixel of blur,
 *       the coarser one does not read the staircase a GIF palette makes of a blurred edge (runs of two pixels, steps
 *       of up to 13 grey levels, more of them the more colours blur makes) as detail.</li>
 *   <li><b>blockiness</b> {@code B}: the mean squared colour step (summed over the planes) across the edges of the 8x8
 *       block grid as a fraction of it plus the mean squared step inside blocks, each first cleared of the
 *       {@code 2 sigma^2} per plane that noise adds to a squared step and floored at one grey level squared: about 1/2
 *       without block artefacts, toward 1 when blocks are flat and their edges are all that changes (Wang, Sheikh and
 *       Bovik, ICIP 2002, as a ratio). Both means are taken over per-block segments less their largest tenth
 *       ({@link #EDGE_TRIM}), so that a few content edges lying on the grid do not read as blocking. The mean over the
 *       frames is then shrunk toward 1/2 by the number of segments behind it ({@link #shrunk}): on small frames a
 *       few segments decide it. It sees blocks aligned with the grid of the scored frame.</li>
 *   <li><b>detail</b> {@code N}: the fraction of the AC coefficients of the grid-aligned 8x8 DCT of every plane above
 *       {@code max(1 grey level, 3 sigma)} ({@link DctDetail}); quantisation zeroes more of them the stronger it is,
 *       also where the steps between blocks vanish because neighbouring blocks round to the same level.</li>
 * </ul>
 * Combined, each factor the fraction of quality kept:
 * <pre>
 *   VQ_raw = (S + S1) / (S + S0) * 1 / (1 + (sigma / SIGMA0)^2)
 *            * (1 - B)^3 / (1 + B0 max(1, B / (1 - B))^4) * ((N + N1) / (N + N0))^2
 *   S0 = 0.02, S1 = 1e-5, SIGMA0 = 0.01 (2.55 grey levels), B0 = 1, N0 = 0.1, N1 = 1e-3   (units of [0, 1])
 * </pre>
 * {@code S0} is large against the sharpness of most clips (1e-4 to 1e-2), so that factor stays close to
 * proportional to {@code S}: halving the detail costs about half the score however sharp the clip, and a smaller
 * change of {@code B} (blur moves {@code B} toward 1/2 when content edges lie on the grid) cannot outweigh it.
 * {@code S1 > 0} keeps smooth clean content (S near 0) above zero so that its degraded copies can rank below it.
 * The blockiness costs twice: {@code (1 - B)^3}, the share of the squared change that happens inside blocks, to the
 * power 3, a mild cost at every {@code B} (mild coding of content whose edges avoid the grid raises {@code B} from
 * 0.01 to 0.1 while the rest barely moves; a power law of a blockiness ratio, as in Wang, Sheikh and Bovik's model),
 * and the steep odds term above {@code B = 1/2} (odds below 1 taken as 1), where blocks dominate.
 * See docs/TQD.md for the measured ranking failures that remain.
 *
 * @param sharpness  {@code S}, noise-corrected gated Laplacian energy inside blocks, mean over the planes, geometric mean of two scales
 * @param noise      {@code sigma}, noise standard deviation, median over the planes
 * @param blockiness {@code B} in (0, 1), about 1/2 for no blocking, larger for visible 8x8 blocks (after shrinkage toward 1/2)
 * @param detail     {@code N} in [0, 1], share of significant 8x8 DCT AC coefficients (1 for frames smaller than a block)
 * @param score      {@code VQ_raw}, in (0, 1)
 */
public record VisualQuality(double sharpness, double noise, double blockiness, double detail, double score) {
    public static final double S0 = 0.02, S1 = 1e-5, SIGMA0 = 0.01, B0 = 1, N0 = 0.1, N1 = 1e-3;
    /** Noise is subtracted from the Laplacian energy this many times over (see the class comment). */
    static final double KAPPA = 2;
    /** Laplacian gate (luma): one and a half grey levels. */
    static final double TAU = 1.5 / 255;
    /** Floor of the squared steps of {@link #blockiness} (one grey level, squared): flat frames get B = 1/2. */
    static final double STEP_FLOOR = 1.0 / 255;
    /** Smallest DCT coefficient that counts as detail (one grey level), and the multiple of {@code sigma} above it. */
    static final double DETAIL_FLOOR = 1.0 / 255, DETAIL_SIGMAS = 3;
    static final int BLOCK = 8;
    /** Share of the largest block-edge (and inside-block) segment values left out of {@link #blockiness}: content edges on the grid. */
    static final double EDGE_TRIM = 0.1;
    /**
     * {@code ||L * G||^2} for the coarse sharpness: {@code L} the 5-point Laplacian, {@code G = g^T g} with
     * {@code g = [1 2 1] / 4}; {@code L * G} is {@code [0 1 2 1 0; 1 0 -2 0 1; 2 -2 -8 -2 2; 1 0 -2 0 1; 0 1 2 1 0] / 16},
     * whose squared weights sum to 104 / 256: white noise of variance {@code v} gives its response the variance
     * {@code 13 v / 32} (the 5-point Laplacian alone: {@code 20 v}).
     */
    static final double COARSE_NOISE_GAIN = 13.0 / 32;
    /**
     * Prior weight of the no-blocking value 1/2 in {@link #shrunk}, in block-edge segment values; our choice
     * [RECONSTRUCTED]: 3 to 48 gave the ranking grid 6 to 8 failed steps over five seeds (docs/TQD.md).
     */
    static final double BLOCK_PRIOR = 12;
    /** Pixels per plane (frames x height x width) from which a clip's planes and frames are scored in parallel. */
    static final int PARALLEL_PIXELS = 1 << 16;

    /** Scores a clip's video {@code [F, 3, H, W]} in [-1, 1] (a still image: {@code F = 1}); frames must be at least 5x5. */
    public static VisualQuality of(Tensor video) {
        return of(RgbPlanes.of(video), video.shape(2), video.shape(3));
    }

    /** Scores colour planes {@code [C][F][H*W]} in [0, 1] ({@link RgbPlanes#of}; one plane: a grey clip); frames must be at least 5x5. */
    public static VisualQuality of(float[][][] planes, int h, int w) {
        if (h < PatchNoise.P || w < PatchNoise.P) {
            throw new IllegalArgumentException("VisualQuality: frames must be at least " + PatchNoise.P + "x" + PatchNoise.P + ", got " + h + "x" + w);
        }
        int channels = planes.length, frames = planes[0].length;
        // Every per-plane and per-frame measure is computed on its own (in parallel: planes, then planes x frames,
        // then frames) into an array, and the arrays are summed in plane-then-frame order afterwards, so the
        // score's bits do not depend on the thread count. Small clips (a single frame of MCM's FrameScores) stay on
        // one thread: waking the pool's threads three times would cost more than it saves.
        int grain = (long) frames * h * w >= PARALLEL_PIXELS ? 1 : Integer.MAX_VALUE;
        double[] var = new double[channels];   // [C] per-plane noise variance
        double[][][] coefs = new double[channels][frames][];   // [C][F][blocks * 64] grid-aligned 8x8 DCT of every plane
        Parallel.forRange(channels, grain, (from, to) -> {
            for (int c = from; c < to; c++) {
                for (int f = 0; f < frames; f++) coefs[c][f] = DctDetail.coefficients(planes[c][f], h, w);
                var[c] = Math.min(Math.min(PatchNoise.variance(planes[c], h, w), ImmerkaerNoise.variance(planes[c], h, w)),
                    DctDetail.noiseVariance(coefs[c]));
            }
        });
        java.util.Arrays.sort(var);
        double variance = var[channels / 2];   // the median plane
        double eps = Math.max(DETAIL_FLOOR, DETAIL_SIGMAS * Math.sqrt(variance));
        double noiseEnergy = KAPPA * gatedNoiseEnergy(20 * variance);
        double coarseNoiseEnergy = KAPPA * gatedNoiseEnergy(COARSE_NOISE_GAIN * variance);
        double[] laplacians = new double[channels * frames], coarse = new double[channels * frames];   // [C * F]
        double[] significant = new double[channels * frames];   // [C * F]
        Parallel.forRange(channels * frames, grain, (from, to) -> {
            for (int cf = from; cf < to; cf++) {
                float[] f = planes[cf / frames][cf % frames];
                laplacians[cf] = gatedLaplacianEnergy(f, h, w);
                coarse[cf] = gatedCoarseLaplacianEnergy(f, h, w);
                significant[cf] = DctDetail.significant(coefs[cf / frames][cf % frames], eps);
            }
        });
        double fine = 0, octave = 0, detail = 0, blocks = 0;
        for (int c = 0; c < channels; c++) {
            double laplacian = 0, smoothed = 0;
            for (int f = 0; f < frames; f++) {
                laplacian += laplacians[c * frames + f];
                smoothed += coarse[c * frames + f];
                detail += significant[c * frames + f] / (frames * channels);
            }
            fine += Math.max(0, laplacian / frames - noiseEnergy) / channels;
            octave += Math.max(0, smoothed / frames - coarseNoiseEnergy) / channels;
        }
        double sharpness = Math.sqrt(fine * octave);   // geometric mean of the two scales
        double[] blockiness = new double[frames];   // [F]
        double stepNoise = channels * variance;
        Parallel.forRange(frames, grain, (from, to) -> {
            float[][] frame = new float[channels][];   // [C][H*W], the planes of one frame
            for (int f = from; f < to; f++) {
                for (int c = 0; c < channels; c++) frame[c] = planes[c][f];
                blockiness[f] = blockiness(frame, h, w, stepNoise);
            }
        });
        for (int f = 0; f < frames; f++) blocks += blockiness[f] / frames;
        blocks = shrunk(blocks, frames, h, w);
        double noise = Math.sqrt(variance);
        double odds = Math.max(1, blocks / (1 - blocks)), inside = 1 - blocks, kept = (detail + N1) / (detail + N0);
        double score = (sharpness + S1) / (sharpness + S0)
            / (1 + variance / (SIGMA0 * SIGMA0))
            / (1 + B0 * odds * odds * odds * odds)
            * inside * inside * inside
            * kept * kept;
        return new VisualQuality(sharpness, noise, blocks, detail, score);
    }

    /** Mean of {@code (|Laplacian| - TAU)_+^2} over interior pixels whose stencil stays inside one 8x8 block (all interior pixels if the frame is smaller than a block). */
    static double gatedLaplacianEnergy(float[] p, int h, int w) {
        double sq = 0;
        long n = 0;
        boolean blocked = h >= BLOCK && w >= BLOCK;
        for (int y = 1; y + 1 < h; y++) {
            if (blocked && (y % BLOCK == 0 || y % BLOCK == BLOCK - 1)) continue;
            for (int x = 1; x + 1 < w; x++) {
                if (blocked && (x % BLOCK == 0 || x % BLOCK == BLOCK - 1)) continue;
                int i = y * w + x;
                double l = Math.max(0, Math.abs(p[i - w] + p[i - 1] - 4.0 * p[i] + p[i + 1] + p[i + w]) - TAU);
                sq += l * l;
                n++;
            }
        }
        return sq / n;
    }

    /**
     * Mean of {@code (|Laplacian (G * p)| - TAU)_+^2}, the gated Laplacian energy one octave coarser: {@code p}
     * smoothed by the binomial filter {@code G = g^T g}, {@code g = [1 2 1] / 4} (the first level of Burt and
     * Adelson's pyramid, IEEE Trans. Commun. 31(4), 1983; a discrete Gaussian of variance 1/2), then the 5-point
     * Laplacian, i.e. a Laplacian of Gaussian (Marr and Hildreth, Proc. R. Soc. B 207, 1980); over the pixels whose
     * 5x5 stencil lies inside one 8x8 block (rows and columns 2 to 5 of each block; all pixels two away from the
     * border if the frame is smaller than a block). The pixel checkerboard, which {@code g} cancels, has none.
     */
    static double gatedCoarseLaplacianEnergy(float[] p, int h, int w) {
        float[] rows = new float[h * w], q = new float[h * w];   // [H*W]: p smoothed along x, then along y
        for (int y = 0; y < h; y++) {
            for (int x = 1; x + 1 < w; x++) {
                int i = y * w + x;
                rows[i] = 0.25f * p[i - 1] + 0.5f * p[i] + 0.25f * p[i + 1];
            }
        }
        for (int y = 1; y + 1 < h; y++) {
            for (int x = 1; x + 1 < w; x++) {
                int i = y * w + x;
                q[i] = 0.25f * rows[i - w] + 0.5f * rows[i] + 0.25f * rows[i + w];
            }
        }
        double sq = 0;
        long n = 0;
        boolean blocked = h >= BLOCK && w >= BLOCK;
        for (int y = 2; y + 2 < h; y++) {
            if (blocked && (y % BLOCK < 2 || y % BLOCK > BLOCK - 3)) continue;
            for (int x = 2; x + 2 < w; x++) {
                if (blocked && (x % BLOCK < 2 || x % BLOCK > BLOCK - 3)) continue;
                int i = y * w + x;
                double l = Math.max(0, Math.abs(q[i - w] + q[i - 1] - 4.0 * q[i] + q[i + 1] + q[i + w]) - TAU);
                sq += l * l;
                n++;
            }
        }
        return sq / n;
    }

    /**
     * The clip's blockiness {@code b} (mean over its frames) shrunk toward the no-blocking value 1/2 by the evidence
     * behind it: {@code 1/2 + (b - 1/2) n / (n + BLOCK_PRIOR)}, {@code n} the block-edge segment values the frames'
     * trimmed means kept. A ratio of means over a few segments is a noisy estimate (a 16x16 frame has 4 edge segments,
     * 3 kept), and the steep blockiness factors turned its content-driven wobble (blur spreading a shape's side that
     * lies on the grid into the blocks) into score; a shrinkage estimator weighs it by its evidence (Efron and Morris,
     * "Data analysis using Stein's estimator and its generalizations", JASA 70, 1975), the prior count
     * {@link #BLOCK_PRIOR} our choice [RECONSTRUCTED]. Frames of 64 px keep about 100 segments each: a few percent.
     */
    static double shrunk(double b, int frames, int h, int w) {
        int bh = h / BLOCK, bw = w / BLOCK;
        if (bh < 2 || bw < 2) return b;   // 1/2 already: no grid to see
        int segments = bh * (bw - 1) + (bh - 1) * bw;   // right and bottom edges with a block beyond, per frame
        double n = (double) frames * Math.max(1, (int) Math.floor(segments * (1 - EDGE_TRIM)));
        return 0.5 + (b - 0.5) * n / (n + BLOCK_PRIOR);
    }

    /**
     * {@code E[(|X| - TAU)_+^2]} for {@code X ~ N(0, v)}: what white noise adds to {@link #gatedLaplacianEnergy}
     * ({@code v = 20 sigma^2}), {@code 2 integral_TAU^inf (x - TAU)^2 phi_v(x) dx} by Simpson's rule over ten
     * standard deviations past the gate (the tail beyond is below 1e-20 of {@code v}).
     */
    static double gatedNoiseEnergy(double v) {
        if (v <= 0) return 0;
        double s = Math.sqrt(v), a = TAU / s, span = 10;
        int n = 400;   // even
        double step = span / n, sum = 0;
        for (int k = 0; k <= n; k++) {
            double z = a + k * step, d = z - a;
            double f = d * d * Math.exp(-0.5 * z * z);
            sum += (k == 0 || k == n ? 1 : k % 2 == 1 ? 4 : 2) * f;
        }
        return 2 * v * sum * step / 3 / Math.sqrt(2 * Math.PI);
    }

    /** {@link #blockiness(float[][], int, int, double)} of one grey plane. */
    static double blockiness(float[] p, int h, int w, double variance) {
        return blockiness(new float[][] {p}, h, w, variance);
    }

    /**
     * Share of the squared colour change that happens across the 8x8 block grid, per block, for the planes
     * {@code [C][H*W]} of one frame: for every whole block, the mean squared step across its right and its bottom edge
     * (one value each, where a block follows) and the mean squared horizontal and vertical step inside it (one value
     * each), squared steps summed over the planes. Each list loses its largest {@link #EDGE_TRIM}
     * share before averaging: a content edge that happens to lie on the grid (a shape's side, a checkerboard square)
     * shows up as a few strong edge segments, block coding raises all of them. Each mean is then less the share of the
     * {@code 2 variance} that white noise adds to a squared step ({@code variance} summed over the planes) that the
     * trimmed mean keeps ({@link #trimmedNoiseShare}), at least 0, plus the floor squared; B = e / (e + i). 1/2 for frames without two whole blocks in both directions (no grid
     * to see).
     */
    static double blockiness(float[][] ps, int h, int w, double variance) {
        int bh = h / BLOCK, bw = w / BLOCK;
        if (bh < 2 || bw < 2) return 0.5;
        double[] edge = new double[2 * bh * bw], inner = new double[2 * bh * bw];   // [<= 2 bh bw] segment means
        int nEdge = 0, nInner = 0;
        for (int by = 0; by < bh; by++) {
            for (int bx = 0; bx < bw; bx++) {
                double eh = 0, ev = 0, ih = 0, iv = 0;
                for (float[] p : ps) {
                    for (int y = by * BLOCK; y < (by + 1) * BLOCK; y++) {
                        for (int x = bx * BLOCK; x < (bx + 1) * BLOCK; x++) {
                            int k = y * w + x;
                            if (x + 1 < w) {
                                double d = p[k + 1] - p[k];
                                if ((x + 1) % BLOCK == 0) eh += d * d; else ih += d * d;
                            }
                            if (y + 1 < h) {
                                double d = p[k + w] - p[k];
                                if ((y + 1) % BLOCK == 0) ev += d * d; else iv += d * d;
                            }
                        }
                    }
                }
                if (bx + 1 < bw) edge[nEdge++] = eh / BLOCK;
                if (by + 1 < bh) edge[nEdge++] = ev / BLOCK;
                inner[nInner++] = ih / (BLOCK * (BLOCK - 1));
                inner[nInner++] = iv / (BLOCK * (BLOCK - 1));
            }
        }
        double floor = STEP_FLOOR * STEP_FLOOR;
        int planes = ps.length;
        double e = Math.max(0, trimmedMean(edge, nEdge) - trimmedNoiseShare(planes * BLOCK, nEdge) * 2 * variance) + floor;
        double i = Math.max(0, trimmedMean(inner, nInner) - trimmedNoiseShare(planes * INNER_DOF, nInner) * 2 * variance) + floor;
        return e / (e + i);
    }

    /**
     * Degrees of freedom of one inner segment value of one plane under white noise: its 56 squared steps are 8 rows
     * (columns) of the 7 steps between 8 pixels, and neighbouring steps share a pixel, so a row's sum of squares is the
     * quadratic form with the eigenvalues {@code l_k = 2 - 2 cos(k pi / 8)}, {@code k = 1..7}, whose Satterthwaite
     * degrees of freedom are {@code (sum l)^2 / sum l^2 = 14^2 / 40}: 8 rows give 39.2 (an edge segment's 8 steps are
     * independent: 8).
     */
    static final double INNER_DOF;

    static {
        double sum = 0, sq = 0;
        for (int k = 1; k < BLOCK; k++) {
            double l = 2 - 2 * Math.cos(k * Math.PI / BLOCK);
            sum += l;
            sq += l * l;
        }
        INNER_DOF = BLOCK * sum * sum / sq;
    }

    /** {@link #trimmedNoiseShare} by (degrees of freedom, count): a clip's frames, and clips of one size, share them. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Double> SHARES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The share of white noise's mean that {@link #trimmedMean} keeps of {@code n} segment values, each (up to scale)
     * {@code chi^2_nu / nu}: the mean of the lowest fraction {@code p = kept / n} of that law over its mean,
     * {@code E[X; X <= q_p] / (p E[X])}, {@code q_p} its {@code p}-quantile. The trim takes the largest tenth of the
     * values, and under noise alone those are the segments where noise drew high, more so the fewer steps a segment
     * has: an edge segment (8 steps a plane) keeps 0.937 of the noise's {@code 2 sigma^2} on three planes, an inner one
     * (56 correlated steps, {@link #INNER_DOF}) 0.973. Taking the full {@code 2 sigma^2} out of both lowered {@code B}
     * under noise read low (pure noise of 2 grey levels read as 1.79: {@code B} 0.45 instead of 1/2). Integrated by
     * the trapezoid rule on 2,000 points up to 14 standard deviations past the mean; 1 if nothing is trimmed.
     */
    static double trimmedNoiseShare(double nu, int n) {
        int kept = Math.max(1, (int) Math.floor(n * (1 - EDGE_TRIM)));
        if (kept >= n) return 1;
        return SHARES.computeIfAbsent(nu + " " + n, key -> lowerMeanShare(nu, kept / (double) n));
    }

    /** {@code E[X; X <= q_p] / (p E[X])} for {@code X ~ chi^2_nu} (scaled by {@code 1/nu}), by the trapezoid rule; see {@link #trimmedNoiseShare}. */
    private static double lowerMeanShare(double nu, double p) {
        int m = 2000;
        double step = (1 + 14 * Math.sqrt(2 / nu)) / m;
        double[] cdf = new double[m + 1], part = new double[m + 1];   // [m + 1] running integrals of the density and of x times it
        double previous = nu == 2 ? 1 : 0;   // the unnormalised density x^(nu/2 - 1) exp(-nu x / 2) at x = 0 (nu >= 2)
        for (int k = 1; k <= m; k++) {
            double x = k * step, pdf = Math.exp((nu / 2 - 1) * Math.log(x) - nu * x / 2);
            cdf[k] = cdf[k - 1] + 0.5 * step * (pdf + previous);
            part[k] = part[k - 1] + 0.5 * step * (x * pdf + (x - step) * previous);
            previous = pdf;
        }
        double target = p * cdf[m];
        int k = 1;
        while (cdf[k] < target) k++;
        double frac = (target - cdf[k - 1]) / (cdf[k] - cdf[k - 1]);
        return (part[k - 1] + frac * (part[k] - part[k - 1])) / p / part[m];
    }

    /** Mean of the first {@code n} values without the largest {@link #EDGE_TRIM} share of them (at least one value kept); sorts them in place. */
    static double trimmedMean(double[] v, int n) {
        java.util.Arrays.sort(v, 0, n);
        int kept = Math.max(1, (int) Math.floor(n * (1 - EDGE_TRIM)));
        double sum = 0;
        for (int k = 0; k < kept; k++) sum += v[k];
        return sum / kept;
    }
}
