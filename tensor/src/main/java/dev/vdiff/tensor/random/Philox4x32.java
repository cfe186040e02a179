package dev.vdiff.tensor.random;

/**
 * The Philox4x32-10 counter-based bijection of Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy
 * as 1, 2, 3" (SC'11), section 4.2: a keyed permutation of 128-bit counters built from 10 rounds of
 * 32x32-to-64-bit multiplications. The output block is a pure function of (counter, key), so any element of a
 * random stream can be computed without touching the others, in any order, on any thread.
 *
 * <p>One round maps the counter words {@code (c0, c1, c2, c3)} with the round key {@code (k0, k1)} to
 * <pre>
 *   (hi(M1 c2) ^ c1 ^ k0,  lo(M1 c2),  hi(M0 c0) ^ c3 ^ k1,  lo(M0 c0))
 * </pre>
 * where {@code hi}/{@code lo} are the upper/lower 32 bits of the 64-bit product. The key is bumped by the Weyl
 * constants {@code (W0, W1)} (golden ratio and sqrt(3) - 1, as 32-bit fractions) between rounds.
 *
 * <p>Checked against the known-answer vectors of the Random123 distribution ({@code tests/kat_vectors}).
 */
public final class Philox4x32 {
    private Philox4x32() {}

    /** Round multipliers (paper, Table 2). */
    static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    /** Key schedule increments: the 32-bit fractional parts of the golden ratio and of sqrt(3) - 1. */
    static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    /** Rounds; 10 is the recommended, Crush-resistant count with a safety margin. */
    public static final int ROUNDS = 10;

    private static final long MASK = 0xFFFFFFFFL;

    /**
     * Encrypts the counter {@code (c0, c1, c2, c3)} under key {@code (k0, k1)} and writes the four output words
     * to {@code out[off .. off+3]}. Words are unsigned 32-bit values carried in Java ints.
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int off) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            // Unsigned 32x32 -> 64-bit products; a wrapped signed long still holds the right 64 bits.
            long p0 = (M0 & MASK) * (c0 & MASK);
            long p1 = (M1 & MASK) * (c2 & MASK);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        out[off] = c0;
        out[off + 1] = c1;
        out[off + 2] = c2;
        out[off + 3] = c3;
    }
}
