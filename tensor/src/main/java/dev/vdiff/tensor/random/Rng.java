package dev.vdiff.tensor.random;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * A counter-based random generator on {@link Philox4x32 Philox4x32-10}: the random bits of block {@code b} are
 * {@code Philox(counter = (counter + b, stream), key)}, so every element of a fill is a pure function of
 * (key, stream, position). Fills run in parallel over blocks and give the same bits on any thread count.
 *
 * <pre>{@code
 * Rng rng = Rng.seed(42);
 * Tensor w = rng.uniform(-0.1, 0.1, DType.FLOAT32, 64, 32);   // [64, 32] in [-0.1, 0.1)
 * Tensor eps = rng.normal(DType.FLOAT32, 2, 4, 8, 8);         // standard normal noise
 * Rng worker3 = rng.split(3);                                  // an independent stream per worker / sample
 * Rng.State s = rng.state();  ...  Rng again = Rng.restore(s); // checkpoint and resume
 * }</pre>
 *
 * <p>State: a 64-bit {@code key} (the seed), a 64-bit {@code stream} (0 for the root; {@link #split} and
 * {@link #fork} derive children's streams by hashing through Philox under a domain-separated key) and a 64-bit
 * block {@code counter} that every draw advances. A 128-bit Philox counter holds {@code (counter, stream)}
 * as four 32-bit words, low word first.
 *
 * <p>Block layout of the draws (each fill starts on a fresh block; a partial last block is discarded):
 * <ul>
 *   <li>uniform float32: 4 per block, word {@code j} gives {@code (w_j >>> 8) * 2^-24};</li>
 *   <li>uniform float64: 2 per block, words {@code (2j, 2j+1)} form the 64-bit {@code x = w_2j << 32 | w_2j+1},
 *       value {@code (x >>> 11) * 2^-53};</li>
 *   <li>normal: Box–Muller on pairs of uniforms {@code u1 in (0, 1]}, {@code u2 in [0, 1)}:
 *       {@code sqrt(-2 ln u1) * (cos 2 pi u2, sin 2 pi u2)}; float32 takes 32-bit uniforms (4 values per block),
 *       float64 53-bit ones (2 values per block); math in double with {@link StrictMath} so bits are
 *       identical on every JVM;</li>
 *   <li>randint: 2 per block, {@code lo + floor(x * (hi - lo) / 2^64)} from the 64-bit {@code x} (bias at most
 *       {@code (hi - lo) / 2^64}, no rejection so that positions stay fixed);</li>
 *   <li>{@link #nextLong()}, {@link #nextDouble()}: one block each (words 0 and 1).</li>
 * </ul>
 *
 * <p>An {@code Rng} is mutable and not thread-safe: give each thread its own {@link #split} child.
 */
public final class Rng {
    /** Everything needed to resume a generator exactly: key, stream and block counter. */
    public record State(long key, long stream, long counter) {
        public long[] toLongs() {
            return new long[] {key, stream, counter};
        }

        public static State fromLongs(long[] a) {
            if (a == null || a.length != 3) throw new IllegalArgumentException("Rng state needs 3 longs (key, stream, counter), got " + (a == null ? "null" : a.length));
            return new State(a[0], a[1], a[2]);
        }

        /** The state as an int64 tensor [3], for checkpoint files. */
        public Tensor toTensor() {
            return Tensor.ofLongs(toLongs(), 3);
        }

        public static State fromTensor(Tensor t) {
            if (t.dtype() != DType.INT64 || t.numel() != 3) throw new IllegalArgumentException("Rng state tensor must be int64 with 3 elements, got " + t.dtype() + Shape.str(t.shape()));
            return fromLongs(t.contiguous().longs().clone());
        }
    }

    /** Key offsets that separate the hash used to derive child streams from the data blocks. */
    private static final long SPLIT_DOMAIN = 0x73706C6974L << 24, FORK_DOMAIN = 0x666F726BL << 32;
    /** Blocks per parallel chunk (about 16K float32 values); fixed, so chunking never changes the bits. */
    static final int GRAIN_BLOCKS = 4096;

    private static final long MASK = 0xFFFFFFFFL;

    private final long key;
    private final long stream;
    private long counter;

    private Rng(long key, long stream, long counter) {
        this.key = key;
        this.stream = stream;
        this.counter = counter;
    }

    /** The root generator of a seed. */
    public static Rng seed(long seed) {
        return new Rng(seed, 0, 0);
    }

    /** A generator that continues exactly where the one that produced {@code s} was. */
    public static Rng restore(State s) {
        return new Rng(s.key(), s.stream(), s.counter());
    }

    public State state() {
        return new State(key, stream, counter);
    }

    /**
     * The child stream {@code id}: a pure function of (key, this stream, id), independent of how much this
     * generator has drawn, and not advancing it. {@code split(a).split(b)} and {@code split(b)} differ.
     */
    public Rng split(long id) {
        return new Rng(key, derive(SPLIT_DOMAIN, id), 0);
    }

    /** A fresh child stream; successive forks differ. Deterministic: it derives from and advances the counter. */
    public Rng fork() {
        Rng child = new Rng(key, derive(FORK_DOMAIN, counter), 0);
        counter++;
        return child;
    }

    /** Hashes {@code (x, stream)} through Philox under the key offset by {@code domain}; 64 bits. */
    private long derive(long domain, long x) {
        long k = key ^ domain;
        int[] w = new int[4];
        Philox4x32.block((int) x, (int) (x >>> 32), (int) stream, (int) (stream >>> 32), (int) k, (int) (k >>> 32), w, 0);
        return ((long) w[0] << 32) | (w[1] & MASK);
    }

    // ---------------------------------------------------------------- scalars

    /** 64 uniformly random bits (one block). */
    public long nextLong() {
        int[] w = new int[4];
        long c = counter++;
        Philox4x32.block((int) c, (int) (c >>> 32), (int) stream, (int) (stream >>> 32), (int) key, (int) (key >>> 32), w, 0);
        return ((long) w[0] << 32) | (w[1] & MASK);
    }

    /** Uniform in [0, 1) with 53 random bits (one block). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1p-53;
    }

    /** Uniform integer in [0, bound) (one block). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("Rng.nextInt: bound must be positive, got " + bound);
        return (int) below(nextLong(), bound);
    }

    /** {@code floor(x * range / 2^64)} for unsigned 64-bit {@code x}: maps random bits onto [0, range). */
    static long below(long x, long range) {
        // Unsigned high product from the signed one: add range when x's top bit is set (range is positive).
        return Math.multiplyHigh(x, range) + ((x >> 63) & range);
    }

    // ---------------------------------------------------------------- tensors

    /** Uniform in [0, 1), float32 or float64. */
    public Tensor uniform(DType dtype, int... shape) {
        return uniform(0, 1, dtype, shape);
    }

    /** Uniform in [lo, hi): {@code lo + (hi - lo) u}, computed in double (float32 may round up to hi). */
    public Tensor uniform(double lo, double hi, DType dtype, int... shape) {
        requireFloat("uniform", dtype);
        if (!(lo < hi) || !Double.isFinite(hi - lo)) throw new IllegalArgumentException("Rng.uniform: need finite lo < hi, got [" + lo + ", " + hi + ")");
        int n = Shape.numel(shape);
        double span = hi - lo;
        if (dtype == DType.FLOAT32) {
            float[] out = new float[n];
            forEachBlock(n, 4, (w, first, count) -> {
                for (int j = 0; j < count; j++) out[first + j] = (float) (lo + span * ((w[j] >>> 8) * 0x1p-24));
            });
            return Tensor.of(out, shape);
        }
        double[] out = new double[n];
        forEachBlock(n, 2, (w, first, count) -> {
            for (int j = 0; j < count; j++) out[first + j] = lo + span * (bits64(w, j) >>> 11) * 0x1p-53;
        });
        return Tensor.of(out, shape);
    }

    /** Standard normal, float32 or float64. */
    public Tensor normal(DType dtype, int... shape) {
        return normal(0, 1, dtype, shape);
    }

    /** Normal with the given mean and standard deviation. */
    public Tensor normal(double mean, double std, DType dtype, int... shape) {
        requireFloat("normal", dtype);
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) throw new IllegalArgumentException("Rng.normal: need finite mean and std >= 0, got mean " + mean + ", std " + std);
        int n = Shape.numel(shape);
        if (dtype == DType.FLOAT32) {
            float[] out = new float[n];
            forEachBlock(n, 4, (w, first, count) -> {
                double[] zz = new double[4];
                for (int p = 0; p < 2; p++) {
                    double u1 = ((w[2 * p] & MASK) + 1) * 0x1p-32;   // (0, 1]: log never sees 0
                    double u2 = (w[2 * p + 1] & MASK) * 0x1p-32;     // [0, 1)
                    boxMuller(u1, u2, zz, 2 * p);
                }
                for (int j = 0; j < count; j++) out[first + j] = (float) (mean + std * zz[j]);
            });
            return Tensor.of(out, shape);
        }
        double[] out = new double[n];
        forEachBlock(n, 2, (w, first, count) -> {
            double[] zz = new double[2];
            double u1 = ((bits64(w, 0) >>> 11) + 1) * 0x1p-53;
            double u2 = (bits64(w, 1) >>> 11) * 0x1p-53;
            boxMuller(u1, u2, zz, 0);
            for (int j = 0; j < count; j++) out[first + j] = mean + std * zz[j];
        });
        return Tensor.of(out, shape);
    }

    /** Uniform int64 in [lo, hi). */
    public Tensor randint(long lo, long hi, int... shape) {
        long range = hi - lo;
        if (!(lo < hi) || range <= 0) throw new IllegalArgumentException("Rng.randint: need lo < hi with hi - lo < 2^63, got [" + lo + ", " + hi + ")");
        int n = Shape.numel(shape);
        long[] out = new long[n];
        forEachBlock(n, 2, (w, first, count) -> {
            for (int j = 0; j < count; j++) out[first + j] = lo + below(bits64(w, j), range);
        });
        return Tensor.ofLongs(out, shape);
    }

    /** A random permutation of {@code 0 .. n-1} as int64 [n] (Fisher–Yates; draw k picks the slot for n-1-k). */
    public Tensor permutation(int n) {
        if (n < 0) throw new IllegalArgumentException("Rng.permutation: n must be >= 0, got " + n);
        long[] perm = new long[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        if (n < 2) return Tensor.ofLongs(perm, n);
        long[] bits = new long[n - 1];
        forEachBlock(n - 1, 2, (w, first, count) -> {
            for (int j = 0; j < count; j++) bits[first + j] = bits64(w, j);
        });
        for (int i = n - 1; i >= 1; i--) {
            int j = (int) below(bits[n - 1 - i], i + 1);
            long t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return Tensor.ofLongs(perm, n);
    }

    // ---------------------------------------------------------------- block machinery

    /** Receives the four words of one block and writes elements {@code first .. first+count-1}. */
    @FunctionalInterface
    private interface BlockBody {
        void run(int[] words, int first, int count);
    }

    /**
     * Runs {@code body} for every block of an {@code n}-element fill with {@code perBlock} elements per block,
     * in parallel (each block writes its own elements), then advances the counter past the fill.
     */
    private void forEachBlock(int n, int perBlock, BlockBody body) {
        long base = counter;
        int blocks = (int) (((long) n + perBlock - 1) / perBlock);
        int k0 = (int) key, k1 = (int) (key >>> 32), s0 = (int) stream, s1 = (int) (stream >>> 32);
        Parallel.forRange(blocks, GRAIN_BLOCKS, (lo, hi) -> {
            int[] w = new int[4];
            for (int b = lo; b < hi; b++) {
                long c = base + b;
                Philox4x32.block((int) c, (int) (c >>> 32), s0, s1, k0, k1, w, 0);
                long first = (long) b * perBlock;
                body.run(w, (int) first, (int) Math.min(perBlock, n - first));
            }
        });
        counter = base + blocks;
    }

    /** The 64-bit value {@code w[2j] << 32 | w[2j+1]} (j = 0 or 1). */
    private static long bits64(int[] w, int j) {
        return ((long) w[2 * j] << 32) | (w[2 * j + 1] & MASK);
    }

    /** Writes the Box–Muller pair of {@code (u1 in (0,1], u2 in [0,1))} to {@code z[at], z[at+1]}. */
    private static void boxMuller(double u1, double u2, double[] z, int at) {
        double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
        double theta = 2 * Math.PI * u2;
        z[at] = r * StrictMath.cos(theta);
        z[at + 1] = r * StrictMath.sin(theta);
    }

    private static void requireFloat(String op, DType dtype) {
        if (!dtype.isFloat()) throw new IllegalArgumentException("Rng." + op + ": dtype must be float32 or float64, got " + dtype + " (use randint for int64)");
    }

    @Override
    public String toString() {
        return String.format("Rng(key=%d, stream=%016x, counter=%d)", key, stream, counter);
    }
}
