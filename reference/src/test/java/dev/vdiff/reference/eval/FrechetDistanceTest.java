package dev.vdiff.reference.eval;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.random.Rng;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Fréchet distance against closed forms and against a second route through the non-symmetric product. */
class FrechetDistanceTest {
    static final double RTOL = 1e-9, ATOL = 1e-10;

    static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, ATOL + RTOL * Math.abs(expected), what);
    }

    @Test
    void oneDimensionIsMeanAndStdDifferences() {
        // Gaussians N(1, 4) and N(-2, 9): d^2 = (1 - -2)^2 + (2 - 3)^2 = 10.
        var a = new FrechetDistance.Gaussian(new double[] {1}, new double[][] {{4}}, 10);
        var b = new FrechetDistance.Gaussian(new double[] {-2}, new double[][] {{9}}, 10);
        close(10.0, FrechetDistance.distance(a, b), "1-D");
    }

    @Test
    void diagonalCovariancesSumPerAxis() {
        // diag(1, 4, 0.25) vs diag(9, 1, 1), means differ by (1, 0, 2): 5 + (1-3)^2 + (2-1)^2 + (0.5-1)^2 = 10.25.
        var a = new FrechetDistance.Gaussian(new double[] {0, 0, 0}, new double[][] {{1, 0, 0}, {0, 4, 0}, {0, 0, 0.25}}, 10);
        var b = new FrechetDistance.Gaussian(new double[] {1, 0, 2}, new double[][] {{9, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 10);
        close(10.25, FrechetDistance.distance(a, b), "diagonal");
    }

    @Test
    void fitIsNumpyMeanAndUnbiasedCovariance() {
        // Rows (1, 2), (3, 0), (5, 4): means (3, 2); cov = [[4, 2], [2, 4]] (hand-computed, divisor N-1 = 2).
        var g = FrechetDistance.fit(new double[][] {{1, 2}, {3, 0}, {5, 4}});
        close(3, g.mean()[0], "mean x");
        close(2, g.mean()[1], "mean y");
        close(4, g.cov()[0][0], "var x");
        close(2, g.cov()[0][1], "cov xy");
        close(4, g.cov()[1][1], "var y");
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.fit(new double[][] {{1}}));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void symmetricRouteEqualsNonSymmetricEigenvalues(long seed) {
        // tr sqrt(S1 S2) = sum sqrt(eig(S1 S2)): eigenvalues of the (non-symmetric) product, general EVD.
        int d = 6;
        Rng r = Rng.seed(seed);
        double[][] s1 = randomSpd(d, r), s2 = randomSpd(d, r);
        double[] m1 = r.normal(DType.FLOAT64, d).doubles(), m2 = r.normal(DType.FLOAT64, d).doubles();
        DMatrixRMaj p = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(new DMatrixRMaj(s1), new DMatrixRMaj(s2), p);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, false);
        eig.decompose(p);
        double trSqrt = 0;
        for (int k = 0; k < d; k++) trSqrt += Math.sqrt(Math.max(0, eig.getEigenvalue(k).getReal()));
        double meanTerm = 0;
        for (int i = 0; i < d; i++) meanTerm += (m1[i] - m2[i]) * (m1[i] - m2[i]);
        double expected = meanTerm + trace(s1) + trace(s2) - 2 * trSqrt;
        double actual = FrechetDistance.distance(new FrechetDistance.Gaussian(m1, s1, 10), new FrechetDistance.Gaussian(m2, s2, 10));
        assertEquals(expected, actual, 1e-8 * (1 + Math.abs(expected)), "seed " + seed);
    }

    @Test
    void squareRootSquaresBack() {
        double[][] s = randomSpd(5, Rng.seed(9));
        DMatrixRMaj root = FrechetDistance.symmetricSqrt(new DMatrixRMaj(s)), sq = new DMatrixRMaj(5, 5);
        CommonOps_DDRM.mult(root, root, sq);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) assertEquals(s[i][j], sq.get(i, j), 1e-9 + 1e-9 * Math.abs(s[i][j]), "S^(1/2) S^(1/2) at " + i + "," + j);
    }

    @Test
    void identicalSetsAreZeroAndShiftedSetsAreTheShift() {
        double[][] x = new double[50][];
        Rng r = Rng.seed(4);
        for (int i = 0; i < x.length; i++) x[i] = r.normal(DType.FLOAT64, 4).doubles();
        assertEquals(0, FrechetDistance.distance(x, x), 1e-9);
        double[][] shifted = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            shifted[i] = x[i].clone();
            shifted[i][2] += 3;
        }
        assertEquals(9, FrechetDistance.distance(x, shifted), 1e-9);
    }

    static double[][] randomSpd(int d, Rng r) {
        double[] a = r.normal(DType.FLOAT64, d * d).doubles();
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int k = 0; k < d; k++) v += a[i * d + k] * a[j * d + k];
                s[i][j] = v + (i == j ? 0.1 : 0);
            }
        }
        return s;
    }

    static double trace(double[][] s) {
        double t = 0;
        for (int i = 0; i < s.length; i++) t += s[i][i];
        return t;
    }
}
