package dev.vdiff.reference.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Noise variance of luma frames as the smallest eigenvalue of the covariance of their flattest 5x5 patches
 * (the weak-texture patch PCA of Liu, Tanaka and Okutomi, "Single-image noise level estimation for blind
 * denoising", IEEE TIP 22(12), 2013, simplified to one selection pass), for {@link VisualQuality}: white noise of
 * variance {@code sigma^2} adds {@code sigma^2} to every eigenvalue, while content correlated across a patch leaves
 * the smallest one near zero. The flattest half (by patch variance) keeps edges out; the Marchenko-Pastur factor
 * corrects the downward bias of the smallest sample eigenvalue.
 */
final class PatchNoise {
    /** Patch side. */
    static final int P = 5;
    /** Fraction of patches kept, the flattest. */
    static final double KEEP = 0.5;
    /** Frames at least twice this high and wide are sampled at every second patch position. */
    static final int MIN_STRIDED = 32;
    /** Kept patches summed together into the covariance (see {@link #accumulate}). */
    private static final int BATCH = 4;

    private PatchNoise() {}

    /** Noise variance (luma^2) of frames {@code [F][H*W]}, {@code H, W >= P}. */
    static double variance(float[][] frames, int h, int w) {
        int d = P * P;
        // Patches on every second row and column of frames with plenty of them (4x less work, still > 1000 patches a frame).
        int s = h >= 2 * MIN_STRIDED && w >= 2 * MIN_STRIDED ? 2 : 1;
        // Pass 1: each patch's variance; keep the flattest fraction (weak-texture patches).
        int per = ((h - P) / s + 1) * ((w - P) / s + 1);
        double[] pv = new double[frames.length * per];
        int k = 0;
        for (float[] f : frames) {
            for (int y = 0; y + P <= h; y += s) {
                for (int x = 0; x + P <= w; x += s) {
                    double m = 0, q = 0;
                    for (int i = 0; i < P; i++) for (int j = 0; j < P; j++) { double v = f[(y + i) * w + x + j]; m += v; q += v * v; }
                    pv[k++] = q - m * m / d;
                }
            }
        }
        // The value sorting would put at KEEP n, found in linear time (a copy: pv stays in patch order for pass 2).
        double threshold = select(pv.clone(), (int) Math.min(pv.length - 1, Math.floor(KEEP * pv.length)));
        double[] mean = new double[d], cov = new double[d * d];
        double[] batch = new double[BATCH * d];   // [BATCH][P*P] kept patches waiting to be summed
        long n = 0;
        k = 0;
        for (float[] f : frames) {
            for (int y = 0; y + P <= h; y += s) {
                for (int x = 0; x + P <= w; x += s) {
                    if (pv[k++] > threshold) continue;
                    int o = (int) (n % BATCH) * d;
                    for (int i = 0; i < P; i++) for (int j = 0; j < P; j++) batch[o + i * P + j] = f[(y + i) * w + x + j];
                    if (++n % BATCH == 0) accumulate(batch, BATCH, mean, cov);
                }
            }
        }
        accumulate(batch, (int) (n % BATCH), mean, cov);
        if (n <= d) return 0;   // too few patches for a covariance of full rank: no estimate, count no noise
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                double v = cov[a * d + b] / n - mean[a] / n * (mean[b] / n);
                c.set(a, b, v);
                c.set(b, a, v);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        if (!eig.decompose(c)) throw new IllegalStateException("eigen decomposition failed");
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < d; i++) min = Math.min(min, eig.getEigenvalue(i).real);
        double mp = 1 - Math.sqrt(d / (double) n);   // Marchenko-Pastur: smallest eigenvalue of pure noise ~ sigma^2 (1 - sqrt(d/n))^2
        return Math.max(0, min) / (mp * mp);
    }

    /**
     * Adds the first {@code m <= BATCH} patches of {@code batch [BATCH][P*P]} to the sums {@code mean [P*P]} and the
     * upper triangle of {@code cov [P*P][P*P]}, in patch order: each sum gets {@code ((s + x0) + x1) + ...}, the same
     * additions in the same order as one patch at a time (Java never reassociates), with one load and store of the
     * sum per batch instead of per patch.
     */
    private static void accumulate(double[] batch, int m, double[] mean, double[] cov) {
        int d = P * P;
        if (m == BATCH) {
            for (int a = 0; a < d; a++) {
                double a0 = batch[a], a1 = batch[d + a], a2 = batch[2 * d + a], a3 = batch[3 * d + a];
                mean[a] = mean[a] + a0 + a1 + a2 + a3;
                for (int b = a; b < d; b++) cov[a * d + b] = cov[a * d + b] + a0 * batch[b] + a1 * batch[d + b] + a2 * batch[2 * d + b] + a3 * batch[3 * d + b];
            }
            return;
        }
        for (int q = 0; q < m; q++) {
            int o = q * d;
            for (int a = 0; a < d; a++) {
                double pa = batch[o + a];
                mean[a] += pa;
                for (int b = a; b < d; b++) cov[a * d + b] += pa * batch[o + b];
            }
        }
    }

    /** The {@code k}-th smallest of {@code a} (Hoare's quickselect, middle pivot; reorders {@code a}), as {@link ImmerkaerNoise#select} for doubles. */
    static double select(double[] a, int k) {
        int lo = 0, hi = a.length - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { double t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }
}
