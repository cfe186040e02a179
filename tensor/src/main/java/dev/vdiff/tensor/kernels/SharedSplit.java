package dev.vdiff.tensor.kernels;

/**
 * How {@link Gemm} shares a few large products out among threads with B packed once ("shared B").
 *
 * <p>By default a task packs the B panels it uses just before using them (they stay in L1), and tasks split N
 * first, because a task that splits M packs B again. For one or two large products (a square matmul, a linear
 * layer over many tokens) that leaves the threads unevenly loaded: N comes in whole panels of NR = 48 columns,
 * 512 = 10 x 48 + 32 columns are 11 unequal panels, and {@code Parallel.forRange} hands them out as 6 chunks of 2,
 * 2, 2, 2, 2 and 1 panels, so with 2 threads one does 288 columns' work and the other 224 (the wall time of
 * 288 / 256 = 1.125 perfect halves). In shared mode B is packed once per call (in parallel, with A) into one
 * array, and the tasks split M into equal tiles of whole MR-row panels, each task sweeping all of N: every
 * task does the same work and none packs anything.
 *
 * <p>Only the tiling changes, never the arithmetic: every C element is still the sum of its k-blocks in order,
 * each a chain of fused multiply-adds, so the bits are those of the default split and of any thread count.
 */
final class SharedSplit {
    private SharedSplit() {}

    /** Tasks per thread: equal tiles, a few per thread so that a thread slowed by other work hands some over. */
    static final int TASKS_PER_THREAD = 4;
    /**
     * Fewest MR-row panels per task: each B panel read from L2 (not packed into L1 just before) is then used
     * by at least this many micro-kernel calls (8 x 8 = 64 rows).
     */
    static final int MIN_PANELS = 8;
    /** Largest shared packed B, bytes (an im2col operand of a large convolution stays on the default path). */
    static final long MAX_BYTES = 16L << 20;

    /**
     * Bytes of C one task sweeps per k-block (its tile of M by all of N), kept to about half of a 1 MiB L2 so that
     * the C tile is still there for the next k-block. Measured on one thread (`GemmProfile`, 1024 x 1024, loaded
     * machine): tiles of 16 panels (512 KiB of C) 107 GFLOP/s, 64 panels (2 MiB) 101.
     */
    static final long C_BLOCK_BYTES = 640L << 10;

    /**
     * True when the call should pack B once and split M: B packed (not read in place), few batches (many batches
     * already give equal tasks, and a convolution's batch of images has large im2col operands), a packed B of at
     * most {@link #MAX_BYTES}, and rows for two tasks of {@link #MIN_PANELS} panels per thread. Also on one
     * thread: packing all of B in one sweep (row by row) and reading it from L2 measured 5-13% faster than
     * packing each panel just before its use (`GemmProfile`: 114 against 109 GFLOP/s at 512, 107 against 93 at 1024).
     */
    static boolean applies(int threads, int batches, int mPanels, boolean bInPlace, long packedBBytes) {
        return !bInPlace && batches < 2 * threads && packedBBytes <= MAX_BYTES
            && (long) (mPanels / MIN_PANELS) * batches >= 2L * threads;
    }

    /**
     * Number of M tiles per batch: {@link #TASKS_PER_THREAD} tasks per thread (with 2 or more), tiles whose C
     * block ({@code rowBytes} per panel) and packed A block ({@code maxTileM} panels) stay in L2, rounded up to a
     * multiple of the threads, and no tile below {@link #MIN_PANELS} panels.
     */
    static int mTiles(int threads, int batches, int mPanels, int maxTileM, long rowBytes) {
        int want = threads == 1 ? 1 : (TASKS_PER_THREAD * threads + batches - 1) / batches;
        int cap = (int) Math.max(1, Math.min(maxTileM, C_BLOCK_BYTES / rowBytes));
        int tiles = Math.max(want, (mPanels + cap - 1) / cap);
        if (batches == 1) tiles = (tiles + threads - 1) / threads * threads;
        return Math.max(1, Math.min(tiles, mPanels / MIN_PANELS));
    }
}
