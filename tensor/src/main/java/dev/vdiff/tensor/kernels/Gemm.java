package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * General matrix multiply {@code C[M,N] (=|+=) A[M,K] . B[K,N]} in float32 ({@code sgemm}) and float64
 * ({@code dgemm}), optionally transposed operands, batched, multi-threaded and deterministic.
 *
 * <p>Algorithm (the GotoBLAS/BLIS layering):
 * <pre>
 *   pack A into MR-row panels, per k-block of KC         (once per call, shared by all tasks)
 *   in parallel over tasks = (batch, m-tile, n-tile):
 *     set the task's C tile to 0 (unless accumulating)
 *     for each k-block of KC, in order:
 *       for each NR-column panel of B in the n-tile:    pack it (KC x NR, stays in L1)
 *         for each MR-row panel of A in the m-tile:     micro-kernel: C tile += Apanel^T . Bpanel
 * </pre>
 * The micro-kernel ({@link MicroKernel}) holds an MR x NR tile of C in registers and runs a chain of fused
 * multiply-adds down one k-block.
 *
 * <p>Determinism: every element of C is {@code sum over k-blocks in order of (fma chain over the block)};
 * the block size {@link #KC} is a constant, so neither the thread count, the tiling, nor the kernel
 * (vector or scalar) changes a single bit of the result.
 *
 * <p>Worked example (row-major, no transposes):
 * <pre>{@code
 * float[] a = {1, 2, 3, 4, 5, 6};          // A[2,3]
 * float[] b = {1, 0, 0, 1, 1, 1};          // B[3,2]
 * float[] c = new float[4];                // C[2,2]
 * Gemm.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false);
 * // c = {4, 5, 10, 11}
 * }</pre>
 */
public final class Gemm {
    private Gemm() {}

    /**
     * Length of a k-block: each C element sums its products in blocks of KC (a chain of fused
     * multiply-adds per block, blocks added in order). Part of the numerics, so never tuned per machine.
     * 128 keeps a B panel (128 x 48 floats = 24 KiB) in a 32 KiB L1 cache.
     */
    public static final int KC = 128;

    /** Products with at most this many multiply-adds skip packing (see {@link Direct}). */
    static final long DIRECT_MAX = 32 * 1024;

    /** Target size of the packed A block one task sweeps for each B panel (it should stay in L2). */
    private static final int A_BLOCK_BYTES = 256 * 1024;

    // ------------------------------------------------------------------ dense (BLAS-style) entry points

    /**
     * {@code C = op(A) op(B)} or {@code C += op(A) op(B)} ({@code accumulate}) for row-major float32 matrices:
     * op(A) is [m, k], stored as A[m, k] with row stride {@code lda}, or, if {@code transA}, as A[k, m];
     * op(B) is [k, n], stored as B[k, n] (row stride {@code ldb}) or, if {@code transB}, as B[n, k];
     * C is [m, n] with row stride {@code ldc}.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(MicroKernel.floatKernel(), transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** The float64 form of {@link #sgemm(boolean, boolean, int, int, int, float[], int, int, float[], int, int, float[], int, int, boolean)}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        dgemm(MicroKernel.doubleKernel(), transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    static void sgemm(MicroKernel.F kernel, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        int[] one = {0};
        sgemm(kernel, 1, m, n, k, aOff, one, transA ? lda : 1, transA ? 1 : lda, a,
            bOff, one, transB ? 1 : ldb, transB ? ldb : 1, b, c, cOff, 0, ldc, accumulate);
    }

    static void dgemm(MicroKernel.D kernel, boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double[] c, int cOff, int ldc, boolean accumulate) {
        int[] one = {0};
        dgemm(kernel, 1, m, n, k, aOff, one, transA ? lda : 1, transA ? 1 : lda, a,
            bOff, one, transB ? 1 : ldb, transB ? ldb : 1, b, c, cOff, 0, ldc, accumulate);
    }

    // ------------------------------------------------------------------ batched strided entry points

    /**
     * A batch of products over strided operands: for {@code t < batches},
     * {@code C_t (=|+=) A_t B_t} with
     * <pre>
     *   A_t(i, p) = a[aOff + aBatch[t] + p*aK + i*aM]        (A_t is [m, k])
     *   B_t(p, j) = b[bOff + bBatch[t] + p*bK + j*bN]        (B_t is [k, n])
     *   C_t(i, j) = c[cOff + t*cBatch + i*ldc + j]
     * </pre>
     * Strides may be anything (transposed views, a batch offset repeated for a broadcast operand).
     */
    public static void sgemmBatched(int batches, int m, int n, int k,
                                    float[] a, int aOff, int[] aBatch, int aK, int aM,
                                    float[] b, int bOff, int[] bBatch, int bK, int bN,
                                    float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        sgemm(MicroKernel.floatKernel(), batches, m, n, k, aOff, aBatch, aK, aM, a, bOff, bBatch, bK, bN, b, c, cOff, cBatch, ldc, accumulate);
    }

