package dev.vdiff.tensor.kernels;

/**
 * Operands of {@link Gemm}, seen as matrices {@code S[K, W]} whose first axis is the GEMM's inner (summed)
 * axis: B itself ({@code W = N}), and A transposed ({@code W = M}). A source copies a block of S into the
 * micro-kernel's panel layout; that copy ("packing") is where transposes, strides, broadcast batches and
 * im2col addressing are resolved, so the micro-kernel only ever reads contiguous panels.
 *
 * <p>Packing contract, for {@code kk < kc} and {@code cc < width}:
 * <pre>
 *   dst[off + kk*width + cc] = S_batch(k0 + kk, c0 + cc)   if cc &lt; cols
 *                            = 0                           otherwise (zero padding of a partial panel)
 * </pre>
 */
public final class Panels {
    private Panels() {}

    /** A float32 operand. */
    public interface F {
        void pack(int batch, int k0, int kc, int c0, int cols, int width, float[] dst, int off);


        /** False when every batch reads the same matrix (then it is packed once and shared). */
        default boolean varies() {
            return true;
        }
    }

    /** A float64 operand. */
    public interface D {
        void pack(int batch, int k0, int kc, int c0, int cols, int width, double[] dst, int off);


        default boolean varies() {
            return true;
        }
    }

    /**
     * An operand whose rows are contiguous runs of one array, each starting anywhere:
     * {@code S_batch(k, c) = data[batchBase[batch] + rowOffsets[k] + c]}. {@link Gemm} does not pack it: the
     * micro-kernel reads B straight from {@code data} (a "direct" product, e.g. the taps of a stride-1
     * convolution on its padded grid, whose panels would otherwise be copied row by row). Full-width reads
     * of the last panel run up to {@code slack} elements past the last column: the array must hold them
     * (their values only reach discarded columns of C).
     *
     * <p>With column runs ({@link #RowsF(float[], int[], int[], int, int, int[])}) a row is several runs of
     * {@code runLength} columns, run {@code r} starting at {@code runBase[r]}:
     * {@code S_batch(k, c) = data[batchBase[batch] + rowOffsets[k] + runBase[c / runLength] + c % runLength]}
     * (the convolution weight gradient's (tap, channel) columns on channels-last x). It is read in place by
     * a micro-kernel whose width divides {@code runLength}, so that no panel straddles two runs.
     */
    public static final class RowsF implements F {
        final float[] data;
        final int[] rowOffsets, batchBase, runBase;
        final int slack, runLength;

        public RowsF(float[] data, int[] rowOffsets, int[] batchBase, int slack) {
            this(data, rowOffsets, batchBase, slack, Integer.MAX_VALUE, new int[] {0});
        }

        public RowsF(float[] data, int[] rowOffsets, int[] batchBase, int slack, int runLength, int[] runBase) {
            this.data = data;
            this.rowOffsets = rowOffsets;
            this.batchBase = batchBase;
            this.slack = slack;
            this.runLength = runLength;
            this.runBase = runBase;
        }

        /** Offset of column {@code c} within a row. */
        int columnOffset(int c) {
            return runBase[c / runLength] + c % runLength;
        }

        /**
         * True when a micro-kernel {@code nr} columns wide can read every panel in place: one run (the row is
         * contiguous, so no panel can straddle two runs), or runs whose length {@code nr} divides.
         */
        boolean readsInPlace(int nr) {
            return slack >= nr && (runBase.length == 1 || runLength % nr == 0);
        }

        @Override
        public void pack(int batch, int k0, int kc, int c0, int cols, int width, float[] dst, int off) {
            for (int kk = 0; kk < kc; kk++) {
                int d = off + kk * width, row = batchBase[batch] + rowOffsets[k0 + kk];
                for (int done = 0; done < cols; ) {
                    int c = c0 + done, len = Math.min(cols - done, runLength - c % runLength);
                    System.arraycopy(data, row + columnOffset(c), dst, d + done, len);
                    done += len;
                }
                for (int cc = cols; cc < width; cc++) dst[d + cc] = 0f;
            }
        }
    }

