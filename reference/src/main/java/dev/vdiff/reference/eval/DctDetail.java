package dev.vdiff.reference.eval;

/**
 * Share of the detail that 8x8 block coding keeps, for {@link VisualQuality}: the fraction {@code N} of the AC
 * coefficients of the orthonormal 8x8 DCT of grid-aligned blocks whose magnitude is above {@code eps}. JPEG/MPEG-like
 * coding rounds coefficient {@code c} to a multiple of a step {@code q}, so every {@code |c| < q/2} becomes zero:
 * the count of surviving coefficients can only fall as {@code q} grows, which is what the step-based blockiness
 * misses when strong quantisation flattens whole neighbourhoods and the steps between blocks vanish (after Wang,
 * Sheikh and Bovik's zero-crossing and activity terms, ICIP 2002, measured on coefficients instead of pixels).
 * White noise of standard deviation {@code sigma} gives every coefficient the standard deviation {@code sigma}, so
 * {@link VisualQuality} sets {@code eps} at three times the estimated noise (and at least one grey level): noise
 * does not count as detail.
 */
final class DctDetail {
    static final int N = VisualQuality.BLOCK;
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
     * Fraction of the AC coefficients of the whole 8x8 blocks of {@code p [H*W]} with magnitude above {@code eps}; 1 if no whole block fits.
     * Each coefficient is the sum over {@code x} (rows), then over {@code y} (columns), in index order, each sum
     * accumulated across all eight frequencies at once (independent sums, one inner loop the JIT can vectorise).
     */
    static double significant(float[] p, int h, int w, double eps) {
        double[] rows = new double[N * N];   // [y][u]: the 1-D DCT of each row of the block
        double[] coef = new double[N * N];   // [v][u]: the block's 2-D DCT
        long count = 0, total = 0;
        for (int by = 0; by + N <= h; by += N) {
            for (int bx = 0; bx + N <= w; bx += N) {
                java.util.Arrays.fill(rows, 0);
                java.util.Arrays.fill(coef, 0);
                for (int y = 0; y < N; y++) {
                    int row = (by + y) * w + bx;
                    for (int x = 0; x < N; x++) {
                        double px = p[row + x];
                        for (int u = 0; u < N; u++) rows[y * N + u] += CT[x * N + u] * px;
                    }
                }
                for (int y = 0; y < N; y++) {
                    for (int v = 0; v < N; v++) {
                        double cvy = C[v][y];
                        for (int u = 0; u < N; u++) coef[v * N + u] += cvy * rows[y * N + u];
                    }
                }
                for (int k = 1; k < N * N; k++) {   // k = 0 is DC: the block's mean, not detail
                    if (Math.abs(coef[k]) > eps) count++;
                }
                total += N * N - 1;
            }
        }
        return total == 0 ? 1 : count / (double) total;
    }
}
