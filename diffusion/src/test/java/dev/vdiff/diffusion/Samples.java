package dev.vdiff.diffusion;

import dev.vdiff.tensor.Tensor;

import java.util.SplittableRandom;

/** Seeded standard-normal test tensors. */
final class Samples {
    private Samples() {}

    static Tensor normal(long seed, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1;
        for (int d : shape) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return Tensor.of(v, shape);
    }
}
