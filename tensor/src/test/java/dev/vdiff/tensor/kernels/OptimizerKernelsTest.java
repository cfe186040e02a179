package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.kernels.OptimizerKernels.AdamWStep;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The optimizer loops' Vector API twins ({@link OptimizerSimd}) against the scalar loops, bit for bit, on random
 * values over ranges with every tail length and unaligned starts; and the scalar AdamW float32 loop against the
 * update written out per element from the formulas of {@code optim.AdamW} (an independent transcription).
 */
class OptimizerKernelsTest {
    private static final AdamWStep STEP = new AdamWStep(1 - 3e-3 * 0.05, 0.9, 0.999, 1e-8, 3e-3 / (1 - Math.pow(0.9, 3)), Math.sqrt(1 - Math.pow(0.999, 3)));

    private static float[] floats(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return a;
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i] * 1.000001;
        return d;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 16, 33, 100, 1000})
    void vectorLoopsAreBitIdenticalToTheScalarLoops(int n) {
        SplittableRandom r = new SplittableRandom(n);
        for (int lo = 0; lo < 3; lo++) {
            int hi = lo + n;
            float[] p = floats(r, hi, 2), g = floats(r, hi, 1e-2), m = floats(r, hi, 1e-3), v = floats(r, hi, 1e-5);
            for (int i = 0; i < hi; i++) v[i] = Math.abs(v[i]);
            float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
            OptimizerKernels.adamwScalar(p, g, m, v, lo, hi, STEP);
            OptimizerSimd.adamw(p2, g, m2, v2, lo, hi, STEP);
            assertArrayEquals(p, p2);
            assertArrayEquals(m, m2);
            assertArrayEquals(v, v2);

            double[] pd = doubles(p), gd = doubles(g), md = doubles(m), vd = doubles(v);
            double[] pd2 = pd.clone(), md2 = md.clone(), vd2 = vd.clone();
            OptimizerKernels.adamwScalar(pd, gd, md, vd, lo, hi, STEP);
            OptimizerSimd.adamw(pd2, gd, md2, vd2, lo, hi, STEP);
            assertArrayEquals(pd, pd2);
            assertArrayEquals(md, md2);
            assertArrayEquals(vd, vd2);

            float[] s = floats(r, hi, 2), s2 = s.clone();
            OptimizerKernels.emaScalar(s, p, lo, hi, 0.005);
            OptimizerSimd.ema(s2, p, lo, hi, 0.005);
            assertArrayEquals(s, s2);
            double[] sd = doubles(s), sd2 = sd.clone();
            OptimizerKernels.emaScalar(sd, pd, lo, hi, 0.005);
            OptimizerSimd.ema(sd2, pd, lo, hi, 0.005);
            assertArrayEquals(sd, sd2);

            float[] x = floats(r, hi, 3), x2 = x.clone();
            OptimizerKernels.scaleScalar(x, lo, hi, 0.37f);
            OptimizerSimd.scale(x2, lo, hi, 0.37f);
            assertArrayEquals(x, x2);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 40000})
    void adamwFloatMatchesTheFormulasPerElement(int n) {
        SplittableRandom r = new SplittableRandom(11);
        float[] p = floats(r, n, 1), g = floats(r, n, 1e-1), m = floats(r, n, 1e-2), v = floats(r, n, 1e-3);
        for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
        float[] p0 = p.clone(), m0 = m.clone(), v0 = v.clone();
        OptimizerKernels.adamw(p, g, m, v, n, STEP);
        double lr = 3e-3, wd = 0.05, b1 = 0.9, b2 = 0.999, t = 3;
        for (int i = 0; i < n; i++) {
            float decayed = (float) (p0[i] * (1 - lr * wd));
            float mi = (float) (b1 * m0[i] + (1 - b1) * g[i]);          // lerp written the other way: equal to rounding
            float vi = (float) (b2 * v0[i] + (1 - b2) * (double) g[i] * g[i]);
            double update = lr / (1 - Math.pow(b1, t)) * mi / (Math.sqrt(vi) / Math.sqrt(1 - Math.pow(b2, t)) + 1e-8);
            assertEquals(mi, m[i], Math.ulp(mi), "m at " + i);   // the two forms of the lerp round to neighbours at most
            assertEquals(vi, v[i], Math.ulp(vi), "v at " + i);
            assertEquals(decayed - update, p[i], 1e-6 * Math.abs(decayed) + 1e-9, "p at " + i);
        }
    }

    /**
     * The whole float32 step as the optimizer calls it (tasks of {@link OptimizerKernels#BLOCK} elements, the Vector
     * API twin's four loops per task on JDK 17, the scalar loop on JDK 25), on 1, 2 and 3 threads, against the scalar
     * loop over the whole range: the same bits. n covers several tasks and a tail shorter than a vector.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void adamwIsBitIdenticalToTheScalarLoopOnAnyThreadCount(int threads) {
        int n = 3 * OptimizerKernels.BLOCK + 1000 + 7;
        SplittableRandom r = new SplittableRandom(5);
        float[] p = floats(r, n, 2), g = floats(r, n, 1e-2), m = floats(r, n, 1e-3), v = floats(r, n, 1e-5);
        for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
        float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
        OptimizerKernels.adamwScalar(p, g, m, v, 0, n, STEP);
        dev.vdiff.tensor.parallel.Parallel.withThreads(threads, () -> {
            OptimizerKernels.adamw(p2, g, m2, v2, n, STEP);
            return null;
        });
        assertArrayEquals(p, p2);
        assertArrayEquals(m, m2);
        assertArrayEquals(v, v2);
    }

    /**
     * The sum of squares against its definition written out here (each block of BLOCK elements summed in index
     * order, blocks added in order), bit for bit, on 1, 2 and 3 threads, for sizes with 1..9 blocks and partial last blocks.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void sumOfSquaresIsTheBlockwiseIndexOrderSumOnAnyThreadCount(int threads) {
        int b = OptimizerKernels.BLOCK;
        for (int n : new int[] {1, b - 1, b, 3 * b + 5, 4 * b, 4 * b + 1, 8 * b + 77, 9 * b}) {
            SplittableRandom r = new SplittableRandom(n);
            float[] x = floats(r, n, 3);
            double[] xd = doubles(x);
            double want = 0, wantD = 0;
            for (int blk = 0; blk * b < n; blk++) {
                double s = 0, sd = 0;
                for (int i = blk * b; i < Math.min(n, blk * b + b); i++) {
                    s += (double) x[i] * x[i];
                    sd += xd[i] * xd[i];
                }
                want += s;
                wantD += sd;
            }
            double[] got = dev.vdiff.tensor.parallel.Parallel.withThreads(threads,
                () -> new double[] {OptimizerKernels.sumOfSquares(x, n), OptimizerKernels.sumOfSquares(xd, n)});
            assertEquals(want, got[0], 0.0, "float32, n = " + n);
            assertEquals(wantD, got[1], 0.0, "float64, n = " + n);
        }
    }
}
