package dev.vdiff.reference.data;

import java.util.SplittableRandom;

/**
 * Index-addressable random streams for the synthetic data.
 *
 * <p>Every clip gets its own {@link SplittableRandom}, seeded by hashing (dataset seed, clip index) with the
 * SplitMix64 finaliser, so clip {@code i} is the same whatever order clips are requested in and however many
 * threads request them. Inside a clip every concern (layout, texture, noise, shuffling) gets its own stream,
 * {@code stream(clipSeed, k)}, so changing how many numbers one concern draws never shifts another.
 *
 * <p>({@code dev.vdiff.tensor.random.Rng} was not in main when this was written; these streams are plain JDK
 * {@link SplittableRandom}s, whose algorithm is specified, so results are the same on every JDK 17+.)
 */
public final class Seeds {
    /** Stream ids inside one clip. */
    static final int LAYOUT = 1, TEXTURE = 2, NOISE = 3, SHUFFLE = 4, SPEC = 5;

    private Seeds() {}

    /** SplitMix64's finaliser: a bijective 64-bit mix with good avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The seed of item {@code index} of a collection seeded with {@code seed}. */
    public static long derive(long seed, long index) {
        return mix64(mix64(seed) + 0x9e3779b97f4a7c15L * (index + 1));
    }

    /** Stream {@code id} of the item whose seed is {@code seed}. */
    static SplittableRandom stream(long seed, int id) {
        return new SplittableRandom(derive(seed, id));
    }

    /**
     * A standard normal draw by the Box–Muller transform (written out rather than {@code nextGaussian()} so the
     * numbers are fixed by this file alone).
     */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();   // (0, 1]: log is finite
        double u2 = r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
