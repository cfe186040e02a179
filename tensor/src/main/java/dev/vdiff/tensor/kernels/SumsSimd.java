package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API form of {@link Sums}. The {@code LANES = F.length()} lanes are held by two double vectors:
 * {@code lo} (lanes 0 .. LANES/2-1) and {@code hi} (the rest). A float vector of LANES elements is widened
 * exactly into its lower and upper halves ({@code convertShape(F2D, D, 0 or 1)}); double data is loaded half
 * a float vector at a time. Same lane pattern, same fused multiply-adds, same bits as the scalar loops.
 * Only the preferred species are used (see {@link AttentionSimd} on why). Loaded only when
 * {@link Simd#ENABLED}.
 */
final class SumsSimd {
    private SumsSimd() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = F.length(), HALF = D.length();

    static int lanes() {
        if (2 * HALF != LANES) throw new IllegalStateException("float vectors of " + LANES + " lanes but double vectors of " + HALF);
        return LANES;
    }

    private static DoubleVector lower(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector upper(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }

    /** The lanes as an array, lo then hi. */
    private static double[] lanes(DoubleVector lo, DoubleVector hi) {
        double[] s = new double[LANES];
        lo.intoArray(s, 0);
        hi.intoArray(s, HALF);
        return s;
    }

    /** The lanes into {@code into[at .. at+LANES)}, lo then hi (a caller's scratch: no allocation per call). */
    private static void lanes(DoubleVector lo, DoubleVector hi, double[] into, int at) {
        lo.intoArray(into, at);
        hi.intoArray(into, at + HALF);
    }

    static double sum(float[] a, int off, int n) {
        DoubleVector lo = DoubleVector.zero(D), hi = lo;
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, a, off + i);
            lo = lo.add(lower(v));
            hi = hi.add(upper(v));
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) s[j] += a[off + i];
        return Sums.combine(s);
    }

    /**
     * See {@link Sums#scalarShiftedSums}: float partial sums over blocks of {@link Sums#BLOCK} vectors, widened into
     * double lanes; {@code scratch} (at least 2 * LANES) holds the lanes for the final sums.
     */
    static void shiftedSums(float[] a, int off, int n, float shift, double[] out, double[] scratch) {
        DoubleVector slo = DoubleVector.zero(D), shi = slo, qlo = slo, qhi = slo;
        int i = 0;
        while (i + LANES <= n) {
            FloatVector s = FloatVector.zero(F), q = s;
            for (int k = 0; k < Sums.BLOCK && i + LANES <= n; k++, i += LANES) {
                FloatVector d = FloatVector.fromArray(F, a, off + i).sub(shift);
                s = s.add(d);
                q = d.fma(d, q);
            }
            slo = slo.add(lower(s));
            shi = shi.add(upper(s));
            qlo = qlo.add(lower(q));
            qhi = qhi.add(upper(q));
        }
        lanes(slo, shi, scratch, 0);
        lanes(qlo, qhi, scratch, LANES);
        for (int j = 0; i < n; i++, j++) {
            double d = (double) a[off + i] - shift;
            scratch[j] += d;
            scratch[LANES + j] = Math.fma(d, d, scratch[LANES + j]);
        }
        out[0] = Sums.combine(scratch, 0, LANES);
        out[1] = Sums.combine(scratch, LANES, LANES);
    }

    static double sumSquaredDeviation(float[] a, int off, int n, double mu) {
        DoubleVector lo = DoubleVector.zero(D), hi = lo;
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, a, off + i);
            DoubleVector d0 = lower(v).sub(mu), d1 = upper(v).sub(mu);
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

    /** See {@link Sums#scalarSumAndProductDeviation}: float partial sums over blocks of {@link Sums#BLOCK} vectors; scratch as in {@link #shiftedSums}. */
    static void sumAndProductDeviation(float[] g, float[] x, int off, int n, double mu, double[] out, double[] scratch) {
        float muF = (float) mu;
        DoubleVector slo = DoubleVector.zero(D), shi = slo, tlo = slo, thi = slo;
        int i = 0;
        while (i + LANES <= n) {
            FloatVector s = FloatVector.zero(F), t = s;
            for (int k = 0; k < Sums.BLOCK && i + LANES <= n; k++, i += LANES) {
                FloatVector gv = FloatVector.fromArray(F, g, off + i);
                s = s.add(gv);
                t = gv.fma(FloatVector.fromArray(F, x, off + i).sub(muF), t);
            }
            slo = slo.add(lower(s));
            shi = shi.add(upper(s));
            tlo = tlo.add(lower(t));
            thi = thi.add(upper(t));
        }
        lanes(slo, shi, scratch, 0);
        lanes(tlo, thi, scratch, LANES);
        for (int j = 0; i < n; i++, j++) {
            scratch[j] += g[off + i];
            scratch[LANES + j] = Math.fma(g[off + i], (double) x[off + i] - muF, scratch[LANES + j]);
        }
        double sg = Sums.combine(scratch, 0, LANES);
        out[0] = sg;
        out[1] = Sums.combine(scratch, LANES, LANES) + ((double) muF - mu) * sg;   // sum g (x - mu) = sum g (x - muF) + (muF - mu) sum g
    }

    static double sum(double[] a, int off, int n) {
        DoubleVector lo = DoubleVector.zero(D), hi = lo;
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            lo = lo.add(DoubleVector.fromArray(D, a, off + i));
            hi = hi.add(DoubleVector.fromArray(D, a, off + i + HALF));
        }
        double[] s = lanes(lo, hi);
        for (int j = 0; i < n; i++, j++) s[j] += a[off + i];
        return Sums.combine(s);
    }

    static double sumSquaredDeviation(double[] a, int off, int n, double mu) {
        DoubleVector lo = DoubleVector.zero(D), hi = lo;
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            DoubleVector d0 = DoubleVector.fromArray(D, a, off + i).sub(mu), d1 = DoubleVector.fromArray(D, a, off + i + HALF).sub(mu);
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

    static void sumAndProductDeviation(double[] g, double[] x, int off, int n, double mu, double[] out) {
        DoubleVector slo = DoubleVector.zero(D), shi = slo, tlo = slo, thi = slo;
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            DoubleVector g0 = DoubleVector.fromArray(D, g, off + i), g1 = DoubleVector.fromArray(D, g, off + i + HALF);
            slo = slo.add(g0);
            shi = shi.add(g1);
            tlo = g0.fma(DoubleVector.fromArray(D, x, off + i).sub(mu), tlo);
            thi = g1.fma(DoubleVector.fromArray(D, x, off + i + HALF).sub(mu), thi);
        }
        double[] s = lanes(slo, shi), t = lanes(tlo, thi);
        for (int j = 0; i < n; i++, j++) {
            s[j] += g[off + i];
            t[j] = Math.fma(g[off + i], x[off + i] - mu, t[j]);
        }
        out[0] = Sums.combine(s);
        out[1] = Sums.combine(t);
    }
}
