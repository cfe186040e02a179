package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.kernels.AttentionKernels.Geometry;
import dev.vdiff.tensor.kernels.AttentionKernels.Mask;
import dev.vdiff.tensor.kernels.AttentionKernels.Rows;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API kernels against the scalar loops they replace (this test class loads the Vector API, which
 * surefire always provides). Sums and exp must agree bit for bit; attention, whose row sums add lanes in a
 * different order, to float32 rounding.
 */
class VectorPathsTest {
    private static float[] randomFloats(SplittableRandom r, int n, double scale, double shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale + shift);
        return a;
    }

    @Test
    void sumsAreBitIdenticalToTheScalarLanePattern() {
        SplittableRandom r = new SplittableRandom(1);
        double[] a = new double[2], b = new double[2];
        for (int n = 0; n < 70; n++) {
            float[] f = randomFloats(r, n + 3, 3, 5), g = randomFloats(r, n + 3, 1, 0);
            double[] d = new double[f.length], e = new double[f.length];
            for (int i = 0; i < f.length; i++) { d[i] = f[i] * 1.1; e[i] = g[i]; }
            for (int off = 0; off < 3; off++) {
                assertEquals(Sums.scalarSum(f, off, n), SumsSimd.sum(f, off, n), 0.0);
                assertEquals(Sums.scalarSumSquaredDeviation(f, off, n, 5.1), SumsSimd.sumSquaredDeviation(f, off, n, 5.1), 0.0);
                Sums.scalarSumAndProductDeviation(g, f, off, n, 4.9, a);
                SumsSimd.sumAndProductDeviation(g, f, off, n, 4.9, b, dirtyScratch());
                assertArrayEquals(a, b, 0.0);
                assertEquals(Sums.scalarSum(d, off, n), SumsSimd.sum(d, off, n), 0.0);
                assertEquals(Sums.scalarSumSquaredDeviation(d, off, n, 5.1), SumsSimd.sumSquaredDeviation(d, off, n, 5.1), 0.0);
                Sums.scalarSumAndProductDeviation(e, d, off, n, 4.9, a);
                SumsSimd.sumAndProductDeviation(e, d, off, n, 4.9, b);
                assertArrayEquals(a, b, 0.0);
            }
        }
        // The sums are accurate: float data widened exactly, then summed in double.
        float[] big = randomFloats(r, 10007, 1, 3);
        double exact = 0;
        for (float v : big) exact += v;
        assertEquals(exact, Sums.sum(big, 0, big.length), 1e-10);
    }

    @Test
    void fusedStatisticsAreBitIdenticalAcrossPathsAndAgreeWithTwoPasses() {
        SplittableRandom r = new SplittableRandom(4);
        double[] a = new double[2], b = new double[2], one = new double[2], two = new double[2];
        for (int n = 1; n < 70; n++) {
            // a mean far from 0 (1000) with a spread of 1: the case a plain sum of squares gets wrong in float
            float[] f = randomFloats(r, n + 3, 1, 1000);
            for (int off = 0; off < 3; off++) {
                Sums.scalarShiftedSums(f, off, n, f[off], a);
                SumsSimd.shiftedSums(f, off, n, f[off], b, dirtyScratch());
                assertArrayEquals(a, b, 0.0);
                Sums.meanAndVarianceOnePass(f, off, n, one);
                Sums.meanAndVariance(f, off, n, two);
                // float32 blocks of at most Sums.BLOCK terms per lane (deviations of size 1 from the shift):
                // errors of float32 size relative to the spread, far below the float32 spacing at 1000 (6e-5)
                assertEquals(two[0], one[0], 1e-7);
                assertEquals(two[1], one[1], 1e-6 * Math.max(two[1], 1e-3));
            }
        }
    }

    @Test
    void groupNormElementLoopsAreBitIdenticalToTheScalarExpressions() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n = 0; n < 70; n++) {
            float[] x = randomFloats(r, n + 3, 3, 1), g = randomFloats(r, n + 3, 1, 0);
            float[] out = new float[n + 3], dx = new float[n + 3];
            for (int lo = 0; lo < 3; lo++) {
                float mu = 0.9f, s = 1.3f, t = -0.2f, a = 0.7f, k = 0.11f, rr = 0.05f;
                GroupNormSimd.normalize(x, out, lo, lo + n, mu, s, t);
                GroupNormSimd.inputGradient(g, x, dx, lo, lo + n, a, k, mu, rr);
                for (int i = lo; i < lo + n; i++) {
                    assertEquals(Float.floatToIntBits((x[i] - mu) * s + t), Float.floatToIntBits(out[i]));
                    assertEquals(Float.floatToIntBits(a * g[i] - k * (x[i] - mu) - rr), Float.floatToIntBits(dx[i]));
                }
            }
        }
    }

    @Test
    void expIsAccurateAndItsVectorFormBitIdentical() {
        var species = FloatVector.SPECIES_PREFERRED;
        SplittableRandom r = new SplittableRandom(2);
        float[] x = randomFloats(r, species.length() * 300, 50, -40);
        x[0] = 0f; x[1] = -0f; x[2] = Float.NEGATIVE_INFINITY; x[3] = -87f; x[4] = -86.9f; x[5] = -1e-8f; x[6] = 88f; x[7] = -100f;
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i += species.length()) AttentionSimd.exp(FloatVector.fromArray(species, x, i)).intoArray(v, i);
        for (int i = 0; i < x.length; i++) {
            float s = ExpF.exp(x[i]);
            assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(v[i]), "exp(" + x[i] + "): scalar " + s + " vs vector " + v[i]);
            double exact = x[i] < ExpF.UNDERFLOW ? 0 : Math.exp(x[i]);
            assertTrue(Math.abs(s - exact) <= 2.5e-7 * exact, "exp(" + x[i] + ") = " + s + ", exact " + exact);
        }
        assertEquals(1f, ExpF.exp(0f), 0f);
        assertEquals(0f, ExpF.exp(Float.NEGATIVE_INFINITY), 0f);
    }

    @ParameterizedTest(name = "B{0} H{1} Sq{2} Sk{3} Dk{4} Dv{5} mask {6}")
    @CsvSource({
        "2, 2, 37, 45, 20, 24, none",       // every tail: 4-row blocks + single rows, vector + narrow + scalar columns
        "1, 2, 64, 64, 32, 32, square",     // full tiles only
        "3, 1, 8, 8, 32, 32, keys",         // temporal-attention size: 8 keys (row dot products, no transpose)
        "2, 1, 5, 11, 8, 16, square",       // 11 keys: 8 + 3 scalar columns
        "1, 1, 5, 300, 16, 48, square",     // a row wider than the query block split
        "1, 1, 20, 2000, 8, 8, keys",       // two query blocks (16 + 4 rows): dK, dV accumulate across blocks
    })
    void attentionVectorPathAgreesWithScalar(int b, int h, int sq, int sk, int dk, int dv, String maskKind) {
        SplittableRandom r = new SplittableRandom(sq * 31L + sk);
        float[] q = randomFloats(r, b * h * sq * dk, 1.5, 0), k = randomFloats(r, b * h * sk * dk, 1.5, 0), v = randomFloats(r, b * h * sk * dv, 1, 0);
        float[] up = randomFloats(r, b * h * sq * dv, 1, 0);
        Mask mask = null;
        if (!maskKind.equals("none")) {
            boolean square = maskKind.equals("square");
            long[] m = new long[square ? sq * sk : b * sk];
            for (int i = 0; i < m.length; i++) m[i] = r.nextInt(4) == 0 ? 0 : 1;
            mask = square ? new Mask(m, 0, 0, 0, sk, 1) : new Mask(m, 0, sk, 0, 0, 1);
        }
        Geometry g = new Geometry(b, h, sq, sk, dk, dv, Rows.dense(h, sq, dk), Rows.dense(h, sk, dk), Rows.dense(h, sk, dv), Rows.dense(h, sq, dv), mask);
        float[][] simd = run(q, k, v, up, g, true), scalar = run(q, k, v, up, g, false);
        String[] names = {"out", "probs", "lse", "dq", "dk", "dv"};
        for (int i = 0; i < names.length; i++) {
            Close.Result res = Close.compare(widen(simd[i]), widen(scalar[i]), 1e-5, 1e-5);
            assertTrue(res.pass(), res.describe(names[i]));
        }
    }

    private static float[][] run(float[] q, float[] k, float[] v, float[] up, Geometry g, boolean simd) {
        int rows = g.batch() * g.heads() * g.sq();
        float[] out = new float[rows * g.dv()], lse = new float[rows], probs = new float[rows * g.sk()];
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        AttentionKernels.forward(q, k, v, out, lse, probs, g, simd);
        AttentionKernels.backward(q, k, v, out, lse, up, dq, dk, dv, g, simd);
        return new float[][] {out, probs, lse, dq, dk, dv};
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /** A reused scratch as a kernel finds it: left over from an earlier call (here NaN), so every slot must be written before it is read. */
    private static double[] dirtyScratch() {
        double[] s = Sums.scratch();
        java.util.Arrays.fill(s, Double.NaN);
        return s;
    }
}
