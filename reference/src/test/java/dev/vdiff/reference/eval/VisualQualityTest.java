package dev.vdiff.reference.eval;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VQ components on images whose values we can work out by hand (or, for the noise estimate, that we made with known noise). */
class VisualQualityTest {
    private static final int H = 16, W = 24;

    private interface Pixel {
        double at(int x, int y);
    }

    private static float[] image(Pixel f) {
        float[] p = new float[H * W];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) p[y * W + x] = (float) f.at(x, y);
        return p;
    }

    /** A checkerboard of +-c around 0.5: every Laplacian is -+8c, so the gated mean square is (8c - TAU)^2 whichever pixels count. */
    @Test
    void gatedLaplacianEnergyOfACheckerboardAndABowl() {
        double c = 0.1, tau = VisualQuality.TAU;
        float[] p = image((x, y) -> 0.5 + ((x + y) % 2 == 0 ? c : -c));
        assertEquals(Math.pow(8 * c - tau, 2), VisualQuality.gatedLaplacianEnergy(p, H, W), 1e-6);
        // A quadratic bowl a x^2 + b y^2 has the constant Laplacian 2a + 2b.
        assertEquals(Math.pow(2e-2 + 4e-2 - tau, 2), VisualQuality.gatedLaplacianEnergy(image((x, y) -> 1e-2 * (x * x + 2 * y * y)), H, W), 1e-7);
        // Below the gate (one palette step of a GIF, 1 grey level, on a smooth ramp): nothing.
        assertEquals(0, VisualQuality.gatedLaplacianEnergy(image((x, y) -> 0.3 + (x > 11 ? 1 / 255.0 : 0)), H, W), 0);
    }

    /**
     * One octave coarser: the binomial filter [1 2 1]/4 cancels the pixel checkerboard (its response at the highest
     * frequency is 1/4 - 1/2 + 1/4 = 0), so nothing is left; it adds the constant 1/2 (its variance) to x^2 and to y^2,
     * so a quadratic bowl keeps its Laplacian 2a + 2b.
     */
    @Test
    void gatedCoarseLaplacianEnergyOfACheckerboardAndABowl() {
        double c = 0.1, tau = VisualQuality.TAU;
        assertEquals(0, VisualQuality.gatedCoarseLaplacianEnergy(image((x, y) -> 0.5 + ((x + y) % 2 == 0 ? c : -c)), H, W), 0);
        assertEquals(Math.pow(2e-2 + 4e-2 - tau, 2), VisualQuality.gatedCoarseLaplacianEnergy(image((x, y) -> 1e-2 * (x * x + 2 * y * y)), H, W), 1e-6);
    }

    /**
     * White noise of standard deviation s gives the coarse Laplacian the variance 13 s^2 / 32 (the squared weights of
     * the 5x5 stencil, worked out in COARSE_NOISE_GAIN): on seeded noise over a flat 256x256 frame the gated energy
     * matches E[(|X| - TAU)_+^2], X ~ N(0, 13 s^2 / 32), within 5%.
     */
    @Test
    void gatedCoarseLaplacianEnergyOfWhiteNoise() {
        int n = 256;
        java.util.SplittableRandom r = new java.util.SplittableRandom(21);
        for (double s : new double[] {0.01, 0.03}) {
            float[] p = new float[n * n];
            for (int i = 0; i < p.length; i++) p[i] = (float) (0.5 + s * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
            double expected = VisualQuality.gatedNoiseEnergy(13.0 / 32 * s * s);
            assertEquals(expected, VisualQuality.gatedCoarseLaplacianEnergy(p, n, n), 0.05 * expected, "s " + s);
        }
        assertEquals(13.0 / 32, VisualQuality.COARSE_NOISE_GAIN, 0);
    }

    /**
     * The blockiness shrinkage, by hand: 16x16 frames have 4 edge segments (2 right, 2 bottom), 3 kept, so 4 frames
     * give n = 12 and 0.9 becomes 1/2 + 0.4 * 12 / (12 + 12) = 0.7; one 64x64 frame has 112, 100 kept; frames without
     * two whole blocks each way are left alone.
     */
    @Test
    void blockinessIsShrunkTowardOneHalfByItsEvidence() {
        assertEquals(12, VisualQuality.BLOCK_PRIOR, 0);
        assertEquals(0.7, VisualQuality.shrunk(0.9, 4, 16, 16), 1e-12);
        assertEquals(0.5 - 0.2 * 100 / 112.0, VisualQuality.shrunk(0.3, 1, 64, 64), 1e-12);
        assertEquals(0.5, VisualQuality.shrunk(0.5, 1, 128, 128), 0);
        assertEquals(0.8, VisualQuality.shrunk(0.8, 4, 8, 128), 0);
    }

    /**
     * The share of noise a trimmed mean keeps, against SciPy 1.10 ({@code chi2.cdf(chi2.ppf(p, nu), nu + 2) / p}, the
     * identity {@code E[X; X <= q] = nu F_{nu+2}(q)} for {@code X ~ chi^2_nu}): 0.937244 for nu = 24 (an edge segment of
     * three planes) and p = 0.9, 0.871073 for p = 3/4 (a 16x16 frame's 4 edge segments, 3 kept), 0.973196 for
     * nu = 117.6 (an inner one); nothing trimmed, 1. And the inner segments' degrees of freedom, 8 x 14^2 / 40.
     */
    @Test
    void trimmedNoiseShareMatchesTheChiSquareLaw() {
        assertEquals(39.2, VisualQuality.INNER_DOF, 1e-12);
        assertEquals(0.937244, VisualQuality.trimmedNoiseShare(24, 1000), 2e-6);
        assertEquals(0.871073, VisualQuality.trimmedNoiseShare(24, 4), 2e-6);
        assertEquals(0.973196, VisualQuality.trimmedNoiseShare(117.6, 1000), 2e-6);
        assertEquals(1, VisualQuality.trimmedNoiseShare(24, 1), 0);   // one value: nothing to trim
    }

    /**
     * Pure white noise (three planes of 256x256, sigma 0.01, no content): B stays within 0.025 of 1/2 when the noise
     * is read 10% low (variance 0.81 sigma^2), because each trimmed mean loses only the share of noise it keeps (0.49
     * to 0.51 over four noise seeds); taking the full 2 sigma^2 out of both gave 0.44 to 0.46 (the edge list, of 8-step
     * segments, keeps less of the noise).
     */
    @Test
    void blockinessOfPureNoiseReadLowStaysNearOneHalf() {
        int n = 256;
        java.util.SplittableRandom r = new java.util.SplittableRandom(31);
        float[][] planes = new float[3][n * n];
        for (float[] p : planes) for (int i = 0; i < p.length; i++) p[i] = (float) (0.5 + 0.01 * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        assertEquals(0.5, VisualQuality.blockiness(planes, n, n, 3 * 0.81 * 1e-4), 0.025);
    }

    /** What white noise adds to the gated energy, against the closed form 2[(v + tau^2) Q(tau/s) - s tau phi(tau/s)], s = sqrt(v). */
    @Test
    void gatedNoiseEnergyMatchesTheClosedForm() {
        NormalDistribution z = NormalDistribution.of(0, 1);
        double tau = VisualQuality.TAU;
        for (double s : new double[] {0.001, 0.005, 0.02, 0.1}) {
            double v = s * s, a = tau / s;
            double expected = 2 * ((v + tau * tau) * z.survivalProbability(a) - s * tau * z.density(a));
            assertEquals(expected, VisualQuality.gatedNoiseEnergy(v), 1e-6 * expected + 1e-18, "s " + s);
        }
        assertEquals(0, VisualQuality.gatedNoiseEnergy(0), 0);
    }

    /**
     * Constant 8x8 blocks: no step inside a block, so B = (e + floor^2) / (e + 2 floor^2), with e the mean of the
     * per-block edge-segment values less their largest tenth.
     */
    @Test
    void blockinessOfConstantBlocks() {
        // Block (bx, by) has value 0.2 + 0.1 bx + 0.05 by. The 16x24 frame has 2x3 blocks: 4 right-edge segments
        // (bx = 0, 1; steps 0.1, mean square 0.01) and 3 bottom-edge segments (by = 0; 0.05, 0.0025); of the 7,
        // floor(0.9 * 7) = 6 smallest are kept: three of 0.01 and three of 0.0025.
        float[] p = image((x, y) -> 0.2 + 0.1 * (x / 8) + 0.05 * (y / 8));
        double e = (3 * 0.01 + 3 * 0.0025) / 6, floor = VisualQuality.STEP_FLOOR * VisualQuality.STEP_FLOOR;
        assertEquals((e + floor) / (e + 2 * floor), VisualQuality.blockiness(p, H, W, 0), 1e-4);
        // Noise of variance v adds 2v to every squared step; told about it, B is unchanged.
        float[] q = p.clone();
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < q.length; i++) q[i] += (float) (0.01 * (r.nextBoolean() ? 1 : -1));   // variance 1e-4
        assertEquals((e + floor) / (e + 2 * floor), VisualQuality.blockiness(q, H, W, 1e-4), 0.05);
        // A ramp with equal slopes has the same step everywhere: B = 1/2.
        assertEquals(0.5, VisualQuality.blockiness(image((x, y) -> 0.01 * x + 0.01 * y), H, W, 0), 1e-5);
    }

    /** A content edge that lies on the grid is not blocking: one bright block in a flat 32x32 frame leaves B at 1/2, bright blocks everywhere do not. */
    @Test
    void blockinessLeavesOutAFewContentEdgesOnTheGrid() {
        int n = 32;   // 4x4 blocks: 12 right-edge and 12 bottom-edge segments, the 2 largest of 24 left out (floor(0.9 * 24) = 21 kept)
        float[] one = new float[n * n], all = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                one[y * n + x] = (float) (x < 8 && y < 8 ? 0.8 : 0.3);   // block (0, 0) only: 2 edge segments of step 0.5
                all[y * n + x] = (float) ((x / 8 + y / 8) % 2 == 0 ? 0.8 : 0.3);   // every edge segment a step of 0.5
            }
        }
        assertEquals(0.5, VisualQuality.blockiness(one, n, n, 0), 0);
        double floor = VisualQuality.STEP_FLOOR * VisualQuality.STEP_FLOOR;
        assertEquals((0.25 + floor) / (0.25 + 2 * floor), VisualQuality.blockiness(all, n, n, 0), 1e-6);
        // Frames without two whole blocks each way have no grid to see.
        assertEquals(0.5, VisualQuality.blockiness(all, 8, 128, 0), 0);
    }

    /** The DCT detail: none in flat or single-colour blocks, exactly one coefficient in a block made of one basis pattern, about P(|Z| > 3) of white noise at eps = 3 sigma. */
    @Test
    void dctDetailCountsSignificantCoefficients() {
        assertEquals(0, DctDetail.significant(image((x, y) -> 0.2 + 0.1 * (x / 8)), H, W, 1e-3), 0);
        // Basis pattern (u, v) = (1, 2) of amplitude 0.05 in every block: 1 of the 63 AC coefficients.
        float[] p = image((x, y) -> 0.5 + 0.05 * Math.cos((2 * (x % 8) + 1) * Math.PI / 16) * Math.cos((2 * (y % 8) + 1) * 2 * Math.PI / 16));
        assertEquals(1.0 / 63, DctDetail.significant(p, H, W, 1e-3), 1e-12);
        // Frames smaller than one block have no grid: everything counts.
        assertEquals(1, DctDetail.significant(new float[25], 5, 5, 1e-3), 0);
        int h = 64, w = 64;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[] noise = new float[h * w];
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.5 + 0.02 * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        assertEquals(0.0027, DctDetail.significant(noise, h, w, 3 * 0.02), 0.003);
    }

    /**
     * The DCT-domain estimate: white noise on flat and ramp content within 10%; zero on blocks made only of the
     * coefficients with u or v below 4 (what coarse block coding keeps: its ringing), where the Immerkær estimate
     * reads the ringing as noise; no estimate (+infinity) for frames without a whole block.
     */
    @Test
    void dctNoiseReadsWhiteNoiseAndNotTheLowFrequenciesOfCodedBlocks() {
        int h = 64, w = 64;
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        Pixel[] contents = {(x, y) -> 0.5, (x, y) -> 0.2 + 0.004 * x + 0.003 * y};
        for (Pixel content : contents) {
            float[] p = new float[h * w];
            for (int i = 0; i < h * w; i++) {
                double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                p[i] = (float) (content.at(i % w, i / w) + 0.02 * g);
            }
            assertEquals(0.02, Math.sqrt(DctDetail.noiseVariance(new double[][] {DctDetail.coefficients(p, h, w)})), 0.002);
        }
        // Every block a random mix of the basis patterns (u, v) with u < 4 or v < 4, amplitudes up to 0.05.
        float[] coded = new float[h * w];
        for (int by = 0; by < h; by += 8) {
            for (int bx = 0; bx < w; bx += 8) {
                double[] a = new double[64];
                for (int v = 0; v < 8; v++) for (int u = 0; u < 8; u++) a[v * 8 + u] = u < 4 || v < 4 ? 0.05 * (r.nextDouble() - 0.5) : 0;
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        double s = 0.5;
                        for (int v = 0; v < 8; v++) {
                            for (int u = 0; u < 8; u++) {
                                s += a[v * 8 + u] * Math.cos((2 * x + 1) * u * Math.PI / 16) * Math.cos((2 * y + 1) * v * Math.PI / 16);
                            }
                        }
                        coded[(by + y) * w + bx + x] = (float) s;
                    }
                }
            }
        }
        assertEquals(0, Math.sqrt(DctDetail.noiseVariance(new double[][] {DctDetail.coefficients(coded, h, w)})), 1e-6);
        assertTrue(Math.sqrt(ImmerkaerNoise.variance(new float[][] {coded}, h, w)) > 0.005, "the pixel-domain estimate reads the ringing");
        assertEquals(Double.POSITIVE_INFINITY, DctDetail.noiseVariance(new double[][] {DctDetail.coefficients(new float[25], 5, 5)}), 0);
    }

    /**
     * The Immerkær-mask median estimate: white noise on flat, ramp and hard-edged content within 10%; noise rounded to
     * a palette of 3-grey-level steps (as a GIF holds it: most 2x2 windows exactly flat) within 10% of the standard
     * deviation of the rounded values themselves; zero on a clean ramp with an axis-aligned square on it.
     */
    @Test
    void immerkaerNoiseRecoversWhiteAndPaletteRoundedNoiseAndIgnoresAxisAlignedEdges() {
        int h = 64, w = 64, frames = 2;
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        Pixel[] contents = {(x, y) -> 0.5, (x, y) -> 0.2 + 0.004 * x + 0.003 * y, (x, y) -> (x / 16 + y / 16) % 2 == 0 ? 0.2 : 0.8};
        for (Pixel content : contents) {
            float[][] luma = new float[frames][h * w];
            for (int f = 0; f < frames; f++) {
                for (int i = 0; i < h * w; i++) {
                    double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                    luma[f][i] = (float) (content.at(i % w, i / w) + 0.02 * g);
                }
            }
            assertEquals(0.02, Math.sqrt(ImmerkaerNoise.variance(luma, h, w)), 0.002);
        }
        float[][] rounded = new float[frames][h * w];
        double sum = 0, sq = 0;
        for (float[] f : rounded) {
            for (int i = 0; i < h * w; i++) {
                double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                double v = Math.rint((128 + 2 * g) / 3) * 3 / 255;   // 2 grey levels of noise on grey 128, rounded to a multiple of 3 levels
                f[i] = (float) v;
                sum += v;
                sq += v * v;
            }
        }
        int count = frames * h * w;
        double std = Math.sqrt(sq / count - (sum / count) * (sum / count));
        assertEquals(std, Math.sqrt(ImmerkaerNoise.variance(rounded, h, w)), 0.1 * std);
        float[][] clean = new float[frames][h * w];
        for (float[] f : clean) for (int i = 0; i < h * w; i++) f[i] = (float) ((i % w > 20 && i % w < 40 && i / w > 10 && i / w < 30) ? 0.9 : 0.2 + 0.004 * (i % w) + 0.003 * (i / w));
        assertEquals(0, ImmerkaerNoise.variance(clean, h, w), 1e-10);
        // Its median by quickselect is the sorted array's middle element, ties and all.
        for (int n : new int[] {1, 2, 7, 100, 1001}) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float) Math.floor(10 * r.nextDouble());
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            assertEquals(sorted[n / 2], ImmerkaerNoise.select(a, n / 2), 0, "n " + n);
            // continuous magnitudes, a third of them exact zeros, every rank
            for (int i = 0; i < n; i++) a[i] = i % 3 == 0 ? 0 : (float) Math.abs(Math.log(1 - r.nextDouble()) * Math.pow(10, -3 * r.nextDouble()));
            sorted = a.clone();
            java.util.Arrays.sort(sorted);
            for (int k = 0; k < n; k += Math.max(1, n / 37)) assertEquals(sorted[k], ImmerkaerNoise.select(a, k), 0, "n " + n + " k " + k);
        }
        // and the patch estimate's double quickselect likewise
        double[] d = new double[1001];
        for (int i = 0; i < d.length; i++) d[i] = i % 4 == 0 ? 0.5 : r.nextDouble() - 0.25;
        double[] dSorted = d.clone();
        java.util.Arrays.sort(dSorted);
        for (int k = 0; k < d.length; k += 50) assertEquals(dSorted[k], PatchNoise.select(d.clone(), k), 0, "k " + k);
    }

    /**
     * The patch estimate recovers the standard deviation of white noise added to flat, smooth and striped frames
     * within 20% (keeping the flattest half of the patches favours patches where the noise drew low: it reads up to
     * about 15% low), and sees none in a clean ramp.
     */
    @Test
    void patchNoiseRecoversWhiteNoise() {
        int h = 64, w = 64, frames = 4;
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        Pixel[] contents = {(x, y) -> 0.5, (x, y) -> 0.2 + 0.004 * x + 0.003 * y, (x, y) -> 0.5 + 0.3 * Math.sin(x * 0.4)};
        for (Pixel content : contents) {
            for (double sigma : new double[] {0.01, 0.05}) {
                float[][] luma = new float[frames][h * w];
                for (int f = 0; f < frames; f++) {
                    for (int i = 0; i < h * w; i++) {
                        double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                        luma[f][i] = (float) (content.at(i % w, i / w) + sigma * g);
                    }
                }
                assertEquals(sigma, Math.sqrt(PatchNoise.variance(luma, h, w)), 0.2 * sigma, "sigma " + sigma);
            }
        }
        float[][] ramp = new float[frames][h * w];
        for (float[] f : ramp) for (int i = 0; i < h * w; i++) f[i] = (float) (0.2 + 0.004 * (i % w) + 0.003 * (i / w));
        assertEquals(0, Math.sqrt(PatchNoise.variance(ramp, h, w)), 1e-3);
    }

    /**
     * Blocks whose colours change while their luma does not: red steps by 0.1 from block to block across, green by
     * 0.1 * 0.299 / 0.587 the other way, so BT.601 luma is one constant and luma sees a flat frame (B = 1/2). The
     * colour planes see the steps: each right-edge segment holds 0.01 (1 + (0.299/0.587)^2) summed over the planes,
     * the 3 bottom-edge segments 0; of the 7, the 6 smallest are kept (three of each), inside steps are 0.
     */
    @Test
    void blockinessOfTheColourPlanesSeesBlocksOfEqualLuma() {
        double k = 0.299 / 0.587;
        float[] red = image((x, y) -> 0.3 + 0.1 * (x / 8)), green = image((x, y) -> 0.6 - 0.1 * k * (x / 8)), blue = image((x, y) -> 0.5);
        float[] luma = new float[H * W];
        for (int i = 0; i < luma.length; i++) luma[i] = (float) (0.299 * red[i] + 0.587 * green[i] + 0.114 * blue[i]);
        double floor = VisualQuality.STEP_FLOOR * VisualQuality.STEP_FLOOR;
        assertEquals(0.5, VisualQuality.blockiness(luma, H, W, 0), 1e-3);
        double e = 3 * 0.01 * (1 + k * k) / 6;
        assertEquals((e + floor) / (e + 2 * floor), VisualQuality.blockiness(new float[][] {red, green, blue}, H, W, 0), 1e-4);
    }

    /**
     * The whole score on flat planes, worked by hand: no Laplacian (S = 0), no noise, no step anywhere (B = 1/2),
     * no AC coefficient (N = 0), so VQ_raw = S1/S0 * 1 * (1/2)^3 / (1 + B0) * (N1/N0)^2 = 5e-4 * 0.125 / 2 * 1e-4.
     */
    @Test
    void scoreOfFlatPlanes() {
        float[][][] planes = new float[3][2][];
        for (int c = 0; c < 3; c++) {
            double v = 0.2 + 0.1 * c;
            for (int f = 0; f < 2; f++) planes[c][f] = image((x, y) -> v);
        }
        VisualQuality q = VisualQuality.of(planes, H, W);
        assertEquals(0, q.sharpness(), 0);
        assertEquals(0, q.noise(), 0);
        assertEquals(0.5, q.blockiness(), 0);
        assertEquals(0, q.detail(), 0);
        assertEquals(5e-4 * 0.125 / 2 * 1e-4, q.score(), 1e-15);
    }

    /**
     * Colour planes: the noise is the median of the three planes' estimates (white noise of 0.01, 0.02 and 0.2 in
     * red, green and blue of a flat frame reads 0.02: one channel's content or noise does not set it); the detail is
     * the share over all planes' coefficients (one basis pattern in red, green and blue flat: 1 of 3 x 63).
     */
    @Test
    void colourPlanesTakeTheMedianNoiseAndPoolTheDetail() {
        int h = 64, w = 64;
        java.util.SplittableRandom r = new java.util.SplittableRandom(13);
        double[] sigma = {0.01, 0.02, 0.2};
        float[][][] noisy = new float[3][2][h * w];
        for (int c = 0; c < 3; c++) {
            for (float[] f : noisy[c]) {
                for (int i = 0; i < f.length; i++) f[i] = (float) (0.5 + sigma[c] * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
            }
        }
        assertEquals(0.02, VisualQuality.of(noisy, h, w).noise(), 0.2 * 0.02);   // the patch estimate reads up to 15% low (patchNoiseRecoversWhiteNoise)
        float[] pattern = image((x, y) -> 0.5 + 0.05 * Math.cos((2 * (x % 8) + 1) * Math.PI / 16) * Math.cos((2 * (y % 8) + 1) * 2 * Math.PI / 16));
        float[] flat = image((x, y) -> 0.5);
        VisualQuality q = VisualQuality.of(new float[][][] {{pattern}, {flat}, {flat}}, H, W);
        assertEquals(0, q.noise(), 0);
        assertEquals(1.0 / (3 * 63), q.detail(), 1e-12);
    }

    /**
     * The lattice median of ImmerkaerNoise: on the lattice d = one grey level, {0, 0, 0, d, d, 2d} has at least half its
     * values at 0: 0 (the plain median is d); {0, 0, d, d, d, 2d}: F(0) = 2, F(d) = 5, so (3 - 2) / (5 - 2) d = d/3;
     * 1000 values spread evenly over [0, 10 d): F(5d) = 500, the median 5d.
     */
    @Test
    void latticeMedianInterpolatesTheDistributionFunction() {
        double d = ImmerkaerNoise.LATTICE;
        float z = 0, one = (float) d, two = (float) (2 * d);
        assertEquals(0, ImmerkaerNoise.latticeMedian(new float[] {one, z, two, z, one, z}, d), 0);
        assertEquals(d / 3, ImmerkaerNoise.latticeMedian(new float[] {one, z, two, one, z, one}, d), 1e-9 * d);
        float[] even = new float[1000];
        for (int i = 0; i < even.length; i++) even[(i * 7) % 1000] = (float) ((i + 0.5) * 10 * d / 1000);
        assertEquals(5 * d, ImmerkaerNoise.latticeMedian(even, d), 1e-4 * d);
    }

    /** The planes and frames are scored in parallel: every field has the same bits on 1, 2 and 3 threads (a noisy 64x64 clip of 16 frames, large enough to fan out). */
    @Test
    void sameBitsWhateverTheThreadCount() {
        int h = 64, w = 64, frames = 16;
        assertTrue((long) frames * h * w >= VisualQuality.PARALLEL_PIXELS, "the clip must be large enough to be scored in parallel");
        java.util.Random r = new java.util.Random(9);
        float[][][] planes = new float[3][frames][h * w];   // [C][F][H*W]
        for (int c = 0; c < 3; c++) {
            for (int f = 0; f < frames; f++) {
                for (int i = 0; i < h * w; i++) {
                    double content = 0.3 + 0.2 * Math.sin((i % w + 2 * f) * (0.2 + 0.1 * c)) * Math.cos(i / w * 0.15);
                    planes[c][f][i] = (float) Math.min(1, Math.max(0, content + 0.02 * r.nextGaussian()));
                }
            }
        }
        VisualQuality one = dev.vdiff.tensor.parallel.Parallel.withThreads(1, () -> VisualQuality.of(planes, h, w));
        for (int threads : new int[] {2, 3}) {
            VisualQuality many = dev.vdiff.tensor.parallel.Parallel.withThreads(threads, () -> VisualQuality.of(planes, h, w));
            assertEquals(one, many, threads + " threads");   // record equality: every component's bits
        }
    }
}
