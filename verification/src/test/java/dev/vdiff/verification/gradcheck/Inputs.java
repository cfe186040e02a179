package dev.vdiff.verification.gradcheck;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;

import java.util.SplittableRandom;

/**
 * Seeded float64 inputs for the gradient table. Every leaf requires a gradient; values are chosen away from
 * kinks (clamp bounds, ties of max) and outside the domain edges (log, sqrt at 0) where an entry says so.
 */
final class Inputs {
    private Inputs() {}

    /** Uniform in [-1, 1), a float64 leaf requiring a gradient. */
    static Tensor uniform(long seed, int... shape) {
        return range(seed, -1, 1, shape);
    }

    /** Uniform in [lo, hi), a float64 leaf requiring a gradient. */
    static Tensor range(long seed, double lo, double hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /**
     * Uniform in [-2, 2), but at least {@code gap} away from every one of {@code kinks}, so that a central
     * difference of width 2e-6 never straddles a kink.
     */
    static Tensor awayFrom(long seed, double gap, double[] kinks, int... shape) {
        Tensor t = range(seed, -2, 2, shape);
        double[] v = t.doubles();
        for (int i = 0; i < v.length; i++) {
            for (double k : kinks) if (Math.abs(v[i] - k) < gap) v[i] = k + (v[i] < k ? -2 * gap : 2 * gap);
        }
        return t;
    }

    /** An int64 tensor (indices, masks); never differentiated. */
    static Tensor longs(long[] v, int... shape) {
        return Tensor.ofLongs(v, shape);
    }

    /**
     * Overwrites every parameter of {@code m} with seeded values on PyTorch-like scales: matrices and kernels
     * U(-1, 1)/sqrt(fan-in); vectors named {@code weight} (norm scales) 1 + U(-0.3, 0.3), other vectors
     * U(-0.3, 0.3). The norms' ones/zeros initialisation would hide a wrong scale or shift gradient.
     */
    static void randomize(Module m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (var e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            double[] v = p.doubles();
            int fanIn = p.rank() >= 2 ? p.numel() / p.shape(0) : 1;
            boolean scale = p.rank() == 1 && e.getKey().endsWith("weight");
            for (int i = 0; i < v.length; i++) {
                double u = r.nextDouble() * 2 - 1;
                v[i] = p.rank() >= 2 ? u / Math.sqrt(fanIn) : scale ? 1 + 0.3 * u : 0.3 * u;
            }
        }
    }

    /** {@code first} followed by the module's parameters, for an in-place check of input and parameters together. */
    static Tensor[] withParameters(Tensor first, Module m) {
        var ps = m.parameters();
        Tensor[] all = new Tensor[ps.size() + 1];
        all[0] = first;
        for (int i = 0; i < ps.size(); i++) all[i + 1] = ps.get(i);
        return all;
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }
}
