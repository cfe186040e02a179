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

    static {
        for (int u = 0; u < N; u++) {
            for (int x = 0; x < N; x++) C[u][x] = Math.sqrt((u == 0 ? 1.0 : 2.0) / N) * Math.cos((2 * x + 1) * u * Math.PI / (2 * N));
        }
    }

    private DctDetail() {}

    /** Fraction of the AC coefficients of the whole 8x8 blocks of {@code p [H*W]} with magnitude above {@code eps}; 1 if no whole block fits. */
    static double significant(float[] p, int h, int w, double eps) {
        double[] rows = new double[N * N];   // [y][u]: the 1-D DCT of each row of the block
        long count = 0, total = 0;
        for (int by = 0; by + N <= h; by += N) {
            for (int bx = 0; bx + N <= w; bx += N) {
                for (int y = 0; y < N; y++) {
                    for (int u = 0; u < N; u++) {
                        double acc = 0;
                        for (int x = 0; x < N; x++) acc += C[u][x] * p[(by + y) * w + bx + x];
                        rows[y * N + u] = acc;
                    }
                }
                for (int v = 0; v < N; v++) {
                    for (int u = 0; u < N; u++) {
                        if (u == 0 && v == 0) continue;   // DC: the block's mean, not detail
                        double c = 0;
                        for (int y = 0; y < N; y++) c += C[v][y] * rows[y * N + u];
                        if (Math.abs(c) > eps) count++;
                        total++;
                    }
                }
            }
        }
        return total == 0 ? 1 : count / (double) total;
    }
}
