package dev.vdiff.tensor.kernels;

/**
 * Per-thread reusable work arrays for packed GEMM operands, so that a call does not allocate (and the JVM
 * zero) megabytes each time. Contents are stale on return: callers overwrite every element they read.
 * A slot already lent out on this thread (re-entrant use) yields a fresh array instead.
 */
final class Scratch {
    private Scratch() {}

    /**
     * Slots: packed A (caller thread) and one task's B panels (worker thread; the caller itself with 1 thread);
     * a convolution's padded input grid and its output on that grid (caller thread, around its GEMM);
     * a Winograd transform's per-plane work (any thread, inside one chunk of its loop: {@link WinogradF2x3}); a
     * channels-last copy of an operand (caller thread: {@link WinogradWeightGrad}).
     */
    static final int A = 0, B = 1, GRID_IN = 2, GRID_OUT = 3, WORK = 4, CHANNELS_LAST = 5;
    /** All of B packed once per call (caller thread), read by every task: {@link SharedSplit}. */
    static final int B_SHARED = 6;

    private static final class Slots {
        final float[][] f = new float[7][];
        final double[][] d = new double[7][];
        final boolean[] lent = new boolean[7];
    }

    private static final ThreadLocal<Slots> SLOTS = ThreadLocal.withInitial(Slots::new);

    /** Arrays above this many bytes are not kept (a rare huge product should not pin its buffer forever). */
    private static final long KEEP_BYTES = 64L << 20;

    static float[] floats(int slot, int n) {
        Slots s = SLOTS.get();
        if (s.lent[slot] || 4L * n > KEEP_BYTES) return new float[n];
        if (s.f[slot] == null || s.f[slot].length < n) s.f[slot] = new float[n];
        s.lent[slot] = true;
        return s.f[slot];
    }

    static double[] doubles(int slot, int n) {
        Slots s = SLOTS.get();
        if (s.lent[slot] || 8L * n > KEEP_BYTES) return new double[n];
        if (s.d[slot] == null || s.d[slot].length < n) s.d[slot] = new double[n];
        s.lent[slot] = true;
        return s.d[slot];
    }

    /** Returns {@code array} to its slot if it came from there. */
    static void release(int slot, Object array) {
        Slots s = SLOTS.get();
        if (array == s.f[slot] || array == s.d[slot]) s.lent[slot] = false;
    }
}