    /**
     * {@code S_batch(k, c) = data[batchOffsets[batch] + k*kStride + c*cStride]}: any strided matrix, e.g.
     * row-major B[K, N] is {@code (ldb, 1)}, row-major A[M, K] read as A^T is {@code (1, lda)}.
     */
    public static F strided(float[] data, int[] batchOffsets, int kStride, int cStride) {
        return new F() {
            public void pack(int batch, int k0, int kc, int c0, int cols, int width, float[] dst, int off) {
                int base = batchOffsets[batch] + k0 * kStride + c0 * cStride;
                if (cStride == 1) {
                    // rows of S are contiguous: copy row by row
                    for (int kk = 0; kk < kc; kk++) {
                        int s = base + kk * kStride, d = off + kk * width;
                        System.arraycopy(data, s, dst, d, cols);   // short rows: faster than a loop
                        for (int cc = cols; cc < width; cc++) dst[d + cc] = 0f;
                    }
                } else if (kStride == 1 && cols == 8 && width == 8) {
                    packEight(data, base, cStride, kc, dst, off);
                } else {
                    // columns of S are (more) contiguous: read down each column
                    for (int cc = 0; cc < cols; cc++) {
                        int s = base + cc * cStride, d = off + cc;
                        for (int kk = 0; kk < kc; kk++) dst[d + kk * width] = data[s + kk * kStride];
                    }
                    if (cols < width) zeroColumns(dst, off, kc, cols, width);
                }
            }

            public boolean varies() {
                return !allEqual(batchOffsets);
            }
        };
    }

    /**
     * A full 8-wide panel of an operand whose columns are contiguous (row-major A read as A^T: eight rows of A
     * become the panel's k-major rows of 8): eight read streams along k, each panel row written whole. Reading
     * down one column at a time instead writes every eighth float per pass; measured 1.8x slower
     * ({@code GemmProfile}: packing A of a 1024 x 1024 product 0.85 ms against 0.46 on one thread, loaded machine).
     */
    private static void packEight(float[] data, int base, int cStride, int kc, float[] dst, int off) {
        int s0 = base, s1 = s0 + cStride, s2 = s1 + cStride, s3 = s2 + cStride, s4 = s3 + cStride, s5 = s4 + cStride, s6 = s5 + cStride, s7 = s6 + cStride;
        for (int kk = 0; kk < kc; kk++) {
            int d = off + 8 * kk;
            dst[d] = data[s0 + kk];
            dst[d + 1] = data[s1 + kk];
            dst[d + 2] = data[s2 + kk];
            dst[d + 3] = data[s3 + kk];
            dst[d + 4] = data[s4 + kk];
            dst[d + 5] = data[s5 + kk];
            dst[d + 6] = data[s6 + kk];
            dst[d + 7] = data[s7 + kk];
        }
    }

    /** The float64 form of {@link #strided(float[], int[], int, int)}. */
    public static D strided(double[] data, int[] batchOffsets, int kStride, int cStride) {
        return new D() {
            public void pack(int batch, int k0, int kc, int c0, int cols, int width, double[] dst, int off) {
                int base = batchOffsets[batch] + k0 * kStride + c0 * cStride;
                if (cStride == 1) {
                    for (int kk = 0; kk < kc; kk++) {
                        int s = base + kk * kStride, d = off + kk * width;
                        System.arraycopy(data, s, dst, d, cols);
                        for (int cc = cols; cc < width; cc++) dst[d + cc] = 0.0;
                    }
                } else {
                    for (int cc = 0; cc < cols; cc++) {
                        int s = base + cc * cStride, d = off + cc;
                        for (int kk = 0; kk < kc; kk++) dst[d + kk * width] = data[s + kk * kStride];
                    }
                    if (cols < width) zeroColumns(dst, off, kc, cols, width);
                }
            }

            public boolean varies() {
                return !allEqual(batchOffsets);
            }
        };
    }

    static void zeroColumns(float[] dst, int off, int kc, int cols, int width) {
        for (int kk = 0; kk < kc; kk++) {
            int d = off + kk * width;
            for (int cc = cols; cc < width; cc++) dst[d + cc] = 0f;
        }
    }

    static void zeroColumns(double[] dst, int off, int kc, int cols, int width) {
        for (int kk = 0; kk < kc; kk++) {
            int d = off + kk * width;
            for (int cc = cols; cc < width; cc++) dst[d + cc] = 0.0;
        }
    }

    private static boolean allEqual(int[] xs) {
        for (int x : xs) if (x != xs[0]) return false;
        return true;
    }
}
