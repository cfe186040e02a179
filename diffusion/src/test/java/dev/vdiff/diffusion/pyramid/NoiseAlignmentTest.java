package dev.vdiff.diffusion.pyramid;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-noise alignment, SPEC §5.8 item 6: permutation, optimality, no-op cases, brute force on small batches. */
class NoiseAlignmentTest {
    /** Clean samples with distinct offsets, so that the optimal assignment is far from the identity. */
    private static Tensor data(long seed, int batch, int... rest) {
        int[] shape = new int[rest.length + 1];
        shape[0] = batch;
        System.arraycopy(rest, 0, shape, 1, rest.length);
        Tensor x = Rng.seed(seed).normal(DType.FLOAT64, shape);
        double[] v = x.doubles();
        int n = v.length / batch;
        for (int b = 0; b < batch; b++) for (int i = 0; i < n; i++) v[b * n + i] = 0.5 * v[b * n + i] + 0.3 * (b - batch / 2.0);
        return x;
    }

    private static double[] row(Tensor x, int b) {
        int n = x.numel() / x.shape(0);
        return Arrays.copyOfRange(x.contiguous().toDoubleArray(), b * n, (b + 1) * n);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 8, 16})
    void alignedNoiseIsAPermutationOfTheDraws(int batch) {
        Tensor x = data(batch, batch, 2, 3, 4);
        Tensor eps = Rng.seed(100 + batch).normal(DType.FLOAT64, batch, 2, 3, 4);
        Tensor aligned = NoiseAlignment.align(x, eps, NoiseAlignment.Mode.LINEAR_ASSIGNMENT);
        // Multiset equality of the rows: each aligned row is exactly one input row, each input row used once.
        boolean[] used = new boolean[batch];
        for (int i = 0; i < batch; i++) {
            double[] r = row(aligned, i);
            int match = -1;
            for (int j = 0; j < batch; j++) if (!used[j] && Arrays.equals(r, row(eps, j))) match = j;
            assertTrue(match >= 0, "aligned row " + i + " is not an unused input noise row");
            used[match] = true;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 32})
    void totalCostIsAtMostTheIdentitysCost(int batch) {
        Tensor x = data(7 * batch, batch, 16);
        Tensor eps = Rng.seed(9 + batch).normal(DType.FLOAT32, batch, 16).to(DType.FLOAT64);
        double[][] cost = NoiseAlignment.costMatrix(x, eps);
        int[] pi = NoiseAlignment.assignment(cost);
        int[] identity = new int[batch];
        for (int i = 0; i < batch; i++) identity[i] = i;
        double best = NoiseAlignment.totalCost(cost, pi), id = NoiseAlignment.totalCost(cost, identity);
        assertTrue(best <= id + 1e-9 * id, "assignment cost " + best + " > identity cost " + id);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7})
    void matchesBruteForceOnSmallBatches(int batch) {
        for (long seed = 0; seed < 5; seed++) {
            Tensor x = data(seed * 31 + batch, batch, 6);
            Tensor eps = Rng.seed(seed * 17 + batch).normal(DType.FLOAT64, batch, 6);
            double[][] cost = NoiseAlignment.costMatrix(x, eps);
            double best = bruteForce(cost, new int[batch], new boolean[batch], 0, 0);
            double got = NoiseAlignment.totalCost(cost, NoiseAlignment.assignment(cost));
            assertEquals(best, got, 1e-9 * (1 + best), "batch " + batch + " seed " + seed);
        }
    }

    /** The minimum of sum_i cost[i][pi(i)] over all permutations, by enumeration. */
    private static double bruteForce(double[][] cost, int[] pi, boolean[] used, int i, double sum) {
        if (i == cost.length) return sum;
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < cost.length; j++) {
            if (used[j]) continue;
            used[j] = true;
            pi[i] = j;
            best = Math.min(best, bruteForce(cost, pi, used, i + 1, sum + cost[i][j]));
            used[j] = false;
        }
        return best;
    }

    @Test
    void knownAssignment() {
        // Samples at 0, 10, 20 and noises at 19, 1, 11 (1-d): the distances force pi = [1, 2, 0].
        Tensor x = Tensor.of(new double[] {0, 10, 20}, 3, 1);
        Tensor eps = Tensor.of(new double[] {19, 1, 11}, 3, 1);
        assertArrayEquals(new int[] {1, 2, 0}, NoiseAlignment.assignment(NoiseAlignment.costMatrix(x, eps)));
        Tensor aligned = NoiseAlignment.align(x, eps, NoiseAlignment.Mode.LINEAR_ASSIGNMENT);
        assertArrayEquals(new double[] {1, 11, 19}, aligned.toDoubleArray());
    }

    @Test
    void costIsTheL2Distance() {
        Tensor x = Tensor.of(new double[] {0, 0, 1, 1}, 2, 2);
        Tensor eps = Tensor.of(new double[] {3, 4, 1, 1}, 2, 2);
        double[][] c = NoiseAlignment.costMatrix(x, eps);
        assertEquals(5, c[0][0], 1e-15);
        assertEquals(Math.sqrt(2), c[0][1], 1e-15);
        assertEquals(Math.sqrt(4 + 9), c[1][0], 1e-15);
        assertEquals(0, c[1][1], 0);
    }

    @Test
    void batchOfOneAndOffAreNoOps() {
        Tensor x = data(1, 1, 4);
        Tensor eps = Rng.seed(2).normal(DType.FLOAT64, 1, 4);
        assertSame(eps, NoiseAlignment.align(x, eps, NoiseAlignment.Mode.LINEAR_ASSIGNMENT));
        Tensor x4 = data(1, 4, 4), eps4 = Rng.seed(2).normal(DType.FLOAT64, 4, 4);
        assertSame(eps4, NoiseAlignment.align(x4, eps4, NoiseAlignment.Mode.OFF));
    }

    @Test
    void float32NoiseKeepsItsDtype() {
        Tensor x = data(3, 4, 8).to(DType.FLOAT32);
        Tensor eps = Rng.seed(4).normal(DType.FLOAT32, 4, 8);
        Tensor aligned = NoiseAlignment.align(x, eps, NoiseAlignment.Mode.LINEAR_ASSIGNMENT);
        assertEquals(DType.FLOAT32, aligned.dtype());
        assertArrayEquals(eps.shape(), aligned.shape());
    }

    @Test
    void mismatchedShapesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NoiseAlignment.align(Tensor.zeros(DType.FLOAT64, 2, 3), Tensor.zeros(DType.FLOAT64, 2, 4), NoiseAlignment.Mode.LINEAR_ASSIGNMENT));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NoiseAlignment.assignment(new double[][] {{1, 2}, {3}}));
    }
}
