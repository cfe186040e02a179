package dev.vdiff.tensor.kernels;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * The dense row-major copy of a permuted view, done as a cache-blocked transpose. The permutes around attention
 * ({@code [N, c, T] -> [N, T, c]} and back, the temporal layer's {@code [B, c, F, R1, R2] -> [B, R1, R2, F, c]})
 * make views whose last dimension is strided by thousands of elements while another dimension {@code p} is
 * adjacent in storage. Copying them row by row reads one element per cache line and comes back to each line only
 * after a whole output row; here the two dimensions {@code p} and last are copied in tiles of {@code B x B}
 * elements, whose source and destination lines both stay in L1 while the tile is copied. A copy: every element
 * lands where the row loop puts it, so the result is the same bits whatever the order or the thread count.
 */
public final class TransposeCopy {
    private TransposeCopy() {}

    /** Tile side: 16 floats are one 64-byte line, so a tile touches 16 source and 16 destination lines. */
    static final int B = 16;
    /** Elements per parallel chunk (the copy is bound by memory; small copies stay on the calling thread). */
    private static final int GRAIN = 1 << 15;

    /**
     * The dimension to tile against the last one, or -1 when the row loop is as good: the last dimension is not
     * adjacent in storage and some other dimension of at least 4 elements is (stride 1).
     */
    public static int tileDim(int[] shape, int[] strides) {
        int r = shape.length;
        if (r < 2 || strides[r - 1] == 1 || shape[r - 1] < 4) return -1;
        for (int d = r - 2; d >= 0; d--) if (strides[d] == 1 && shape[d] >= 4) return d;
        return -1;
    }

    /** Where the tiles are: the other dimensions' offsets in source and destination, and the tile grid. */
    private record Plan(int[] srcBase, int[] dstBase, int n, int m, int is, int ps, int iBlocks, int jBlocks) {
        int tasks() { return srcBase.length * iBlocks; }
    }

    /**
     * The plan for a view of {@code shape}/{@code strides} from {@code offset}, tiled over dimension {@code p} and
     * the last one: one entry per index of the other dimensions, in row-major order.
     */
    private static Plan plan(int[] shape, int[] strides, int offset, int p) {
        int r = shape.length;
        int[] dense = new int[r];   // row-major strides of the destination
        dense[r - 1] = 1;
        for (int d = r - 2; d >= 0; d--) dense[d] = dense[d + 1] * shape[d + 1];
        int outer = 1;
        for (int d = 0; d < r - 1; d++) if (d != p) outer *= shape[d];
        int[] srcBase = new int[outer], dstBase = new int[outer];
        int[] idx = new int[r];
        int s = offset, t = 0;
        for (int o = 0; o < outer; o++) {
            srcBase[o] = s;
            dstBase[o] = t;
            for (int d = r - 2; d >= 0; d--) {   // next index of the dimensions other than p and the last
                if (d == p) continue;
                idx[d]++;
                s += strides[d];
                t += dense[d];
                if (idx[d] < shape[d]) break;
                s -= strides[d] * shape[d];
                t -= dense[d] * shape[d];
                idx[d] = 0;
            }
        }
        int n = shape[p], m = shape[r - 1];
        return new Plan(srcBase, dstBase, n, m, strides[r - 1], dense[p], (n + B - 1) / B, (m + B - 1) / B);
    }

    /** float32: {@code dst} (row-major, the view's shape) = the view of {@code src}; {@code p} from {@link #tileDim}. */
    public static void copy(float[] src, int offset, int[] shape, int[] strides, int p, float[] dst) {
        Plan pl = plan(shape, strides, offset, p);
        int grain = Math.max(1, GRAIN / (B * Math.max(1, pl.m)));
        Parallel.forRange(pl.tasks(), grain, (lo, hi) -> {
            for (int task = lo; task < hi; task++) {
                int o = task / pl.iBlocks, i0 = (task % pl.iBlocks) * B, i1 = Math.min(pl.n, i0 + B);
                int sb = pl.srcBase[o], db = pl.dstBase[o], is = pl.is, ps = pl.ps;
                for (int j0 = 0; j0 < pl.m; j0 += B) {
                    int j1 = Math.min(pl.m, j0 + B);
                    for (int i = i0; i < i1; i++) {   // destination row i: elements j of source line i, is apart
                        int s = sb + i + j0 * is, d = db + i * ps;
                        for (int j = j0; j < j1; j++, s += is) dst[d + j] = src[s];
                    }
                }
            }
        });
    }

    /** float64 form of {@link #copy(float[], int, int[], int[], int, float[])}. */
    public static void copy(double[] src, int offset, int[] shape, int[] strides, int p, double[] dst) {
        Plan pl = plan(shape, strides, offset, p);
        int grain = Math.max(1, GRAIN / (B * Math.max(1, pl.m)));
        Parallel.forRange(pl.tasks(), grain, (lo, hi) -> {
            for (int task = lo; task < hi; task++) {
                int o = task / pl.iBlocks, i0 = (task % pl.iBlocks) * B, i1 = Math.min(pl.n, i0 + B);
                int sb = pl.srcBase[o], db = pl.dstBase[o], is = pl.is, ps = pl.ps;
                for (int j0 = 0; j0 < pl.m; j0 += B) {
                    int j1 = Math.min(pl.m, j0 + B);
                    for (int i = i0; i < i1; i++) {
                        int s = sb + i + j0 * is, d = db + i * ps;
                        for (int j = j0; j < j1; j++, s += is) dst[d + j] = src[s];
                    }
                }
            }
        });
    }

    /** int64 form of {@link #copy(float[], int, int[], int[], int, float[])}. */
    public static void copy(long[] src, int offset, int[] shape, int[] strides, int p, long[] dst) {
        Plan pl = plan(shape, strides, offset, p);
        int grain = Math.max(1, GRAIN / (B * Math.max(1, pl.m)));
        Parallel.forRange(pl.tasks(), grain, (lo, hi) -> {
            for (int task = lo; task < hi; task++) {
                int o = task / pl.iBlocks, i0 = (task % pl.iBlocks) * B, i1 = Math.min(pl.n, i0 + B);
                int sb = pl.srcBase[o], db = pl.dstBase[o], is = pl.is, ps = pl.ps;
                for (int j0 = 0; j0 < pl.m; j0 += B) {
                    int j1 = Math.min(pl.m, j0 + B);
                    for (int i = i0; i < i1; i++) {
                        int s = sb + i + j0 * is, d = db + i * ps;
                        for (int j = j0; j < j1; j++, s += is) dst[d + j] = src[s];
                    }
                }
            }
        });
    }
}
