package dev.vdiff.reference.eval;

/**
 * The grid-aligned 8x8 DCT of a grey frame (one colour plane) and the two measures {@link VisualQuality} reads off it.
 *
 * <ul>
 *   <li>{@link #significant}: the share of detail that block coding keeps, the fraction {@code N} of the AC
 *       coefficients whose magnitude is above {@code eps}. JPEG/MPEG-like coding rounds coefficient {@code c} to a
 *       multiple of a step {@code q}, so every {@code |c| < q/2} becomes zero: the count of surviving coefficients can
 *       only fall as {@code q} grows, which is what the step-based blockiness misses when strong quantisation flattens
 *       whole neighbourhoods and the steps between blocks vanish (after Wang, Sheikh and Bovik's zero-crossing and
 *       activity terms, ICIP 2002, measured on coefficients instead of pixels). White noise of standard deviation
 *       {@code sigma} gives every coefficient the standard deviation {@code sigma}, so {@link VisualQuality} sets
 *       {@code eps} at three times the estimated noise (and at least one grey level): noise does not count as detail.</li>
 *   <li>{@link #noiseVariance}: a noise estimate from the high frequencies of the blocks, the DCT-domain estimate of
 *       Ponomarenko et al. ("An automatic approach to lossy compression of AVIRIS images", IGARSS 2007; analysed by
 *       Colom and Buades, IPOL 3, 2013), simplified as the other estimates are to one median: white noise spreads its
 *       variance evenly over all 64 coefficients, content sits in the low ones, and block coding zeroes the high ones
 *       first (they have the largest quantisation steps). So the median of {@code |c_uv| / 0.6745} over the 16
 *       coefficients with {@code u, v >= 4} of every block reads white noise right, content (edges, texture) high, and
 *       the ringing of block coding, which the pixel-domain estimates read as noise (a 16x16 clip of shapes coded
 *       at half JPEG's Q50 table read 7 grey levels of noise, fading as coding grew stronger and lifting the score),
 *       near zero, since ringing is made of the low coefficients that coding kept. It sees coding on the grid of the
 *       scored frame.</li>
 * </ul>
 */
final class DctDetail {
    static final int N = VisualQuality.BLOCK;
    /**
     * Lowest horizontal and vertical frequency of the coefficients {@link #noiseVariance} reads: the 4 x 4 highest.
     * Our choice [RECONSTRUCTED] (Ponomarenko et al. select the blocks of least low-frequency energy and read all high
     * frequencies; here the median over all blocks, with the other estimates in the minimum for textured frames): 2 and
     * 5 gave the same ranking within one failed step of the grid (docs/TQD.md).
     */
    static final int HIGH = 4;
    /** {@code C[u][x]}: the orthonormal DCT-II basis. */
    private static final double[][] C = new double[N][N];
    /** {@code C} transposed, flat: {@code CT[x * N + u] = C[u][x]}. */
    private static final double[] CT = new double[N * N];

    static {
        for (int u = 0; u < N; u++) {
            for (int x = 0; x < N; x++) C[u][x] = Math.sqrt((u == 0 ? 1.0 : 2.0) / N) * Math.cos((2 * x + 1) * u * Math.PI / (2 * N));
        }
        for (int u = 0; u < N; u++) for (int x = 0; x < N; x++) CT[x * N + u] = C[u][x];
    }

    private DctDetail() {}

    /**
     * The orthonormal 8x8 DCT of the whole grid-aligned blocks of {@code p [H*W]}, {@code [blocks][v * 8 + u]} flat
     * (blocks in row order; empty if no whole block fits). Each coefficient is the sum over {@code x} (rows), then over
     * {@code y} (columns), in index order, each sum accumulated across all eight frequencies at once (independent
     * sums, one inner loop the JIT can vectorise).
     */
    static double[] coefficients(float[] p, int h, int w) {
        int bh = h / N, bw = w / N;
        double[] out = new double[bh * bw * N * N];   // [blocks][v][u]
        double[] rows = new double[N * N];   // [y][u]: the 1-D DCT of each row of the block
        for (int by = 0; by < bh; by++) {
            for (int bx = 0; bx < bw; bx++) {
                int o = (by * bw + bx) * N * N;
                java.util.Arrays.fill(rows, 0);
                for (int y = 0; y < N; y++) {
                    int row = (by * N + y) * w + bx * N;
                    for (int x = 0; x < N; x++) {
                        double px = p[row + x];
                        for (int u = 0; u < N; u++) rows[y * N + u] += CT[x * N + u] * px;
                    }
                }
                for (int y = 0; y < N; y++) {
                    for (int v = 0; v < N; v++) {
                        double cvy = C[v][y];
                        for (int u = 0; u < N; u++) out[o + v * N + u] += cvy * rows[y * N + u];
                    }
                }
            }
        }
        return out;
    }

    /** Fraction of the AC coefficients of the whole 8x8 blocks of {@code p [H*W]} with magnitude above {@code eps}; 1 if no whole block fits. */
    static double significant(float[] p, int h, int w, double eps) {
        return significant(coefficients(p, h, w), eps);
    }

    /** Fraction of the AC coefficients among block coefficients {@code [blocks][64]} ({@link #coefficients}) with magnitude above {@code eps}; 1 if there are no blocks. */
    static double significant(double[] coef, double eps) {
        long count = 0, total = 0;
        for (int o = 0; o < coef.length; o += N * N) {
            for (int k = 1; k < N * N; k++) {   // k = 0 is DC: the block's mean, not detail
                if (Math.abs(coef[o + k]) > eps) count++;
            }
            total += N * N - 1;
        }
        return total == 0 ? 1 : count / (double) total;
    }

    /**
     * Noise variance from the block coefficients of frames {@code [F][blocks * 64]} ({@link #coefficients}): the squared
     * median of {@code |c_uv| / 0.6745} over the coefficients with {@code u, v >= } {@link #HIGH} of every block;
     * {@code +infinity} if there is no whole block (no estimate: the smallest of the estimates ignores it).
     */
    static double noiseVariance(double[][] coefs) {
        int per = (N - HIGH) * (N - HIGH), blocks = 0;
        for (double[] c : coefs) blocks += c.length / (N * N);
        if (blocks == 0) return Double.POSITIVE_INFINITY;
        float[] high = new float[blocks * per];   // [F * blocks * 16] |c_uv|, u, v >= HIGH
        int m = 0;
        for (double[] c : coefs) {
            for (int o = 0; o < c.length; o += N * N) {
                for (int v = HIGH; v < N; v++) for (int u = HIGH; u < N; u++) high[m++] = (float) Math.abs(c[o + v * N + u]);
            }
        }
        double sigma = ImmerkaerNoise.select(high, high.length / 2) / ImmerkaerNoise.MAD_NORMAL;
        return sigma * sigma;
    }
}
