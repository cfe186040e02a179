package dev.vdiff.tensor.kernels;

/**
 * The innermost GEMM step: an {@code MR x NR} tile of C from packed panels of A and B.
 *
 * <p>Panel layouts (see {@link Gemm}): the A panel holds {@code a[ao + k*MR + r] = A(i0 + r, k0 + k)}, the
 * B panel {@code b[bo + k*NR + j] = B(k0 + k, j0 + j)}, for {@code k < kc}. Every implementation computes,
 * for each tile element,
 * <pre>
 *   acc = 0;  for k in 0 .. kc-1:  acc = fma(A(r, k), B(k, j), acc);   C = C + acc
 * </pre>
 * (a product that overwrites C starts from a zeroed C, so even the sign of a zero agrees). Fused
 * multiply-adds are correctly rounded, so every implementation of this contract (scalar or vector, any tile
 * size) gives the same bits.
 */
public final class MicroKernel {
    private MicroKernel() {}

    /** float32 tile: {@code c[co + r*ldc + j]} for {@code r < mr(), j < nr()}. */
    public interface F {
        int mr();
        int nr();
        void tile(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc);

        /**
         * The same tile with B read in place instead of from a packed panel: {@code B(k0 + k, j) =
         * b[bBase + rows[ro + k] + j]} for {@code k < kc, j < nr()} (see {@link Panels.RowsF}). Same bits as
         * {@link #tile}. This default gathers the rows into {@code panel} (at least {@code kc * nr()}) first;
         * the vector kernel loads them directly.
         */
        default void tileRows(int kc, float[] a, int ao, float[] b, int[] rows, int ro, int bBase, float[] c, int co, int ldc, float[] panel) {
            int nr = nr();
            for (int k = 0; k < kc; k++) System.arraycopy(b, bBase + rows[ro + k], panel, k * nr, nr);
            tile(kc, a, ao, panel, 0, c, co, ldc);
        }

        /**
         * Kernels for the partial tiles of this kernel's last column panel, computing only the first 1 or 2 of
         * its vectors of columns (same rows, same A panel; B panel rows {@code nr()} apart), or null: then a
         * partial tile runs this kernel in full. Same bits either way.
         */
        default NarrowF narrow() {
            return null;
        }
    }

    /**
     * Partial-width tiles of an 8-row kernel of 3 vectors: the first {@code vectors} (1 or 2) vectors of
     * {@link F#tile} and {@link F#tileRows}, B panel rows {@code ldb} apart. Same contract and bits.
     */
    public interface NarrowF {
        int vectorLength();
        void tile(int vectors, int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc);
        void tileRows(int vectors, int kc, float[] a, int ao, float[] b, int[] rows, int ro, int bBase, float[] c, int co, int ldc);
    }

    /** float64 tile, same contract. */
    public interface D {
        int mr();
        int nr();
        void tile(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc);
    }

    /** The readable reference kernels; used when the Vector API is absent and in tests as the oracle. */
    public static final F SCALAR_F = scalarFloat();
    public static final D SCALAR_D = scalarDouble();

    /** The Vector API kernels when {@link Simd#ENABLED}, else the scalar ones. */
    public static final F VECTOR_F = Simd.ENABLED ? GemmSimd.floatKernel() : SCALAR_F;
    public static final D VECTOR_D = Simd.ENABLED ? GemmSimd.doubleKernel() : SCALAR_D;
    /**
     * A second vector float kernel, 4 rows by 4 vectors (4 x 64 on AVX-512), for products whose B columns come
     * in runs of a multiple of its width (see {@link Panels.RowsF}); the scalar kernel where the Vector API is
     * absent. Same bits as every other kernel.
     */
    public static final F VECTOR_F_WIDE = Simd.ENABLED ? GemmSimd.wideFloatKernel() : SCALAR_F;

    /**
     * The float32 kernel for the next product: the vector kernel once C2 has compiled it, the scalar one
     * before (see {@link GemmSimd#floatCompiled()}, which warms the vector kernel up on the calling thread).
     * Both give the same bits, so switching changes only speed.
     */
    public static F floatKernel() {
        return Simd.ENABLED && GemmSimd.floatCompiled() ? VECTOR_F : SCALAR_F;
    }

    /** The wide float32 kernel ({@link #VECTOR_F_WIDE}) for the next product, chosen as {@link #floatKernel()}. */
    public static F wideFloatKernel() {
        return Simd.ENABLED && GemmSimd.floatCompiled() ? VECTOR_F_WIDE : SCALAR_F;
    }

    /** The float64 kernel for the next product, chosen as {@link #floatKernel()}. */
    public static D doubleKernel() {
        return Simd.ENABLED && GemmSimd.doubleCompiled() ? VECTOR_D : SCALAR_D;
    }

    /**
     * Warms the vector kernels up on this thread until C2 has compiled them (at most two minutes, seconds on a
     * quiet machine) and says whether they are now in use; false without the Vector API or without C2. For
     * benchmarks, which time steady state.
     */
    public static boolean warmUp() {
        return Simd.ENABLED && GemmSimd.warmUpNow(120);
    }

    private static final int SCALAR_MR = 8, SCALAR_NR = 32;

    private static F scalarFloat() {
        return new F() {
            public int mr() { return SCALAR_MR; }
            public int nr() { return SCALAR_NR; }
            public void tile(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
                final int mr = SCALAR_MR, nr = SCALAR_NR;
                float[] acc = new float[mr * nr];   // acc[r*nr + j]
                for (int k = 0; k < kc; k++) {
                    int bk = bo + k * nr;
                    for (int r = 0; r < mr; r++) {
                        float ar = a[ao + k * mr + r];
                        int row = r * nr;
                        for (int j = 0; j < nr; j++) acc[row + j] = Math.fma(ar, b[bk + j], acc[row + j]);
                    }
                }
                for (int r = 0; r < mr; r++) {
                    int cr = co + r * ldc;
                    for (int j = 0; j < nr; j++) c[cr + j] += acc[r * nr + j];
                }
            }
        };
    }

    private static D scalarDouble() {
        return new D() {
            public int mr() { return SCALAR_MR; }
            public int nr() { return SCALAR_NR / 2; }
            public void tile(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc) {
                final int mr = SCALAR_MR, nr = SCALAR_NR / 2;
                double[] acc = new double[mr * nr];
                for (int k = 0; k < kc; k++) {
                    int bk = bo + k * nr;
                    for (int r = 0; r < mr; r++) {
                        double ar = a[ao + k * mr + r];
                        int row = r * nr;
                        for (int j = 0; j < nr; j++) acc[row + j] = Math.fma(ar, b[bk + j], acc[row + j]);
                    }
                }
                for (int r = 0; r < mr; r++) {
                    int cr = co + r * ldc;
                    for (int j = 0; j < nr; j++) c[cr + j] += acc[r * nr + j];
                }
            }
        };
    }
}
