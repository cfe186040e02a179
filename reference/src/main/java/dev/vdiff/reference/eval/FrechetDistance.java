package dev.vdiff.reference.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;

/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians fitted to feature vectors, as in FID
 * (Heusel et al. 2017, eq. 6) and FVD:
 * <pre>
 *   d^2 = |mu_1 - mu_2|^2 + tr( S_1 + S_2 - 2 (S_1^{1/2} S_2 S_1^{1/2})^{1/2} )
 * </pre>
 * The trace of the matrix square root is computed on the symmetric route: {@code S_1^{1/2}} from the symmetric
 * eigendecomposition {@code S_1 = V diag(lambda) V^T} (negative rounding eigenvalues clamped to 0), then
 * {@code M = S_1^{1/2} S_2 S_1^{1/2}} is symmetric positive semi-definite and {@code tr M^{1/2} = sum sqrt(eig(M))}.
 * This equals the {@code tr sqrtm(S_1 S_2)} of the FID reference code (the eigenvalues of {@code S_1 S_2} and
 * of {@code M} coincide) without a non-symmetric square root. EJML does the eigendecompositions.
 *
 * <pre>{@code
 * FrechetDistance.Gaussian a = FrechetDistance.fit(featuresA), b = FrechetDistance.fit(featuresB);
 * FrechetDistance.distance(a, b);   // 0 for identical sets; (m1-m2)^2 + (s1-s2)^2 in one dimension
 * }</pre>
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** Mean and covariance of a feature set. */
    public record Gaussian(double[] mean, double[][] cov, int count) {}

    /** Sample mean and unbiased covariance ({@code 1/(N-1)}, as numpy.cov) of the rows of {@code x [N, D]}, N >= 2. */
    public static Gaussian fit(double[][] x) {
        int n = x.length;
        if (n < 2) throw new IllegalArgumentException("FrechetDistance.fit: need at least 2 samples, got " + n);
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            if (row.length != d) throw new IllegalArgumentException("FrechetDistance.fit: rows have " + d + " and " + row.length + " features");
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double di = row[i] - mean[i];
                for (int j = i; j < d; j++) cov[i][j] += di * (row[j] - mean[j]);
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                cov[i][j] /= n - 1;
                cov[j][i] = cov[i][j];
            }
        }
        return new Gaussian(mean, cov, n);
    }

    /** The squared Fréchet distance {@code d^2} between two fitted Gaussians (the number FID reports). */
    public static double distance(Gaussian a, Gaussian b) {
        int d = a.mean().length;
        if (b.mean().length != d) throw new IllegalArgumentException("FrechetDistance: " + d + " vs " + b.mean().length + " features");
        double meanTerm = 0;
        for (int i = 0; i < d; i++) meanTerm += (a.mean()[i] - b.mean()[i]) * (a.mean()[i] - b.mean()[i]);
        DMatrixRMaj s1 = new DMatrixRMaj(a.cov()), s2 = new DMatrixRMaj(b.cov());
        DMatrixRMaj root1 = symmetricSqrt(s1);
        DMatrixRMaj tmp = new DMatrixRMaj(d, d), m = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(root1, s2, tmp);
        CommonOps_DDRM.mult(tmp, root1, m);
        symmetrize(m);
        double traceSqrt = 0;
        for (double lambda : symmetricEigenvalues(m)) traceSqrt += Math.sqrt(Math.max(0, lambda));
        return meanTerm + CommonOps_DDRM.trace(s1) + CommonOps_DDRM.trace(s2) - 2 * traceSqrt;
    }

    /** {@code d^2} between the Gaussians of two feature sets. */
    public static double distance(double[][] a, double[][] b) {
        return distance(fit(a), fit(b));
    }

    /** {@code V diag(sqrt(max(lambda, 0))) V^T} of a symmetric matrix. */
    static DMatrixRMaj symmetricSqrt(DMatrixRMaj s) {
        int d = s.numRows;
        DMatrixRMaj sym = s.copy();
        symmetrize(sym);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(sym)) throw new IllegalStateException("FrechetDistance: eigendecomposition failed (non-finite covariance?)");
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int k = 0; k < d; k++) {
            double root = Math.sqrt(Math.max(0, eig.getEigenvalue(k).getReal()));
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) out.add(i, j, root * v.get(i) * v.get(j));
            }
        }
        return out;
    }

    static double[] symmetricEigenvalues(DMatrixRMaj s) {
        int d = s.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        if (!eig.decompose(s.copy())) throw new IllegalStateException("FrechetDistance: eigendecomposition failed (non-finite covariance?)");
        double[] out = new double[d];
        for (int k = 0; k < d; k++) out[k] = eig.getEigenvalue(k).getReal();
        Arrays.sort(out);
        return out;
    }

    /** {@code (m + m^T) / 2} in place: removes the rounding asymmetry of a product that is symmetric in exact arithmetic. */
    private static void symmetrize(DMatrixRMaj m) {
        for (int i = 0; i < m.numRows; i++) {
            for (int j = i + 1; j < m.numCols; j++) {
                double v = 0.5 * (m.get(i, j) + m.get(j, i));
                m.set(i, j, v);
                m.set(j, i, v);
            }
        }
    }
}
