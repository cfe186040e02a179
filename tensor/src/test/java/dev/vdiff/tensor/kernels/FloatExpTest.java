package dev.vdiff.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatExpTest {
    @Test
    void accurateToAboutOneUlpAgainstDoubleExp() {
        double worstUlps = 0;
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            double exact = Math.exp(x);
            float got = FloatExp.exp(x);
            worstUlps = Math.max(worstUlps, Math.abs(got - exact) / Math.ulp((float) exact));
        }
        assertTrue(worstUlps <= 2, "worst error " + worstUlps + " ulp");
    }

    @Test
    void edgeValues() {
        assertEquals(1f, FloatExp.exp(0f));
        assertEquals(1f, FloatExp.exp(-0f));
        assertEquals(Float.POSITIVE_INFINITY, FloatExp.exp(89f));
        assertEquals(Float.POSITIVE_INFINITY, FloatExp.exp(1e30f));
        assertEquals(0f, FloatExp.exp(Float.NEGATIVE_INFINITY), 1.5e-45f);
        assertEquals(0f, FloatExp.exp(-1000f), 1.5e-45f);
        assertTrue(Float.isNaN(FloatExp.exp(Float.NaN)));
        // the subnormal range rounds once: e^-100 = 3.72e-44 is 26.5 subnormal steps of 1.4e-45
        assertEquals((float) Math.exp(-100), FloatExp.exp(-100f), 1.5e-45f);
        assertEquals((float) Math.exp(-95), FloatExp.exp(-95f), Math.ulp((float) Math.exp(-95)));
    }

    /** The vector kernels must give exactly the bits of their scalar twins, at every offset and length. */
    @Test
    void vectorAndScalarPathsAgreeBitForBit() {
        if (!FloatExp.SIMD) {
            throw new org.opentest4j.TestAbortedException("Vector API module not present (or -Dvdiff.simd=false): nothing to compare");
        }
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 1000;
        float[] x = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * (i % 3 == 0 ? 120 : 6));
            g[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        x[0] = 0f;
        x[1] = -0f;
        x[2] = Float.NaN;
        x[3] = Float.POSITIVE_INFINITY;
        x[4] = Float.NEGATIVE_INFINITY;
        for (int lo : new int[] {0, 3}) {
            int hi = n - lo;
            float[] v = new float[n], s = new float[n];
            FloatVectorKernels.exp(x, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatExp.exp(x[i]);
            same("exp", s, v);
            FloatVectorKernels.expShifted(x, 1.5f, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatExp.exp(x[i] - 1.5f);
            same("expShifted", s, v);
            FloatVectorKernels.sigmoid(x, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatActivations.sigmoid(x[i]);
            same("sigmoid", s, v);
            FloatVectorKernels.silu(x, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatActivations.silu(x[i]);
            same("silu", s, v);
            FloatVectorKernels.siluBackward(x, g, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = g[i] * FloatActivations.siluGrad(x[i]);
            same("silu backward", s, v);
            FloatVectorKernels.geluTanh(x, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = FloatActivations.geluTanh(x[i]);
            same("geluTanh", s, v);
            FloatVectorKernels.geluTanhBackward(x, g, v, lo, hi);
            for (int i = lo; i < hi; i++) s[i] = g[i] * FloatActivations.geluTanhGrad(x[i]);
            same("geluTanh backward", s, v);
        }
    }

    private static void same(String what, float[] scalar, float[] vector) {
        for (int i = 0; i < scalar.length; i++) {
            if (Float.floatToIntBits(scalar[i]) != Float.floatToIntBits(vector[i])) {
                throw new AssertionError(what + ": element " + i + " scalar " + scalar[i] + " vs vector " + vector[i]);
            }
        }
    }
}
