package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.kernels.OptimizerKernels.AdamWStep;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of the element-wise loops of {@link OptimizerKernels} over {@code [lo, hi)}: full vectors, then
 * the scalar loop for the tail. The float32 updates are computed in double, as the scalar loops do: a float vector of
 * {@code LANES} elements is widened exactly into two double vectors (its lower and upper halves,
 * {@code convertShape(F2D, D, 0 or 1)}), each lane repeats the scalar expression operation for operation (IEEE
 * add, multiply, divide and square root, no fused multiply-add), and the halves are rounded back to float
 * ({@code D2F}, round to nearest as the cast) and joined. So the bits do not depend on whether this path runs.
 * Only the preferred species are used (see {@link AttentionSimd} on why). Loaded only when {@link Simd#ENABLED}.
 */
final class OptimizerSimd {
    private OptimizerSimd() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = F.length(), HALF = D.length();
    /** Lanes HALF .. LANES-1 of a float vector: where the upper half goes when the halves are joined. */
    private static final VectorMask<Float> UPPER = F.indexInRange(-HALF, HALF);   // lane i set iff 0 <= i - HALF < HALF
    /** Lanes 0 .. HALF-1. */
    private static final VectorMask<Float> LOWER = F.indexInRange(0, HALF);

    private static DoubleVector lower(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector upper(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }

    /** The float vector whose lower half is {@code lo} and upper half {@code hi}, each rounded to float. */
    private static FloatVector join(DoubleVector lo, DoubleVector hi) {
        FloatVector a = (FloatVector) lo.convertShape(VectorOperators.D2F, F, 0);
        FloatVector b = (FloatVector) hi.convertShape(VectorOperators.D2F, F, -1);
        return a.blend(b, UPPER);
    }

    /** The float32 values of {@code x} widened back to double (the scalar code's {@code double d = (float) x}). */
    private static DoubleVector roundToFloat(DoubleVector x) {
        return (DoubleVector) x.convertShape(VectorOperators.D2F, F, 0).convertShape(VectorOperators.F2D, D, 0);
    }

    /**
     * The float32 step, in four loops over the range (a task of at most {@link OptimizerKernels#BLOCK} elements,
     * so the later loops find it in L2): the new moments m, v of the lower halves of the float vectors, of the
     * upper halves, then the parameters p from the stored moments (lower halves, upper halves). Each loop stores
     * whole float vectors: the new half joined to the other, unchanged half. The moments are read back as the
     * float32 values the scalar loop rounds them to, so no extra rounding step is needed for them.
     *
     * <p>Why four loops: with the whole update of both halves in one loop body (session 7), C2 stopped inlining at
     * its node limit ({@code NodeCountInliningCutoff}: every {@code convertShape} of JDK 17's Vector API parses into
     * many nodes), the vectors then crossed real calls, boxed, and the loop ran at half the scalar loop's speed;
     * even one half of the update in one loop hit the limit (docs/PERFORMANCE.md, "gn8, session 8"). Each loop
     * here holds at most six conversions.
     */
    static void adamw(float[] p, float[] g, float[] m, float[] v, int lo, int hi, AdamWStep s) {
        int end = lo + F.loopBound(hi - lo);
        if (2 * HALF == LANES && end > lo) {
            double c1 = 1 - s.beta1(), b2 = s.beta2(), c2 = 1 - b2;
            momentsLower(g, m, v, lo, end, c1, b2, c2);
            momentsUpper(g, m, v, lo, end, c1, b2, c2);
            double decay = s.decay(), eps = s.eps(), stepSize = s.stepSize(), bc2Sqrt = s.bc2Sqrt();
            paramsLower(p, m, v, lo, end, decay, eps, stepSize, bc2Sqrt);
            paramsUpper(p, m, v, lo, end, decay, eps, stepSize, bc2Sqrt);
            lo = end;
        }
        OptimizerKernels.adamwScalar(p, g, m, v, lo, hi, s);
    }

    /** m = m + (1 - beta1) (g - m), v = beta2 v + (1 - beta2) g g on lanes 0 .. HALF-1 of the vectors in [lo, end). */
    private static void momentsLower(float[] g, float[] m, float[] v, int lo, int end, double c1, double b2, double c2) {
        for (int i = lo; i < end; i += LANES) {
            FloatVector mf = FloatVector.fromArray(F, m, i), vf = FloatVector.fromArray(F, v, i);
            DoubleVector gd = lower(FloatVector.fromArray(F, g, i)), md = lower(mf), vd = lower(vf);
            withLower(mf, md.add(gd.sub(md).mul(c1))).intoArray(m, i);
            withLower(vf, vd.mul(b2).add(gd.mul(c2).mul(gd))).intoArray(v, i);
        }
    }

    /** As {@link #momentsLower}, lanes HALF .. LANES-1. */
    private static void momentsUpper(float[] g, float[] m, float[] v, int lo, int end, double c1, double b2, double c2) {
        for (int i = lo; i < end; i += LANES) {
            FloatVector mf = FloatVector.fromArray(F, m, i), vf = FloatVector.fromArray(F, v, i);
            DoubleVector gd = upper(FloatVector.fromArray(F, g, i)), md = upper(mf), vd = upper(vf);
            withUpper(mf, md.add(gd.sub(md).mul(c1))).intoArray(m, i);
            withUpper(vf, vd.mul(b2).add(gd.mul(c2).mul(gd))).intoArray(v, i);
        }
    }

    /** p = (float) (p decay) - stepSize m / (sqrt(v) / bc2Sqrt + eps) from the new m, v, lanes 0 .. HALF-1. */
    private static void paramsLower(float[] p, float[] m, float[] v, int lo, int end, double decay, double eps, double stepSize, double bc2Sqrt) {
        for (int i = lo; i < end; i += LANES) {
            FloatVector pf = FloatVector.fromArray(F, p, i);
            DoubleVector md = lower(FloatVector.fromArray(F, m, i)), vd = lower(FloatVector.fromArray(F, v, i));
            DoubleVector denom = vd.sqrt().div(bc2Sqrt).add(eps);
            withLower(pf, roundToFloat(lower(pf).mul(decay)).sub(md.mul(stepSize).div(denom))).intoArray(p, i);
        }
    }

    /** As {@link #paramsLower}, lanes HALF .. LANES-1. */
    private static void paramsUpper(float[] p, float[] m, float[] v, int lo, int end, double decay, double eps, double stepSize, double bc2Sqrt) {
        for (int i = lo; i < end; i += LANES) {
            FloatVector pf = FloatVector.fromArray(F, p, i);
            DoubleVector md = upper(FloatVector.fromArray(F, m, i)), vd = upper(FloatVector.fromArray(F, v, i));
            DoubleVector denom = vd.sqrt().div(bc2Sqrt).add(eps);
            withUpper(pf, roundToFloat(upper(pf).mul(decay)).sub(md.mul(stepSize).div(denom))).intoArray(p, i);
        }
    }

    /** {@code f} with its lower half replaced by {@code lo} rounded to float. */
    private static FloatVector withLower(FloatVector f, DoubleVector lo) {
        return f.blend((FloatVector) lo.convertShape(VectorOperators.D2F, F, 0), LOWER);
    }

    /** {@code f} with its upper half replaced by {@code hi} rounded to float. */
    private static FloatVector withUpper(FloatVector f, DoubleVector hi) {
        return f.blend((FloatVector) hi.convertShape(VectorOperators.D2F, F, -1), UPPER);
    }

    static void adamw(double[] p, double[] g, double[] m, double[] v, int lo, int hi, AdamWStep s) {
        double decay = s.decay(), b1 = s.beta1(), b2 = s.beta2(), eps = s.eps(), stepSize = s.stepSize(), bc2Sqrt = s.bc2Sqrt();
        double c1 = 1 - b1, c2 = 1 - b2;
        int i = lo;
        for (int end = lo + D.loopBound(hi - lo); i < end; i += HALF) {
            DoubleVector gv = DoubleVector.fromArray(D, g, i), mv = DoubleVector.fromArray(D, m, i), vv = DoubleVector.fromArray(D, v, i);
            DoubleVector pd = DoubleVector.fromArray(D, p, i).mul(decay);
            DoubleVector mi = mv.add(gv.sub(mv).mul(c1));
            DoubleVector vi = vv.mul(b2).add(gv.mul(c2).mul(gv));
            DoubleVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            pd.sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
        }
        OptimizerKernels.adamwScalar(p, g, m, v, i, hi, s);
    }

    static void ema(float[] s, float[] p, int lo, int hi, double w) {
        int i = lo;
        if (2 * HALF == LANES) {
            for (int end = lo + F.loopBound(hi - lo); i < end; i += LANES) {
                FloatVector sf = FloatVector.fromArray(F, s, i), pf = FloatVector.fromArray(F, p, i);
                DoubleVector s0 = lower(sf), s1 = upper(sf);
                join(s0.add(lower(pf).sub(s0).mul(w)), s1.add(upper(pf).sub(s1).mul(w))).intoArray(s, i);
            }
        }
        OptimizerKernels.emaScalar(s, p, i, hi, w);
    }

    static void ema(double[] s, double[] p, int lo, int hi, double w) {
        int i = lo;
        for (int end = lo + D.loopBound(hi - lo); i < end; i += HALF) {
            DoubleVector sv = DoubleVector.fromArray(D, s, i);
            sv.add(DoubleVector.fromArray(D, p, i).sub(sv).mul(w)).intoArray(s, i);
        }
        OptimizerKernels.emaScalar(s, p, i, hi, w);
    }

    static void scale(float[] x, int lo, int hi, float c) {
        int i = lo;
        for (int end = lo + F.loopBound(hi - lo); i < end; i += LANES) FloatVector.fromArray(F, x, i).mul(c).intoArray(x, i);
        OptimizerKernels.scaleScalar(x, i, hi, c);
    }
}
