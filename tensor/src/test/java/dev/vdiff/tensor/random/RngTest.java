package dev.vdiff.tensor.random;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RngTest {
    private static final int N = 20_000;

    // ---------------------------------------------------------------- layout and determinism

    @Test
    void float32UniformElementIsTopBitsOfItsPhiloxWord() {
        // Contract: element 4b+j of the first float32 fill of Rng.seed(s) is word j of
        // Philox(counter = (b, 0, 0, 0), key = (low, high word of s)), top 24 bits, times 2^-24.
        long seed = 0x0123456789ABCDEFL;
        float[] u = Rng.seed(seed).uniform(DType.FLOAT32, 10).floats();
        int[] w = new int[4];
        for (int i = 0; i < 10; i++) {
            Philox4x32.block(i / 4, 0, 0, 0, (int) seed, (int) (seed >>> 32), w, 0);
            float expected = (w[i % 4] >>> 8) / 16777216f;
            assertEquals(expected, u[i], 0f, "element " + i);
        }
    }

    @Test
    void scalarDrawsTakeOneBlockEach() {
        long seed = 7;
        Rng rng = Rng.seed(seed);
        int[] w = new int[4];
        for (int b = 0; b < 3; b++) {
            Philox4x32.block(b, 0, 0, 0, 7, 0, w, 0);
            long expected = ((long) w[0] << 32) | (w[1] & 0xFFFFFFFFL);
            assertEquals(expected, rng.nextLong(), "block " + b);
        }
        assertEquals(3, rng.state().counter());
    }

    @Test
    void sameSeedSameBitsAndConsecutiveFillsContinueTheStream() {
        float[] a = Rng.seed(11).uniform(DType.FLOAT32, 16).floats();
        Rng r = Rng.seed(11);
        float[] first = r.uniform(DType.FLOAT32, 8).floats();
        float[] second = r.uniform(DType.FLOAT32, 8).floats();
        assertArrayEquals(Arrays.copyOfRange(a, 0, 8), first);
        assertArrayEquals(Arrays.copyOfRange(a, 8, 16), second);
        assertFalse(Arrays.equals(Rng.seed(12).uniform(DType.FLOAT32, 16).floats(), a));
    }

    @Test
    void aFillIsAPrefixOfALongerFill() {
        double[] small = Rng.seed(3).normal(DType.FLOAT64, 5).doubles();
        double[] big = Rng.seed(3).normal(DType.FLOAT64, 2, 50).doubles();
        assertArrayEquals(small, Arrays.copyOfRange(big, 0, 5));
    }

    @Test
    void bitsDoNotDependOnTheThreadCount() {
        int n = 1 << 18;   // 64K blocks of float32: many parallel chunks
        {
            Object[] one = Parallel.withThreads(1, () -> drawAll(n));
            Object[] two = Parallel.withThreads(2, () -> drawAll(n));
            assertArrayEquals((float[]) one[0], (float[]) two[0]);
            assertArrayEquals((double[]) one[1], (double[]) two[1]);
            assertArrayEquals((float[]) one[2], (float[]) two[2]);
            assertArrayEquals((double[]) one[3], (double[]) two[3]);
            assertArrayEquals((long[]) one[4], (long[]) two[4]);
            assertArrayEquals((long[]) one[5], (long[]) two[5]);
        }
    }

    private static Object[] drawAll(int n) {
        Rng r = Rng.seed(2024).split(5);
        return new Object[] {
            r.uniform(DType.FLOAT32, n).floats(), r.uniform(DType.FLOAT64, n).doubles(),
            r.normal(DType.FLOAT32, n).floats(), r.normal(DType.FLOAT64, n).doubles(),
            r.randint(-5, 1000, n).longs(), r.permutation(n).longs()};
    }

    // ---------------------------------------------------------------- streams and state

    @Test
    void splitIsAPureFunctionOfKeyStreamAndId() {
        Rng a = Rng.seed(5);
        Rng b = Rng.seed(5);
        b.uniform(DType.FLOAT64, 100);   // b has drawn, a has not
        assertArrayEquals(a.split(3).uniform(DType.FLOAT64, 8).doubles(), b.split(3).uniform(DType.FLOAT64, 8).doubles());
        assertEquals(0, a.state().counter(), "split does not advance the parent");
        double[] s3 = a.split(3).uniform(DType.FLOAT64, 8).doubles();
        assertFalse(Arrays.equals(s3, a.split(4).uniform(DType.FLOAT64, 8).doubles()));
        assertFalse(Arrays.equals(s3, a.uniform(DType.FLOAT64, 8).doubles()), "child differs from parent");
        assertFalse(Arrays.equals(a.split(3).split(4).uniform(DType.FLOAT64, 8).doubles(), a.split(4).uniform(DType.FLOAT64, 8).doubles()));
        assertFalse(Arrays.equals(s3, Rng.seed(6).split(3).uniform(DType.FLOAT64, 8).doubles()), "child depends on the key");
    }

    @Test
    void forksAreDeterministicAndDistinct() {
        Rng p = Rng.seed(9), q = Rng.seed(9);
        double[] p1 = p.fork().uniform(DType.FLOAT64, 6).doubles();
        double[] p2 = p.fork().uniform(DType.FLOAT64, 6).doubles();
        assertArrayEquals(p1, q.fork().uniform(DType.FLOAT64, 6).doubles());
        assertArrayEquals(p2, q.fork().uniform(DType.FLOAT64, 6).doubles());
        assertFalse(Arrays.equals(p1, p2));
        assertFalse(Arrays.equals(p1, Rng.seed(9).split(0).uniform(DType.FLOAT64, 6).doubles()), "fork 0 is not split 0");
    }

    @Test
    void splitStreamsAreUncorrelated() {
        Rng root = Rng.seed(77);
        double[] x = root.split(0).uniform(DType.FLOAT64, N).doubles();
        double[] y = root.split(1).uniform(DType.FLOAT64, N).doubles();
        double mx = mean(x), my = mean(y), sxy = 0;
        for (int i = 0; i < N; i++) sxy += (x[i] - mx) * (y[i] - my);
        double corr = sxy / N / Math.sqrt(variance(x) * variance(y));
        assertTrue(Math.abs(corr) < 4 / Math.sqrt(N), "correlation " + corr);
    }

    @Test
    void restoringAStateReplaysTheSameDraws() {
        Rng r = Rng.seed(123).split(8);
        r.normal(DType.FLOAT32, 7);
        r.nextLong();
        Rng.State s = r.state();
        float[] next = r.normal(DType.FLOAT32, 9).floats();
        long after = r.nextLong();
        Rng again = Rng.restore(Rng.State.fromTensor(s.toTensor()));
        assertArrayEquals(next, again.normal(DType.FLOAT32, 9).floats());
        assertEquals(after, again.nextLong());
        assertEquals(r.state(), again.state());
        assertEquals(s, Rng.State.fromLongs(s.toLongs()));
    }

    // ---------------------------------------------------------------- distributions

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void uniformHasUniformMomentsAndPassesKolmogorovSmirnov(DType dt) {
        double[] u = Rng.seed(31).uniform(dt, N).toDoubleArray();
        for (double v : u) assertTrue(v >= 0 && v < 1, "value " + v);
        assertEquals(0.5, mean(u), 4 * Math.sqrt(1.0 / 12 / N));
        assertEquals(1.0 / 12, variance(u), 4 * Math.sqrt(1.0 / 180 / N));   // Var(s^2) ~ (mu4 - sigma^4)/n
        assertKs(u, x -> Math.min(1, Math.max(0, x)));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void normalHasStandardMomentsAndPassesKolmogorovSmirnov(DType dt) {
        double[] z = Rng.seed(32).normal(dt, N).toDoubleArray();
        for (double v : z) assertTrue(Double.isFinite(v) && Math.abs(v) < 8, "value " + v);
        assertEquals(0, mean(z), 4 / Math.sqrt(N));
        assertEquals(1, variance(z), 4 * Math.sqrt(2.0 / N));
        NormalDistribution phi = NormalDistribution.of(0, 1);
        assertKs(z, phi::cumulativeProbability);
    }

    @Test
    void scaledDistributionsHaveTheirParameters() {
        double[] u = Rng.seed(33).uniform(-3, 5, DType.FLOAT64, N).doubles();
        for (double v : u) assertTrue(v >= -3 && v < 5);
        assertEquals(1, mean(u), 4 * 8 * Math.sqrt(1.0 / 12 / N));
        double[] z = Rng.seed(34).normal(2, 0.5, DType.FLOAT32, N).toDoubleArray();
        assertEquals(2, mean(z), 4 * 0.5 / Math.sqrt(N));
        assertEquals(0.25, variance(z), 4 * 0.25 * Math.sqrt(2.0 / N));
    }

    @Test
    void randintCoversItsRangeEvenly() {
        long[] v = Rng.seed(35).randint(-3, 7, N).longs();
        int[] counts = new int[10];
        for (long x : v) {
            assertTrue(x >= -3 && x < 7, "value " + x);
            counts[(int) (x + 3)]++;
        }
        double e = N / 10.0, chi2 = 0;
        for (int c : counts) chi2 += (c - e) * (c - e) / e;
        assertTrue(chi2 < 27.88, "chi-square " + chi2 + " (9 dof, p = 0.001 critical 27.88)");   // table value
        long[] wide = Rng.seed(36).randint(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, 1000).longs();
        long neg = Arrays.stream(wide).filter(x -> x < 0).count();
        assertTrue(neg > 400 && neg < 600, "negatives " + neg);
    }

    @Test
    void permutationIsAPermutationAndUnbiasedInPosition() {
        long[] p = Rng.seed(37).permutation(1000).longs();
        long[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) assertEquals(i, sorted[i]);
        assertArrayEquals(p, Rng.seed(37).permutation(1000).longs());
        // Where element 0 lands over many permutations of 6: each slot with probability 1/6.
        int trials = 6000;
        int[] where = new int[6];
        Rng r = Rng.seed(38);
        for (int t = 0; t < trials; t++) {
            long[] q = r.permutation(6).longs();
            for (int i = 0; i < 6; i++) if (q[i] == 0) where[i]++;
        }
        double sd = Math.sqrt(trials * (1.0 / 6) * (5.0 / 6));
        for (int c : where) assertEquals(trials / 6.0, c, 5 * sd, Arrays.toString(where));
        assertEquals(0, Rng.seed(1).permutation(0).numel());
        assertArrayEquals(new long[] {0}, Rng.seed(1).permutation(1).longs());
    }

    @Test
    void scalarDrawsAreInRange() {
        Rng r = Rng.seed(39);
        double s = 0;
        for (int i = 0; i < N; i++) {
            double d = r.nextDouble();
            assertTrue(d >= 0 && d < 1);
            s += d;
            int k = r.nextInt(3);
            assertTrue(k >= 0 && k < 3);
        }
        assertEquals(0.5, s / N, 4 * Math.sqrt(1.0 / 12 / N));
    }

    @Test
    void badArgumentsGiveOneLineMessages() {
        Rng r = Rng.seed(0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> r.uniform(1, 1, DType.FLOAT32, 3)).getMessage().contains("lo < hi"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> r.normal(DType.INT64, 3)).getMessage().contains("int64"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> r.randint(4, 4, 3)).getMessage().contains("randint"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> r.normal(0, -1, DType.FLOAT64, 3)).getMessage().contains("std"));
        assertThrows(IllegalArgumentException.class, () -> Rng.State.fromLongs(new long[2]));
        assertNotEquals(Rng.seed(0).state(), Rng.seed(1).state());
    }

    // ---------------------------------------------------------------- helpers

    /** One-sample Kolmogorov–Smirnov at level 0.001: D must stay below 1.9495 / sqrt(n) (asymptotic). */
    private static void assertKs(double[] sample, DoubleUnaryOperator cdf) {
        double[] x = sample.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        double critical = 1.9495 / Math.sqrt(n);
        assertTrue(d < critical, "KS statistic " + d + " >= critical " + critical);
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    private static double variance(double[] x) {
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return s / x.length;
    }
}
