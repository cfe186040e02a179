package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API form of {@link Sums}: two 4-lane double vectors ({@code lo} = lanes 0-3, {@code hi} = lanes
 * 4-7) hold the eight lanes; float32 data is loaded 4 at a time and widened. Same lane pattern, same fused
 * multiply-adds, same bits as the scalar loops. 256-bit vectors are native on AVX2 and AVX-512 machines
 * alike. Loaded only when {@link Simd#ENABLED}.
 */
final class SumsSimd {
    private SumsSimd() {}

    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;

    private static DoubleVector widen(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(F4, a, i).convertShape(VectorOperators.F2D, D4, 0);
    }

    private static DoubleVector load(double[] a, int i) {
        return DoubleVector.fromArray(D4, a, i);
    }

    /** The eight lanes as an array, lo then hi. */
    private static double[] lanes(DoubleVector lo, DoubleVector hi) {
        double[] s = new double[Sums.LANES];
        lo.intoArray(s, 0);
        hi.intoArray(s, 4);
        return s;
    }

    static double sum(float[] a, int off, int n) {
        DoubleVector lo = DoubleVector.zero(D4), hi = lo;
        int i = 0;
        for (; i + Sums.LANES <= n; i += Sums.LANES) {
            lo = lo.add(widen(a, off + i));
            hi = hi.add(widen(a, off + i + 4));
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) s[j] += a[off + i];
        return Sums.combine(s);
    }

    static double sumSquaredDeviation(float[] a, int off, int n, double mu) {
        DoubleVector lo = DoubleVector.zero(D4), hi = lo;
        int i = 0;
        for (; i + Sums.LANES <= n; i += Sums.LANES) {
            DoubleVector d0 = widen(a, off + i).sub(mu), d1 = widen(a, off + i + 4).sub(mu);
            lo = d0.fma(d0, lo);
            hi = d1.fma(d1, hi);
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) {
            double d = a[off + i] - mu;
            s[j] = Math.fma(d, d, s[j]);
        }
        return Sums.combine(s);
    }

    static double sumProductDeviation(float[] g, float[] x, int off, int n, double mu) {
        DoubleVector lo = DoubleVector.zero(D4), hi = lo;
        int i = 0;
        for (; i + Sums.LANES <= n; i += Sums.LANES) {
            lo = widen(g, off + i).fma(widen(x, off + i).sub(mu), lo);
            hi = widen(g, off + i + 4).fma(widen(x, off + i + 4).sub(mu), hi);
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) s[j] = Math.fma(g[off + i], x[off + i] - mu, s[j]);
        return Sums.combine(s);
    }

    static double sum(double[] a, int off, int n) {
        DoubleVector lo = DoubleVector.zero(D4), hi = lo;
        int i = 0;
        for (; i + Sums.LANES <= n; i += Sums.LANES) {
            lo = lo.add(load(a, off + i));
            hi = hi.add(load(a, off + i + 4));
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) s[j] += a[off + i];
        return Sums.combine(s);
    }

    static double sumSquaredDeviation(double[] a, int off, int n, double mu) {
        DoubleVector lo = DoubleVector.zero(D4), hi = lo;
        int i = 0;
        for (; i + Sums.LANES <= n; i += Sums.LANES) {
            DoubleVector d0 = load(a, off + i).sub(mu), d1 = load(a, off + i + 4).sub(mu);
            lo = d0.fma(d0, lo);
            hi = d1.fma(d1, hi);
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) {
            double d = a[off + i] - mu;
            s[j] = Math.fma(d, d, s[j]);
        }
        return Sums.combine(s);
    }

    static double sumProductDeviation(double[] g, double[] x, int off, int n, double mu) {
        DoubleVector lo = DoubleVector.zero(D4), hi = lo;
        int i = 0;
        for (; i + Sums.LANES <= n; i += Sums.LANES) {
            lo = load(g, off + i).fma(load(x, off + i).sub(mu), lo);
            hi = load(g, off + i + 4).fma(load(x, off + i + 4).sub(mu), hi);
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) s[j] = Math.fma(g[off + i], x[off + i] - mu, s[j]);
        return Sums.combine(s);
    }
}
