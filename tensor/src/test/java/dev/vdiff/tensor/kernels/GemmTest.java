package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.check.Close;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class GemmTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void smallProductMatchesHandComputedValues() {
        float[] a = {1, 2, 3, 4, 5, 6};          // A[2,3]
        float[] b = {1, 0, 0, 1, 1, 1};          // B[3,2]
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false);
        assertArrayEquals(new float[] {4, 5, 10, 11}, c);
        // transposes of the same product: A^T stored [3,2], B^T stored [2,3]
        float[] at = {1, 4, 2, 5, 3, 6}, bt = {1, 0, 1, 0, 1, 1};
        Gemm.sgemm(true, true, 2, 2, 3, at, 0, 2, bt, 0, 3, c, 0, 2, true);   // accumulate: doubles it
        assertArrayEquals(new float[] {8, 10, 20, 22}, c);
    }

    /** Shapes around the tile sizes (8 x 48 / 8 x 32) and the k-block (128), all four transpose combinations. */
    static Stream<Arguments> shapes() {
        int[][] mnk = {{1, 1, 1}, {3, 5, 4}, {8, 48, 128}, {9, 49, 129}, {17, 95, 300}, {40, 33, 257}, {64, 100, 7}, {130, 20, 70}, {2, 200, 513}};
        Stream.Builder<Arguments> s = Stream.builder();
        for (int[] d : mnk) for (int tr = 0; tr < 4; tr++) s.add(Arguments.of(d[0], d[1], d[2], (tr & 1) != 0, (tr & 2) != 0));
        return s.build();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("shapes")
    void floatProductMatchesFloat64ReferenceAndEveryPathAgreesBitForBit(int m, int n, int k, boolean ta, boolean tb) {
        SplittableRandom rnd = new SplittableRandom(m * 1000L + n * 10L + k);
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5, aOff = 7, bOff = 4, cOff = 3;
        float[] a = randomF(rnd, aOff + (ta ? k : m) * lda), b = randomF(rnd, bOff + (tb ? n : k) * ldb);
        float[] c0 = randomF(rnd, cOff + m * ldc);
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0[cOff + i * ldc + j];
                for (int p = 0; p < k; p++) {
                    s += (double) a[aOff + (ta ? p * lda + i : i * lda + p)] * b[bOff + (tb ? j * ldb + p : p * ldb + j)];
                }
                ref[i * n + j] = s;
            }
        }
        float[] simdC = c0.clone();
        Gemm.sgemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, simdC, cOff, ldc, true);
        Close.assertClose(extract(simdC, cOff, m, n, ldc), ref, 1e-5, 1e-5 * Math.sqrt(k));
        for (int i = 0; i < cOff; i++) assertArrayEquals(new float[] {c0[i]}, new float[] {simdC[i]}, "C outside the product was written");

        // The scalar kernel (another tile shape), the packed driver and the direct loop give the same bits.
        float[] scalarC = c0.clone();
        int[] one = {0};
        Gemm.sgemm(MicroKernel.SCALAR_F, 1, m, n, k, Panels.strided(a, new int[] {aOff}, ta ? lda : 1, ta ? 1 : lda),
            Panels.strided(b, new int[] {bOff}, tb ? 1 : ldb, tb ? ldb : 1), scalarC, cOff, 0, ldc, true);
        assertArrayEquals(simdC, scalarC, "scalar kernel vs default kernel");
        float[] directC = c0.clone();
        Direct.sgemm(m, n, k, a, aOff, ta ? lda : 1, ta ? 1 : lda, b, bOff, tb ? 1 : ldb, tb ? ldb : 1, directC, cOff, ldc, true);
        assertArrayEquals(simdC, directC, "direct loop vs packed kernel");
        if (Simd.ENABLED) {
            float[] vecC = c0.clone();
            Gemm.sgemm(MicroKernel.VECTOR_F, 1, m, n, k, Panels.strided(a, new int[] {aOff}, ta ? lda : 1, ta ? 1 : lda),
                Panels.strided(b, new int[] {bOff}, tb ? 1 : ldb, tb ? ldb : 1), vecC, cOff, 0, ldc, true);
            assertArrayEquals(scalarC, vecC, "vector kernel vs scalar kernel");
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("shapes")
    void doubleProductMatchesExactSumsAndEveryPathAgrees(int m, int n, int k, boolean ta, boolean tb) {
        SplittableRandom rnd = new SplittableRandom(m * 7000L + n * 70L + k);
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n), ldc = n + 2;
        // Small integers: every product and sum is exact in float64, so the reference is exact.
        double[] a = randomInts(rnd, (ta ? k : m) * lda), b = randomInts(rnd, (tb ? n : k) * ldb);
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[ta ? p * lda + i : i * lda + p] * b[tb ? j * ldb + p : p * ldb + j];
                ref[i * n + j] = s;
            }
        }
        double[] c = new double[m * ldc];
        java.util.Arrays.fill(c, Double.NaN);   // overwritten, never read
        Gemm.dgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, c, 0, ldc, false);
        double[] got = new double[m * n];
        for (int i = 0; i < m; i++) System.arraycopy(c, i * ldc, got, i * n, n);
        assertArrayEquals(ref, got);

        double[] r1 = randomD(rnd, m * n), r2 = r1.clone(), r3 = r1.clone();
        double[] x = randomD(rnd, (ta ? k : m) * lda), y = randomD(rnd, (tb ? n : k) * ldb);
        Gemm.dgemm(MicroKernel.SCALAR_D, 1, m, n, k, Panels.strided(x, new int[] {0}, ta ? lda : 1, ta ? 1 : lda),
            Panels.strided(y, new int[] {0}, tb ? 1 : ldb, tb ? ldb : 1), r1, 0, 0, n, true);
        Gemm.dgemm(MicroKernel.VECTOR_D, 1, m, n, k, Panels.strided(x, new int[] {0}, ta ? lda : 1, ta ? 1 : lda),
            Panels.strided(y, new int[] {0}, tb ? 1 : ldb, tb ? ldb : 1), r2, 0, 0, n, true);
        Direct.dgemm(m, n, k, x, 0, ta ? lda : 1, ta ? 1 : lda, y, 0, tb ? 1 : ldb, tb ? ldb : 1, r3, 0, n, true);
        assertArrayEquals(r1, r2, "scalar vs default double kernel");
        assertArrayEquals(r1, r3, "scalar kernel vs direct loop");
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        SplittableRandom rnd = new SplittableRandom(5);
        int m = 150, n = 170, k = 400;
        float[] a = randomF(rnd, m * k), b = randomF(rnd, k * n);
        double[] ad = randomD(rnd, m * k), bd = randomD(rnd, k * n);
        float[][] cf = new float[3][m * n];
        double[][] cd = new double[3][m * n];
        int[] threads = {1, 2, 3};
        for (int i = 0; i < threads.length; i++) {
            Parallel.setThreads(threads[i]);
            Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, cf[i], 0, n, false);
            Gemm.dgemm(true, false, m, n, k, ad, 0, m, bd, 0, n, cd[i], 0, n, false);
        }
        assertArrayEquals(cf[0], cf[1]);
        assertArrayEquals(cf[0], cf[2]);
        assertArrayEquals(cd[0], cd[1]);
        assertArrayEquals(cd[0], cd[2]);
    }

    @Test
    void batchedProductBroadcastsAnOperandThroughItsBatchOffsets() {
        SplittableRandom rnd = new SplittableRandom(9);
        int batches = 3, m = 20, n = 60, k = 50;
        double[] a = randomD(rnd, m * k);                  // one A for every batch
        double[] b = randomD(rnd, batches * k * n);
        double[] c = new double[batches * m * n];
        Gemm.dgemmBatched(batches, m, n, k, a, 0, new int[] {0, 0, 0}, 1, k, b, 0, new int[] {0, k * n, 2 * k * n}, n, 1, c, 0, m * n, n, false);
        for (int t = 0; t < batches; t++) {
            double[] one = new double[m * n];
            Gemm.dgemm(false, false, m, n, k, a, 0, k, b, t * k * n, n, one, 0, n, false);
            assertArrayEquals(one, java.util.Arrays.copyOfRange(c, t * m * n, (t + 1) * m * n));
        }
    }

    @Test
    void emptyInnerDimensionGivesZerosOrLeavesC() {
        float[] c = {5, 5, 5, 5};
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, true);
        assertArrayEquals(new float[] {5, 5, 5, 5}, c);
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, false);
        assertArrayEquals(new float[4], c);
    }

    /**
     * With the Vector API present, products move to the vector kernel once C2 has compiled it: the kernel that
     * {@link Gemm#sgemm} asks for ({@link MicroKernel#floatKernel()}) becomes {@link MicroKernel#VECTOR_F}, a
     * different implementation from the scalar one, within a minute of products (seconds on a quiet machine).
     */
    @Test
    void productsSwitchToTheVectorKernelOnceCompiled() {
        assumeTrue(Simd.ENABLED, "jdk.incubator.vector is not in the boot layer (or -Dvdiff.simd=false): scalar kernels only");
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assumeTrue(jvm.stream().noneMatch(a -> a.startsWith("-XX:TieredStopAtLevel") || a.equals("-Xint")),
            "C2 is disabled (" + jvm + "): the vector kernels never compile and products stay scalar by design");
        assertNotEquals(MicroKernel.SCALAR_F.getClass(), MicroKernel.VECTOR_F.getClass(), "VECTOR_F is its own implementation");
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 48;
        float[] a = randomF(rnd, n * n), b = randomF(rnd, n * n), c = new float[n * n];
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (MicroKernel.floatKernel() != MicroKernel.VECTOR_F && System.nanoTime() < deadline) {
            Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        }
        assertSame(MicroKernel.VECTOR_F, MicroKernel.floatKernel(), "after a minute of products the vector kernel is still not in use");
    }


    static double[] extract(float[] c, int off, int m, int n, int ldc) {
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) r[i * n + j] = c[off + i * ldc + j];
        return r;
    }

    static float[] randomF(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        return x;
    }

    static double[] randomD(SplittableRandom rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextDouble(-1, 1);
        return x;
    }

    static double[] randomInts(SplittableRandom rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextInt(-8, 9);
        return x;
    }
}
