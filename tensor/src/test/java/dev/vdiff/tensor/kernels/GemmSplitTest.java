package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.parallel.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The large-product paths of {@link Gemm}: B packed once and shared with M split into equal tiles
 * ({@link SharedSplit}), the partial-width tiles written in place, the first k-block stored without reading C.
 * Seeded random shapes with ragged edges (M, N not multiples of the 8 x 48 tile, K not a multiple of the
 * k-block), random transposes, 1 or 2 batches, overwriting (C filled with NaN first) or accumulating. Each result
 * is compared with an independent float64 sum and, bit for bit, with {@link Direct} (the plain loop that states
 * the numerics) and with itself on 1, 2 and 3 threads.
 */
class GemmSplitTest {
    static Stream<Arguments> shapes() {
        SplittableRandom rnd = new SplittableRandom(2026_12_08);
        Stream.Builder<Arguments> s = Stream.builder();
        for (int i = 0; i < 14; i++) {
            int m = 256 + rnd.nextInt(300), n = 1 + rnd.nextInt(300), k = 1 + rnd.nextInt(420);
            if (i == 0) { m = 512; n = 512; k = 300; }   // the benchmark's squares: 10 x 48 + 32 columns
            if (i == 1) { m = 200; n = 16 * 7; k = 128; }   // 2 x 48 + 16: a one-vector partial panel, one k-block
            if (i == 2) { m = 259; n = 49; k = 129; }   // ragged everywhere, two k-blocks of which one is a single k
            if ((long) m * n * k <= Gemm.DIRECT_MAX) k = (int) (Gemm.DIRECT_MAX / ((long) m * n)) + 1;   // not the unpacked loop
            s.add(Arguments.of(m, n, k, rnd.nextBoolean(), rnd.nextBoolean(), 1 + rnd.nextInt(2), rnd.nextBoolean(), rnd.nextLong()));
        }
        return s.build();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4} batches={5} accumulate={6}")
    @MethodSource("shapes")
    void sharedSplitMatchesFloat64AndTheDirectLoopOnEveryThreadCount(int m, int n, int k, boolean ta, boolean tb, int batches, boolean accumulate, long seed) {
        assertTrue(SharedSplit.applies(2, batches, (m + 7) / 8, false, 0), "the shape takes the shared path on 2 threads");
        SplittableRandom rnd = new SplittableRandom(seed);
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 3, ldc = n + 2;
        int aSize = (ta ? k : m) * lda, bSize = (tb ? n : k) * ldb, cSize = m * ldc;
        float[] a = GemmTest.randomF(rnd, batches * aSize), b = GemmTest.randomF(rnd, batches * bSize);
        float[] c0 = GemmTest.randomF(rnd, batches * cSize);
        if (!accumulate) Arrays.fill(c0, Float.NaN);   // overwritten, never read
        int[] aBatch = new int[batches], bBatch = new int[batches];
        for (int t = 0; t < batches; t++) {
            aBatch[t] = t * aSize;
            bBatch[t] = t * bSize;
        }
        int aK = ta ? lda : 1, aM = ta ? 1 : lda, bK = tb ? 1 : ldb, bN = tb ? ldb : 1;

        float[][] got = new float[3][];
        for (int threads = 1; threads <= 3; threads++) {
            float[] c = c0.clone();
            Parallel.withThreads(threads, () -> {
                Gemm.sgemmBatched(batches, m, n, k, a, 0, aBatch, aK, aM, b, 0, bBatch, bK, bN, c, 0, cSize, ldc, accumulate);
                return null;
            });
            got[threads - 1] = c;
        }
        assertArrayEquals(got[0], got[1], "1 vs 2 threads");
        assertArrayEquals(got[0], got[2], "1 vs 3 threads");

        float[] direct = c0.clone();
        for (int t = 0; t < batches; t++) {
            Direct.sgemm(m, n, k, a, aBatch[t], aK, aM, b, bBatch[t], bK, bN, direct, t * cSize, ldc, accumulate);
        }
        assertArrayEquals(direct, got[1], "the direct loop vs the blocked driver");

        for (int t = 0; t < batches; t++) {
            double[] ref = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = accumulate ? c0[t * cSize + i * ldc + j] : 0;
                    for (int p = 0; p < k; p++) sum += (double) a[aBatch[t] + p * aK + i * aM] * b[bBatch[t] + p * bK + j * bN];
                    ref[i * n + j] = sum;
                }
            }
            Close.assertClose(GemmTest.extract(got[1], t * cSize, m, n, ldc), ref, 1e-5, 1e-5 * Math.sqrt(k));
        }
        // the padding columns between rows of C (ldc > n) are not written
        for (int t = 0; t < batches; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = n; j < ldc; j++) {
                    int at = t * cSize + i * ldc + j;
                    assertTrue(Float.floatToRawIntBits(c0[at]) == Float.floatToRawIntBits(got[1][at]), "C's padding was written at " + at);
                }
            }
        }
    }
}