    /** The float64 form of {@link #sgemmBatched}. */
    public static void dgemmBatched(int batches, int m, int n, int k,
                                    double[] a, int aOff, int[] aBatch, int aK, int aM,
                                    double[] b, int bOff, int[] bBatch, int bK, int bN,
                                    double[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        dgemm(MicroKernel.doubleKernel(), batches, m, n, k, aOff, aBatch, aK, aM, a, bOff, bBatch, bK, bN, b, c, cOff, cBatch, ldc, accumulate);
    }

    static void sgemm(MicroKernel.F kernel, int batches, int m, int n, int k,
                      int aOff, int[] aBatch, int aK, int aM, float[] a,
                      int bOff, int[] bBatch, int bK, int bN, float[] b,
                      float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        if ((long) m * n * k <= DIRECT_MAX) {
            Parallel.forRange(batches, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    Direct.sgemm(m, n, k, a, aOff + aBatch[t], aK, aM, b, bOff + bBatch[t], bK, bN, c, cOff + t * cBatch, ldc, accumulate);
                }
            });
            return;
        }
        sgemm(kernel, batches, m, n, k, Panels.strided(a, shift(aBatch, aOff), aK, aM), Panels.strided(b, shift(bBatch, bOff), bK, bN),
            c, cOff, cBatch, ldc, accumulate);
    }

    static void dgemm(MicroKernel.D kernel, int batches, int m, int n, int k,
                      int aOff, int[] aBatch, int aK, int aM, double[] a,
                      int bOff, int[] bBatch, int bK, int bN, double[] b,
                      double[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        if ((long) m * n * k <= DIRECT_MAX) {
            Parallel.forRange(batches, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    Direct.dgemm(m, n, k, a, aOff + aBatch[t], aK, aM, b, bOff + bBatch[t], bK, bN, c, cOff + t * cBatch, ldc, accumulate);
                }
            });
            return;
        }
        dgemm(kernel, batches, m, n, k, Panels.strided(a, shift(aBatch, aOff), aK, aM), Panels.strided(b, shift(bBatch, bOff), bK, bN),
            c, cOff, cBatch, ldc, accumulate);
    }

    private static int[] shift(int[] offsets, int by) {
        int[] r = new int[offsets.length];
        for (int i = 0; i < r.length; i++) r[i] = offsets[i] + by;
        return r;
    }

    // ------------------------------------------------------------------ general entry points (any operand source)

    /**
     * The general form: operands given as panel sources ({@code aT} packs A^T, i.e. S(p, i) = A(i, p);
     * {@code b} packs B), so that callers such as convolution can pack straight from their own layout
     * (im2col without an im2col buffer). {@code C_t(i, j) = c[cOff + t*cBatch + i*ldc + j]}.
     */
    public static void sgemm(int batches, int m, int n, int k, Panels.F aT, Panels.F b,
                             float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        sgemm(MicroKernel.floatKernel(), batches, m, n, k, aT, b, c, cOff, cBatch, ldc, accumulate);
    }

    /** The float64 form of {@link #sgemm(int, int, int, int, Panels.F, Panels.F, float[], int, int, int, boolean)}. */
    public static void dgemm(int batches, int m, int n, int k, Panels.D aT, Panels.D b,
                             double[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        dgemm(MicroKernel.doubleKernel(), batches, m, n, k, aT, b, c, cOff, cBatch, ldc, accumulate);
    }

    static void sgemm(MicroKernel.F kernel, int batches, int m, int n, int k, Panels.F aT, Panels.F b,
                      float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        if (batches <= 0 || m <= 0 || n <= 0) return;
        if (k == 0) {
            if (!accumulate) {
                for (int t = 0; t < batches; t++) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + t * cBatch + i * ldc, cOff + t * cBatch + i * ldc + n, 0f);
            }
            return;
        }
        new FloatJob(kernel, batches, m, n, k, aT, b, c, cOff, cBatch, ldc, accumulate).run();
    }

    static void dgemm(MicroKernel.D kernel, int batches, int m, int n, int k, Panels.D aT, Panels.D b,
                      double[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
        if (batches <= 0 || m <= 0 || n <= 0) return;
        if (k == 0) {
            if (!accumulate) {
                for (int t = 0; t < batches; t++) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + t * cBatch + i * ldc, cOff + t * cBatch + i * ldc + n, 0.0);
            }
            return;
        }
        new DoubleJob(kernel, batches, m, n, k, aT, b, c, cOff, cBatch, ldc, accumulate).run();
    }

    // ------------------------------------------------------------------ the blocked driver

    /** One GEMM call: the index logic of the blocked loop; element-type specifics are in the subclasses. */
    private abstract static class Job {
        final int batches, m, n, k, mr, nr, elemBytes;
        final boolean accumulate;

        Job(int batches, int m, int n, int k, int mr, int nr, int elemBytes, boolean accumulate) {
            this.batches = batches;
            this.m = m;
            this.n = n;
            this.k = k;
            this.mr = mr;
            this.nr = nr;
            this.elemBytes = elemBytes;
            this.accumulate = accumulate;
        }

        abstract boolean aVaries();
        abstract boolean bVaries();
        /** True when the micro-kernel reads B where it lies (no B panels are packed). */
        boolean bInPlace() { return false; }
        /** A work array of at least {@code length} elements from {@link Scratch} slot {@code slot}. */
        abstract Object newArray(int slot, int length);
        abstract void packA(int batch, int k0, int kc, int i0, int rows, Object dst, int off);
        /** Packs B columns [j0, j0 + cols), at most NR of them, of a k-block as one panel. */
        abstract void packB(int batch, int k0, int kc, int j0, int cols, Object dst, int off);
        /**
         * Runs the micro-kernel for the C tile at (i0, j0) of batch t (C += A.B) for the k-block at k0; partial
         * tiles go through {@code tmp}.
         */
        abstract void tile(int kc, Object ap, int ao, Object bp, int bo, int t, int k0, int i0, int j0, int rows, int cols, Object tmp);
        /** Sets rows [i0, i1) x columns [j0, j1) of C_t to zero. */
        abstract void zero(int t, int i0, int i1, int j0, int j1);

        void run() {
            int kBlocks = (k + KC - 1) / KC, mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
            int aCopies = aVaries() ? batches : 1;
            int aSize = mPanels * mr * k;   // one packed A: [k-block][m-panel][kc][mr]
            int threads = Parallel.threadsHere();
            int bCopies = bVaries() ? batches : 1;
            long bSize = (long) nPanels * nr * k;   // one packed B: [k-block][n-panel][kc][nr]
            // A few large products (a square matmul) would leave the threads unevenly loaded by N tiles of whole
            // panels (512 = 10 x 48 + 32 columns in 11 panels: 6 tasks of 2, 2, 2, 2, 2 and 1 panels). Then B is
            // packed once, shared by all tasks, so that M can be split into equal tiles without packing B again
            // for each of them (see SharedSplit).
            boolean shareB = SharedSplit.applies(threads, batches, mPanels, bInPlace(), (long) bCopies * bSize * elemBytes);
            Object ap = newArray(Scratch.A, aCopies * aSize);
            Object bs = shareB ? newArray(Scratch.B_SHARED, (int) (bCopies * bSize)) : null;
            int aJobs = aCopies * kBlocks * ceilDiv(mPanels, PACK_PANELS), bJobs = shareB ? bCopies * kBlocks * ceilDiv(nPanels, PACK_PANELS) : 0;
            Parallel.forRange(aJobs + bJobs, 1, (lo, hi) -> {
                for (int q = lo; q < hi; q++) {
                    boolean isA = q < aJobs;
                    int job = isA ? q : q - aJobs, panels = isA ? mPanels : nPanels, groups = ceilDiv(panels, PACK_PANELS);
                    int t = job / (kBlocks * groups), rest = job % (kBlocks * groups);
                    int k0 = (rest / groups) * KC, kc = Math.min(KC, k - k0), g0 = (rest % groups) * PACK_PANELS, g1 = Math.min(panels, g0 + PACK_PANELS);
                    for (int p = g0; p < g1; p++) {
                        if (isA) packA(t, k0, kc, p * mr, Math.min(mr, m - p * mr), ap, t * aSize + k0 * mPanels * mr + p * kc * mr);
                        else packB(t, k0, kc, p * nr, Math.min(nr, n - p * nr), bs, (int) (t * bSize) + k0 * nPanels * nr + p * kc * nr);
                    }
                }
            });

            // Tiling only decides who computes which tile, never how. Tasks split N first: that costs nothing
            // (every task sweeps all of A per B panel anyway). Splitting M makes each m-tile pack B again, which
            // for im2col operands costs about as much as the arithmetic it shares out, so M is split only when
            // N gives too few tasks for the threads, or when the A block would not stay in L2. With B shared
            // (packed above), M is split into equal tiles instead and nothing is packed again.
            int nTiles, tileN, mTiles;
            int maxTileM = Math.max(1, A_BLOCK_BYTES / (KC * mr * elemBytes));
            if (shareB) {
                nTiles = 1;
                tileN = nPanels;
                mTiles = SharedSplit.mTiles(threads, batches, mPanels, maxTileM, (long) mr * nPanels * nr * elemBytes);
            } else {
                nTiles = threads == 1 ? 1 : Math.min(nPanels, Math.max(1, (8 * threads + batches - 1) / batches));
                tileN = (nPanels + nTiles - 1) / nTiles;
                nTiles = (nPanels + tileN - 1) / tileN;
                mTiles = (mPanels + maxTileM - 1) / maxTileM;
                // B read in place (no packing) makes splitting M free: then enough tasks to balance the threads
                int fewest = bInPlace() && threads > 1 ? 8 * threads : 2 * threads;
                if (batches * nTiles * mTiles < fewest) mTiles = Math.min(mPanels, (fewest + batches * nTiles - 1) / (batches * nTiles));
            }
            int tileM = (mPanels + mTiles - 1) / mTiles;
            int mTilesF = (mPanels + tileM - 1) / tileM, nTilesF = nTiles, tileNF = tileN;

            Parallel.forRange(batches * mTilesF * nTilesF, 1, (lo, hi) -> {
                Object bp = shareB ? bs : newArray(Scratch.B, KC * nr);   // one packed B panel: [kc][nr]
                Object tmp = newArray(-1, mr * nr);
                for (int task = lo; task < hi; task++) {
                    int t = task / (mTilesF * nTilesF), rest = task % (mTilesF * nTilesF);
                    int p0 = (rest / nTilesF) * tileM, p1 = Math.min(mPanels, p0 + tileM);
                    int q0 = (rest % nTilesF) * tileNF, q1 = Math.min(nPanels, q0 + tileNF);
                    int aBase = aVaries() ? t * aSize : 0, bBase = shareB && bCopies > 1 ? (int) (t * bSize) : 0;
                    if (!accumulate) zero(t, p0 * mr, Math.min(m, p1 * mr), q0 * nr, Math.min(n, q1 * nr));   // then C = 0 + sum
                    for (int k0 = 0; k0 < k; k0 += KC) {
                        int kc = Math.min(KC, k - k0);
                        for (int q = q0; q < q1; q++) {
                            // Pack one B panel (kc x NR: 24 KiB for float) just before use: it stays in L1 while
                            // the A panels of the m-tile stream past it from L2. (Shared: packed before, read here.)
                            int j0 = q * nr, cols = Math.min(nr, n - j0), bo = 0;
                            if (shareB) bo = bBase + k0 * nPanels * nr + q * kc * nr;
                            else packB(t, k0, kc, j0, cols, bp, 0);
                            for (int p = p0; p < p1; p++) {
                                int i0 = p * mr;
                                tile(kc, ap, aBase + k0 * mPanels * mr + p * kc * mr, bp, bo, t, k0, i0, j0, Math.min(mr, m - i0), cols, tmp);
                            }
                        }
                    }
                }
                if (!shareB) Scratch.release(Scratch.B, bp);
            });
            if (shareB) Scratch.release(Scratch.B_SHARED, bs);
            Scratch.release(Scratch.A, ap);
        }
    }

    /** Panels per packing job (a job packs up to this many panels of one k-block). */
    private static final int PACK_PANELS = 16;

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static final class FloatJob extends Job {
        final MicroKernel.F kernel;
        final Panels.F aT, b;
        final Panels.RowsF direct;   // B read in place by the micro-kernel (no packing), or null
        final MicroKernel.NarrowF narrow;   // the kernel's partial-width tiles, or null
        final float[] c;
        final int cOff, cBatch, ldc;

        FloatJob(MicroKernel.F kernel, int batches, int m, int n, int k, Panels.F aT, Panels.F b,
                 float[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
            super(batches, m, n, k, kernel.mr(), kernel.nr(), 4, accumulate);
            this.kernel = kernel;
            this.aT = aT;
            this.b = b;
            this.direct = b instanceof Panels.RowsF r && r.readsInPlace(kernel.nr()) ? r : null;
            MicroKernel.NarrowF nk = kernel.narrow();
            this.narrow = nk != null && 3 * nk.vectorLength() == kernel.nr() ? nk : null;
            this.c = c;
            this.cOff = cOff;
            this.cBatch = cBatch;
            this.ldc = ldc;
        }

        boolean aVaries() { return aT.varies(); }
        boolean bVaries() { return b.varies(); }
        @Override boolean bInPlace() { return direct != null; }
        Object newArray(int slot, int length) { return slot < 0 ? new float[length] : Scratch.floats(slot, length); }
        void packA(int t, int k0, int kc, int i0, int rows, Object dst, int off) { aT.pack(t, k0, kc, i0, rows, mr, (float[]) dst, off); }

        void packB(int t, int k0, int kc, int j0, int cols, Object dst, int off) {
            if (direct == null) b.pack(t, k0, kc, j0, cols, nr, (float[]) dst, off);
        }

        void tile(int kc, Object ap, int ao, Object bp, int bo, int t, int k0, int i0, int j0, int rows, int cols, Object tmpObj) {
            int co = cOff + t * cBatch + i0 * ldc + j0;
            // The last column panel holding 1 or 2 vectors' worth of columns: compute only those (same bits)
            int vectors = narrow == null ? 3 : (cols + narrow.vectorLength() - 1) / narrow.vectorLength();
            // In place when the kernel writes exactly the tile's columns (a full tile, or a partial-width one of
            // whole vectors: 512 = 10 x 48 + 2 x 16); else run it on a full-size copy, then write back the part
            // inside C.
            boolean full = rows == mr && (cols == nr || (vectors < 3 && cols == vectors * narrow.vectorLength()));
            float[] tmp = (float[]) tmpObj, cc = full ? c : tmp;
            int o = full ? co : 0, ld = full ? ldc : nr;
            if (!full) for (int r = 0; r < rows; r++) System.arraycopy(c, co + r * ldc, tmp, r * nr, cols);
            if (vectors < 3) {
                if (direct != null) {
                    narrow.tileRows(vectors, kc, (float[]) ap, ao, direct.data, direct.rowOffsets, k0, direct.batchBase[t] + direct.columnOffset(j0), cc, o, ld);
                } else {
                    narrow.tile(vectors, kc, (float[]) ap, ao, (float[]) bp, bo, nr, cc, o, ld);
                }
            } else if (direct != null) {
                kernel.tileRows(kc, (float[]) ap, ao, direct.data, direct.rowOffsets, k0, direct.batchBase[t] + direct.columnOffset(j0), cc, o, ld, (float[]) bp);
            } else {
                kernel.tile(kc, (float[]) ap, ao, (float[]) bp, bo, cc, o, ld);
            }
            if (!full) for (int r = 0; r < rows; r++) System.arraycopy(tmp, r * nr, c, co + r * ldc, cols);
        }

        void zero(int t, int i0, int i1, int j0, int j1) {
            for (int i = i0; i < i1; i++) java.util.Arrays.fill(c, cOff + t * cBatch + i * ldc + j0, cOff + t * cBatch + i * ldc + j1, 0f);
        }
    }

    private static final class DoubleJob extends Job {
        final MicroKernel.D kernel;
        final Panels.D aT, b;
        final double[] c;
        final int cOff, cBatch, ldc;

        DoubleJob(MicroKernel.D kernel, int batches, int m, int n, int k, Panels.D aT, Panels.D b,
                  double[] c, int cOff, int cBatch, int ldc, boolean accumulate) {
            super(batches, m, n, k, kernel.mr(), kernel.nr(), 8, accumulate);
            this.kernel = kernel;
            this.aT = aT;
            this.b = b;
            this.c = c;
            this.cOff = cOff;
            this.cBatch = cBatch;
            this.ldc = ldc;
        }

        boolean aVaries() { return aT.varies(); }
        boolean bVaries() { return b.varies(); }
        Object newArray(int slot, int length) { return slot < 0 ? new double[length] : Scratch.doubles(slot, length); }
        void packA(int t, int k0, int kc, int i0, int rows, Object dst, int off) { aT.pack(t, k0, kc, i0, rows, mr, (double[]) dst, off); }
        void packB(int t, int k0, int kc, int j0, int cols, Object dst, int off) { b.pack(t, k0, kc, j0, cols, nr, (double[]) dst, off); }

        void tile(int kc, Object ap, int ao, Object bp, int bo, int t, int k0, int i0, int j0, int rows, int cols, Object tmpObj) {
            int co = cOff + t * cBatch + i0 * ldc + j0;
            if (rows == mr && cols == nr) {
                kernel.tile(kc, (double[]) ap, ao, (double[]) bp, bo, c, co, ldc);
                return;
            }
            // A partial tile: run the kernel on a full-size copy, then write back the part inside C.
            double[] tmp = (double[]) tmpObj;
            for (int r = 0; r < rows; r++) System.arraycopy(c, co + r * ldc, tmp, r * nr, cols);
            kernel.tile(kc, (double[]) ap, ao, (double[]) bp, bo, tmp, 0, nr);
            for (int r = 0; r < rows; r++) System.arraycopy(tmp, r * nr, c, co + r * ldc, cols);
        }

        void zero(int t, int i0, int i1, int j0, int j1) {
            for (int i = i0; i < i1; i++) java.util.Arrays.fill(c, cOff + t * cBatch + i * ldc + j0, cOff + t * cBatch + i * ldc + j1, 0.0);
        }
    }
}
