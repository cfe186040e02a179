package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §2.6.6 (dropout): keep rates, the two certain cases, full batches, determinism and resume. */
class QualityDropoutTest {
    /**
     * The empirical keep rate of a sample is max(m, v): a binomial test, {@code |k - n p| < 4.5 sqrt(n p (1 - p))}
     * (two-sided level below 1e-5), for every sample of a small data set offered {@code n} times each.
     */
    @ParameterizedTest
    @CsvSource({"0.9, 0.1", "0.1, 0.9", "0.8, 0.8", "0.1, 0.1", "0.3, 0.55", "0.02, 0.0"})
    void keepRateIsMaxOfTheScores(double m, double v) {
        double p = Math.max(m, v);
        QualityDropout dropout = QualityDropout.of(new double[] {m, 1.0}, new double[] {v, 0.0}, Rng.seed(17));
        int n = 40_000, kept = 0;
        for (int pos = 0; pos < n; pos++) if (dropout.keeps(pos, 0)) kept++;
        double sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(kept - n * p) < 4.5 * sd, "kept " + kept + " of " + n + ", expected " + n * p + " +- " + sd);
    }

    @Test
    void zeroIsNeverKeptAndOneAlways() {
        QualityDropout dropout = QualityDropout.of(new double[] {0, 1, 0.4}, new double[] {0, 0.2, 1}, Rng.seed(3));
        for (int pos = 0; pos < 20_000; pos++) {
            assertTrue(!dropout.keeps(pos, 0), "m = v = 0 kept at position " + pos);
            assertTrue(dropout.keeps(pos, 1) && dropout.keeps(pos, 2), "max(m, v) = 1 dropped at position " + pos);
        }
    }

    /**
     * Rejection keeps batches full, and the kept samples are distributed as {@code p_i / sum p} over a uniform
     * candidate stream: a chi-square test on 4 samples (3 degrees of freedom, 0.999 quantile 16.27).
     */
    @Test
    void batchesStayFullAndFollowTheKeepWeights() {
        double[] m = {0.0, 0.2, 0.5, 0.9, 0.0}, v = {0.1, 0.2, 0.0, 0.3, 0.0};
        QualityDropout dropout = QualityDropout.of(m, v, Rng.seed(5));
        Rng candidates = Rng.seed(6);
        long[] stream = candidates.randint(0, m.length, 400_000).longs();
        QualityDropout.Cursor cursor = dropout.filter(p -> stream[(int) p], 0);
        int[] count = new int[m.length];
        int batches = 2000, size = 16;
        for (int b = 0; b < batches; b++) {
            long[] batch = cursor.next(size);
            assertEquals(size, batch.length);
            for (long i : batch) count[(int) i]++;
        }
        assertEquals(0, count[4], "m = v = 0 appeared");
        double[] p = QualityDropout.keepProbabilities(m, v);
        double total = p[0] + p[1] + p[2] + p[3], chi2 = 0;
        for (int i = 0; i < 4; i++) {
            double e = batches * size * p[i] / total;
            chi2 += (count[i] - e) * (count[i] - e) / e;
        }
        assertTrue(chi2 < 16.27, "chi2 = " + chi2 + " counts " + java.util.Arrays.toString(count));
        assertEquals(cursor.position(), batches * size + cursor.rejected());
    }

    /** Decisions are a function of (position, candidate): a cursor restarted at a saved position continues exactly. */
    @Test
    void resumingAtASavedPositionGivesTheSameStream() {
        double[] m = {0.3, 0.7, 0.1, 0.5}, v = {0.2, 0.1, 0.6, 0.5};
        QualityDropout dropout = QualityDropout.of(m, v, Rng.seed(9));
        QualityDropout.Cursor a = dropout.filter(p -> p % 4, 0);
        long[] first = a.next(10);
        long saved = a.position();
        long[] rest = a.next(50);
        QualityDropout.Cursor b = QualityDropout.of(m, v, Rng.seed(9)).filter(p -> p % 4, saved);
        assertArrayEquals(rest, b.next(50));
        QualityDropout.Cursor again = QualityDropout.of(m, v, Rng.seed(9)).filter(p -> p % 4, 0);
        assertArrayEquals(first, again.next(10));
        QualityDropout.Cursor other = QualityDropout.of(m, v, Rng.seed(10)).filter(p -> p % 4, 0);
        assertTrue(!java.util.Arrays.equals(first, other.next(10)), "another seed, other decisions");
    }

    /** The loss-weight variant (KREA): w_i = max(m_i, v_i) / mean, so the weights average to 1. */
    @Test
    void lossWeightsAverageToOne() {
        double[] w = QualityDropout.lossWeights(new double[] {0.9, 0.1, 0.1, 0.0}, new double[] {0.1, 0.9, 0.1, 0.0});
        // max = 0.9, 0.9, 0.1, 0 -> mean 0.475
        assertArrayEquals(new double[] {0.9 / 0.475, 0.9 / 0.475, 0.1 / 0.475, 0}, w, 1e-12);
        assertArrayEquals(new double[] {0, 0}, QualityDropout.lossWeights(new double[] {0, 0}, new double[] {0, 0}), 0);
    }

    @Test
    void misuseIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QualityDropout.of(new double[] {0, 0}, new double[] {0, 0}, Rng.seed(1)));
        assertTrue(e.getMessage().contains("keep probability 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QualityDropout.of(new double[] {0.5}, new double[] {1.5}, Rng.seed(1)));
        QualityDropout d = QualityDropout.of(new double[] {0, 1}, new double[] {0, 0}, Rng.seed(1));
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> d.filter(p -> 0, 0).next());
        assertTrue(s.getMessage().contains("in a row"), s.getMessage());
    }
}
