package dev.vdiff.tensor.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A B operand read in place by the micro-kernel (Panels.RowsF) gives the bits of the packed product. */
class RowsPanelTest {
    @ParameterizedTest(name = "batches={0} m={1} n={2} k={3}")
    @CsvSource({"1, 8, 48, 128", "2, 37, 100, 300", "3, 5, 7, 9", "2, 64, 250, 288", "1, 16, 1000, 27"})
    void directReadsEqualPackedPanelsBitForBit(int batches, int m, int n, int k) {
        SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
        int slack = 64;
        // Rows of B start at scattered, overlapping offsets of one array (like the taps of a convolution).
        int[] rowOff = new int[k], base = new int[batches];
        for (int p = 0; p < k; p++) rowOff[p] = r.nextInt(0, 500);
        for (int t = 0; t < batches; t++) base[t] = t * 700;
        float[] data = new float[batches * 700 + 500 + n + slack];
        for (int i = 0; i < data.length; i++) data[i] = (float) r.nextDouble(-1, 1);
        float[] a = new float[m * k];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        Panels.RowsF rows = new Panels.RowsF(data, rowOff, base, slack);
        // One contiguous run per row: every kernel width must read it in place (a session-5 rule on run lengths
        // silently sent the stride-1 convolution's padded grid back to packing).
        org.junit.jupiter.api.Assertions.assertTrue(rows.readsInPlace(MicroKernel.VECTOR_F.nr()), "single-run rows read in place");
        // The same operand as an ordinary (packed) source.
        Panels.F packed = (t, k0, kc, c0, cols, width, dst, off) -> rows.pack(t, k0, kc, c0, cols, width, dst, off);
        Panels.F aT = Panels.strided(a, new int[] {0}, 1, k);
        float[] ref = new float[batches * m * n], scalar = new float[batches * m * n], vector = new float[batches * m * n];
        Gemm.sgemm(MicroKernel.SCALAR_F, batches, m, n, k, aT, packed, ref, 0, m * n, n, false);
        Gemm.sgemm(MicroKernel.SCALAR_F, batches, m, n, k, aT, rows, scalar, 0, m * n, n, false);
        assertArrayEquals(ref, scalar, "scalar kernel, direct rows vs packed");
        // and the packed product is right (one element against a double dot product, to float32 rounding)
        double dot = 0;
        for (int p = 0; p < k; p++) dot += (double) a[p] * data[base[0] + rowOff[p]];
        org.junit.jupiter.api.Assertions.assertEquals(dot, ref[0], 1e-5 * Math.sqrt(k));
        assumeTrue(Simd.ENABLED && MicroKernel.warmUp(), "no compiled vector kernel");
        Gemm.sgemm(MicroKernel.VECTOR_F, batches, m, n, k, aT, rows, vector, 0, m * n, n, false);
        assertArrayEquals(ref, vector, "vector kernel, direct rows vs packed");
    }

    /** Rows made of runs of columns, each run anywhere (the weight gradient's taps): packed and in place agree. */
    @ParameterizedTest(name = "m={0} runs={1} runLength={2} k={3}")
    @CsvSource({"12, 3, 64, 200", "4, 9, 64, 257", "9, 2, 128, 130"})
    void columnRunsReadInPlaceEqualPackedPanels(int m, int runs, int runLength, int k) {
        SplittableRandom r = new SplittableRandom(m * 13L + runs * 5L + k);
        int n = runs * runLength, slack = 64;
        int[] rowOff = new int[k], runBase = new int[runs];
        for (int p = 0; p < k; p++) rowOff[p] = r.nextInt(0, 900);
        for (int q = 0; q < runs; q++) runBase[q] = r.nextInt(0, 900);
        float[] data = new float[1800 + runLength + slack];
        for (int i = 0; i < data.length; i++) data[i] = (float) r.nextDouble(-1, 1);
        float[] a = new float[m * k];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        Panels.RowsF rows = new Panels.RowsF(data, rowOff, new int[] {0}, slack, runLength, runBase);
        Panels.F packed = (t, k0, kc, c0, cols, width, dst, off) -> rows.pack(t, k0, kc, c0, cols, width, dst, off);
        Panels.F aT = Panels.strided(a, new int[] {0}, 1, k);
        float[] ref = new float[m * n], scalar = new float[m * n], wide = new float[m * n];
        Gemm.sgemm(MicroKernel.SCALAR_F, 1, m, n, k, aT, packed, ref, 0, 0, n, false);
        Gemm.sgemm(MicroKernel.SCALAR_F, 1, m, n, k, aT, rows, scalar, 0, 0, n, false);
        assertArrayEquals(ref, scalar, "scalar kernel, runs in place vs packed");
        // C[m-1, n-1] against the definition: column n-1 is the last of the last run
        double dot = 0;
        for (int p = 0; p < k; p++) dot += (double) a[(m - 1) * k + p] * data[rowOff[p] + runBase[runs - 1] + runLength - 1];
        org.junit.jupiter.api.Assertions.assertEquals(dot, ref[m * n - 1], 1e-5 * Math.sqrt(k));
        assumeTrue(Simd.ENABLED && MicroKernel.warmUp(), "no compiled vector kernel");
        Gemm.sgemm(MicroKernel.VECTOR_F_WIDE, 1, m, n, k, aT, rows, wide, 0, 0, n, false);
        assertArrayEquals(ref, wide, "wide vector kernel, runs in place vs packed");
    }
}
