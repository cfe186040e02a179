package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The partial-width tiles of the 8 x (3 vectors) float kernel of {@link GemmSimd}: when a product's last column
 * panel holds {@code cols < 3L} columns ({@code N} not a multiple of 48 on AVX-512: 272 = 5 x 48 + 32 for a
 * 16-wide convolution on its padded grid, 512 = 10 x 48 + 32, a linear layer of 128 or 256 outputs), the full
 * kernel computes 3 vectors of which only the first {@code ceil(cols / L)} are kept. These compute 1 or 2
 * vectors: for the columns they keep, the same loads and fused multiply-adds in the same order, so the same
 * bits (the {@link MicroKernel} contract), with a third or two thirds of the work. B comes from a packed
 * panel ({@link #tile}: rows {@code ldb} apart, the full kernel's NR) or is read in place
 * ({@link #tileRows}; see {@link Panels.RowsF}). Unrolled by hand as GemmSimd's kernels are (C2 keeps vector
 * locals in registers only when every operation on them is inlined into one method); the code is
 * generated. Only loaded when {@link Simd#ENABLED}.
 */
final class GemmSimdNarrow implements MicroKernel.NarrowF {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length(), MR = 8;

    @Override
    public int vectorLength() {
        return L;
    }

    @Override
    public void tile(int vectors, int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc) {
        if (vectors == 1) tile1(kc, a, ao, b, bo, ldb, c, co, ldc);
        else tile2(kc, a, ao, b, bo, ldb, c, co, ldc);
    }

    @Override
    public void tileRows(int vectors, int kc, float[] a, int ao, float[] b, int[] rows, int ro, int bBase, float[] c, int co, int ldc) {
        if (vectors == 1) tileRows1(kc, a, ao, b, rows, ro, bBase, c, co, ldc);
        else tileRows2(kc, a, ao, b, rows, ro, bBase, c, co, ldc);
    }

    private static void tile1(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c10 = z;
        FloatVector c20 = z, c30 = z;
        FloatVector c40 = z, c50 = z;
        FloatVector c60 = z, c70 = z;
        for (int k = 0; k < kc; k++) {
            int bk = bo + k * ldb, ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 4]); c40 = x.fma(b0, c40); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 5]); c50 = x.fma(b0, c50); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 6]); c60 = x.fma(b0, c60); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 7]); c70 = x.fma(b0, c70); }
        }
        // C += acc, written out (see GemmSimd.FloatTile)
        int o;
        o = co;
        FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
        o = co + ldc;
        FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
        o = co + 2 * ldc;
        FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
        o = co + 3 * ldc;
        FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
        o = co + 4 * ldc;
        FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o);
        o = co + 5 * ldc;
        FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o);
        o = co + 6 * ldc;
        FloatVector.fromArray(S, c, o).add(c60).intoArray(c, o);
        o = co + 7 * ldc;
        FloatVector.fromArray(S, c, o).add(c70).intoArray(c, o);
    }

    private static void tileRows1(int kc, float[] a, int ao, float[] b, int[] rows, int ro, int bBase, float[] c, int co, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c10 = z;
        FloatVector c20 = z, c30 = z;
        FloatVector c40 = z, c50 = z;
        FloatVector c60 = z, c70 = z;
        for (int k = 0; k < kc; k++) {
            int bk = bBase + rows[ro + k], ak = ao + k * MR;   // B row k read in place
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 4]); c40 = x.fma(b0, c40); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 5]); c50 = x.fma(b0, c50); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 6]); c60 = x.fma(b0, c60); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 7]); c70 = x.fma(b0, c70); }
        }
        // C += acc, written out (see GemmSimd.FloatTile)
        int o;
        o = co;
        FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
        o = co + ldc;
        FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
        o = co + 2 * ldc;
        FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
        o = co + 3 * ldc;
        FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
        o = co + 4 * ldc;
        FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o);
        o = co + 5 * ldc;
        FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o);
        o = co + 6 * ldc;
        FloatVector.fromArray(S, c, o).add(c60).intoArray(c, o);
        o = co + 7 * ldc;
        FloatVector.fromArray(S, c, o).add(c70).intoArray(c, o);
    }

    private static void tile2(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z;
        for (int k = 0; k < kc; k++) {
            int bk = bo + k * ldb, ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L);
            { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); }
        }
        // C += acc, written out (see GemmSimd.FloatTile)
        int o;
        o = co;
        FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
        o = co + ldc;
        FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
        o = co + 2 * ldc;
        FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
        o = co + 3 * ldc;
        FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
        o = co + 4 * ldc;
        FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L);
        o = co + 5 * ldc;
        FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L);
        o = co + 6 * ldc;
        FloatVector.fromArray(S, c, o).add(c60).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c61).intoArray(c, o + L);
        o = co + 7 * ldc;
        FloatVector.fromArray(S, c, o).add(c70).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c71).intoArray(c, o + L);
    }

    private static void tileRows2(int kc, float[] a, int ao, float[] b, int[] rows, int ro, int bBase, float[] c, int co, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z;
        for (int k = 0; k < kc; k++) {
            int bk = bBase + rows[ro + k], ak = ao + k * MR;   // B row k read in place
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L);
            { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); }
            { FloatVector x = FloatVector.broadcast(S, a[ak + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); }
        }
        // C += acc, written out (see GemmSimd.FloatTile)
        int o;
        o = co;
        FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
        o = co + ldc;
        FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
        o = co + 2 * ldc;
        FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
        o = co + 3 * ldc;
        FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
        o = co + 4 * ldc;
        FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L);
        o = co + 5 * ldc;
        FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L);
        o = co + 6 * ldc;
        FloatVector.fromArray(S, c, o).add(c60).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c61).intoArray(c, o + L);
        o = co + 7 * ldc;
        FloatVector.fromArray(S, c, o).add(c70).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c71).intoArray(c, o + L);
    }
}
