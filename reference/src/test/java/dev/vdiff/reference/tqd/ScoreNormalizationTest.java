package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §2.1 normalisations: range, monotonicity, invariances and hand-computed values. */
class ScoreNormalizationTest {
    private static double[] raw(long seed, int n) {
        Rng r = Rng.seed(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = 2.2 + 0.4 * Math.tan(Math.PI * (r.nextDouble() - 0.5)) * 0.3;   // heavy tails
        return x;
    }

    /** Both map into [0, 1], keep the order of the raw scores, and are unchanged by a positive affine map of them. */
    @ParameterizedTest
    @EnumSource(ScoreNormalization.class)
    void inUnitIntervalMonotoneAndAffineInvariant(ScoreNormalization kind) {
        double[] x = raw(1, 500);
        double[] q = kind.fit(x).apply(x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = 3.5 * x[i] - 7;
        assertArrayEquals(q, kind.fit(y).apply(y), 1e-12);
        for (int i = 0; i < x.length; i++) {
            assertTrue(q[i] >= 0 && q[i] <= 1, "q = " + q[i]);
            for (int j = 0; j < x.length; j += 7) if (x[i] < x[j]) assertTrue(q[i] <= q[j], "order at " + i + ", " + j);
        }
        double min = Arrays.stream(q).min().orElseThrow(), max = Arrays.stream(q).max().orElseThrow();
        assertEquals(0, min, 0);
        assertEquals(1, max, 0);
    }

    /** Percentiles as NumPy's linear method: for 0..100, P1 = 1 and P99 = 99, so q = (x - 1) / 98, clipped. */
    @Test
    void percentileMinMaxByHand() {
        double[] x = new double[101];
        for (int i = 0; i <= 100; i++) x[i] = i;
        assertEquals(1.0, ScoreNormalization.percentile(x, 1), 1e-12);
        assertEquals(99.0, ScoreNormalization.percentile(x, 99), 1e-12);
        assertEquals(2.5, ScoreNormalization.percentile(new double[] {1, 2, 3, 4}, 50), 1e-12);   // numpy.percentile([1,2,3,4], 50)
        ScoreNormalization.Normalizer n = ScoreNormalization.PERCENTILE.fit(x);
        assertEquals(0, n.apply(0), 0);
        assertEquals(0, n.apply(1), 1e-15);
        assertEquals(49.0 / 98, n.apply(50), 1e-15);
        assertEquals(1, n.apply(100), 0);
        // An outlier does not squash the others: only the top 1% clips.
        x[100] = 1e6;
        assertEquals(49.0 / (ScoreNormalization.percentile(sorted(x), 99) - 1), ScoreNormalization.PERCENTILE.fit(x).apply(50), 1e-12);
        assertTrue(ScoreNormalization.PERCENTILE.fit(x).apply(50) > 0.45);
    }

    /** Ranks: (average rank - 1) / (n - 1); ties share; a new value between two gets the half rank. */
    @Test
    void rankByHand() {
        double[] x = {10, 30, 20, 20, 40};
        // sorted 10, 20, 20, 30, 40: ranks 1, 2.5, 2.5, 4, 5 -> (r - 1) / 4
        assertArrayEquals(new double[] {0, 0.75, 0.375, 0.375, 1}, ScoreNormalization.RANK.fit(x).apply(x), 1e-15);
        assertEquals((3.5 - 1) / 4, ScoreNormalization.RANK.fit(x).apply(25), 1e-15);   // 3 below, none equal: rank 3 + 1/2
        assertEquals(0, ScoreNormalization.RANK.fit(x).apply(-5), 0);
    }

    /** Rank normalisation of a continuous sample is uniform: its values are exactly i / (n - 1). */
    @Test
    void rankIsUniform() {
        double[] x = raw(2, 201);
        double[] q = ScoreNormalization.RANK.fit(x).apply(x);
        Arrays.sort(q);
        for (int i = 0; i < q.length; i++) assertEquals(i / 200.0, q[i], 1e-15);
    }

    @ParameterizedTest
    @EnumSource(ScoreNormalization.class)
    void constantScoresGiveOneHalf(ScoreNormalization kind) {
        assertArrayEquals(new double[] {0.5, 0.5}, kind.fit(new double[] {3, 3}).apply(new double[] {3, 3}), 0);
        assertEquals(0.5, kind.fit(new double[] {7}).apply(7), 0);
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ScoreNormalization.RANK.fit(new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreNormalization.PERCENTILE.fit(new double[] {1, Double.NaN}));
        assertTrue(e.getMessage().contains("score 1"), e.getMessage());
        assertEquals(ScoreNormalization.RANK, ScoreNormalization.parse("Rank"));
        assertThrows(IllegalArgumentException.class, () -> ScoreNormalization.parse("zscore"));
    }

    private static double[] sorted(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s;
    }
}
