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

    static void adamw(float[] p, float[] g, float[] m, float[] v, int lo, int hi, AdamWStep s) {
        double decay = s.decay(), b1 = s.beta1(), b2 = s.beta2(), eps = s.eps(), stepSize = s.stepSize(), bc2Sqrt = s.bc2Sqrt();
        double c1 = 1 - b1, c2 = 1 - b2;
        int i = lo;
        if (2 * HALF == LANES) {
            for (int end = lo + F.loopBound(hi - lo); i < end; i += LANES) {
                FloatVector pf = FloatVector.fromArray(F, p, i), gf = FloatVector.fromArray(F, g, i);
                FloatVector mf = FloatVector.fromArray(F, m, i), vf = FloatVector.fromArray(F, v, i);
                DoubleVector[] r0 = adamwLanes(lower(pf), lower(gf), lower(mf), lower(vf), decay, c1, b2, c2, eps, stepSize, bc2Sqrt);
                DoubleVector[] r1 = adamwLanes(upper(pf), upper(gf), upper(mf), upper(vf), decay, c1, b2, c2, eps, stepSize, bc2Sqrt);
                join(r0[0], r1[0]).intoArray(p, i);
                join(r0[1], r1[1]).intoArray(m, i);
                join(r0[2], r1[2]).intoArray(v, i);
            }
        }
        OptimizerKernels.adamwScalar(p, g, m, v, i, hi, s);
    }

    /** {p, m, v} after the step, each already rounded to float32 values (exactly representable in double). */
    private static DoubleVector[] adamwLanes(DoubleVector p, DoubleVector g, DoubleVector m, DoubleVector v, double decay,
                                             double c1, double b2, double c2, double eps, double stepSize, double bc2Sqrt) {
        DoubleVector pd = roundToFloat(p.mul(decay));
        DoubleVector mi = roundToFloat(m.add(g.sub(m).mul(c1)));                 // m + (1 - beta1) * (g - m)
        DoubleVector vi = roundToFloat(v.mul(b2).add(g.mul(c2).mul(g)));         // beta2 * v + (1 - beta2) * g * g
        DoubleVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
        DoubleVector pn = pd.sub(mi.mul(stepSize).div(denom));                     // pd - stepSize * m / denom
        return new DoubleVector[] {pn, mi, vi};
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
