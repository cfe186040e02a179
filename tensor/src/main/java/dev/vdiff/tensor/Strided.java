package dev.vdiff.tensor;

import dev.vdiff.tensor.kernels.TransposeCopy;

/**
 * Loops over strided views. Slow paths live here so that kernels only ever see dense arrays.
 * Every loop visits elements in row-major order, so results do not depend on how the view was made.
 */
public final class Strided {
    private Strided() {}

    /** Called once per innermost row: {@code base} is the storage index of the row's first element, {@code dst} its row-major index. */
    interface RowVisitor {
        void row(int base, int dst);
    }

    /** Visits the rows (last dimension) of a view of {@code shape}/{@code strides} starting at {@code offset}. */
    static void forEachRow(int[] shape, int[] strides, int offset, RowVisitor v) {
        int r = shape.length;
        if (Shape.numel(shape) == 0) return;
        if (r == 0) {
            v.row(offset, 0);
            return;
        }
        int inner = shape[r - 1];
        int rows = Shape.numel(shape) / inner;
        int[] idx = new int[r - 1];
        int base = offset;
        for (int row = 0; row < rows; row++) {
            v.row(base, row * inner);
            for (int d = r - 2; d >= 0; d--) {
                idx[d]++;
                base += strides[d];
                if (idx[d] < shape[d]) break;
                base -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** A dense row-major copy of any view's elements, same dtype. */
    public static Object toDense(Tensor t) {
        // A dense tensor is one block copy (the row loop below costs several times more on short rows).
        if (t.isDense()) {
            Object out = Tensor.allocate(t.dtype(), t.numel());
            System.arraycopy(t.storage(), 0, out, 0, t.numel());
            return out;
        }
        int[] shape = t.shape();
        int r = shape.length;
        int inner = r == 0 ? 1 : shape[r - 1];
        int is = r == 0 ? 1 : t.strides()[r - 1];
        Object out = Tensor.allocate(t.dtype(), t.numel());
        Object src = t.storage();
        // A permuted view (the last dimension strided, another one adjacent in storage): a blocked transpose.
        int p = TransposeCopy.tileDim(shape, t.strides());
        if (p >= 0) {
            switch (t.dtype()) {
                case FLOAT32 -> TransposeCopy.copy((float[]) src, t.offset(), shape, t.strides(), p, (float[]) out);
                case FLOAT64 -> TransposeCopy.copy((double[]) src, t.offset(), shape, t.strides(), p, (double[]) out);
                default -> TransposeCopy.copy((long[]) src, t.offset(), shape, t.strides(), p, (long[]) out);
            }
            return out;
        }
        switch (t.dtype()) {
            case FLOAT32: {
                float[] s = (float[]) src, d = (float[]) out;
                if (is == 1 && inner >= 16) forEachRow(shape, t.strides(), t.offset(), (base, dst) -> System.arraycopy(s, base, d, dst, inner));   // contiguous rows (a broadcast bias ...)
                else forEachRow(shape, t.strides(), t.offset(), (base, dst) -> {
                    for (int i = 0; i < inner; i++) d[dst + i] = s[base + i * is];
                });
                break;
            }
            case FLOAT64: {
                double[] s = (double[]) src, d = (double[]) out;
                if (is == 1 && inner >= 16) forEachRow(shape, t.strides(), t.offset(), (base, dst) -> System.arraycopy(s, base, d, dst, inner));   // contiguous rows (a broadcast bias ...)
                else forEachRow(shape, t.strides(), t.offset(), (base, dst) -> {
                    for (int i = 0; i < inner; i++) d[dst + i] = s[base + i * is];
                });
                break;
            }
            default: {
                long[] s = (long[]) src, d = (long[]) out;
                if (is == 1 && inner >= 16) forEachRow(shape, t.strides(), t.offset(), (base, dst) -> System.arraycopy(s, base, d, dst, inner));   // contiguous rows (a broadcast bias ...)
                else forEachRow(shape, t.strides(), t.offset(), (base, dst) -> {
                    for (int i = 0; i < inner; i++) d[dst + i] = s[base + i * is];
                });
            }
        }
        return out;
    }

    /** Writes the dense row-major {@code values} (same dtype) into the elements of view {@code t}. */
    public static void copyInto(Tensor t, Object values) {
        int[] shape = t.shape();
        int r = shape.length;
        int inner = r == 0 ? 1 : shape[r - 1];
        int is = r == 0 ? 1 : t.strides()[r - 1];
        Object dstArr = t.storage();
        switch (t.dtype()) {
            case FLOAT32: {
                float[] s = (float[]) values, d = (float[]) dstArr;
                forEachRow(shape, t.strides(), t.offset(), (base, src) -> {
                    for (int i = 0; i < inner; i++) d[base + i * is] = s[src + i];
                });
                break;
            }
            case FLOAT64: {
                double[] s = (double[]) values, d = (double[]) dstArr;
                forEachRow(shape, t.strides(), t.offset(), (base, src) -> {
                    for (int i = 0; i < inner; i++) d[base + i * is] = s[src + i];
                });
                break;
            }
            default: {
                long[] s = (long[]) values, d = (long[]) dstArr;
                forEachRow(shape, t.strides(), t.offset(), (base, src) -> {
                    for (int i = 0; i < inner; i++) d[base + i * is] = s[src + i];
                });
            }
        }
    }

    static void fill(Tensor t, double v) {
        Object vals = Tensor.full(t.dtype(), v, t.shape()).storage();
        copyInto(t, vals);
    }

    /**
     * Sums a dense tensor {@code g} down to {@code shape}, which must broadcast to {@code g}'s shape: the
     * gradient of a broadcast. Summation runs in row-major order of {@code g}, so it is deterministic.
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g;
        if (!java.util.Arrays.equals(Shape.broadcast(shape, gs), gs)) throw new IllegalArgumentException("cannot sum shape " + Shape.str(gs) + " down to " + Shape.str(shape));
        dev.vdiff.tensor.backend.Device d = OnDevice.of(g);
        if (d != null) return OnDevice.sumTo(d, g, shape);   // float32 on a device: summed there, same order
        g = g.contiguous();
        // View the target as expanded to g's shape: broadcast dimensions get stride 0, so every element of g
        // lands on the target element it was broadcast from.
        int r = gs.length, lead = r - shape.length;
        int[] ds = Shape.denseStrides(shape);
        int[] st = new int[r];
        for (int i = 0; i < shape.length; i++) st[lead + i] = shape[i] == 1 ? 0 : ds[i];
        int inner = r == 0 ? 1 : gs[r - 1];
        int is = r == 0 ? 1 : st[r - 1];
        int n = Shape.numel(shape);
        if (g.dtype() == DType.FLOAT32) {
            float[] src = g.floats(), dst = new float[n];
            forEachRow(gs, st, 0, (base, row) -> {
                for (int i = 0; i < inner; i++) dst[base + i * is] += src[row + i];
            });
            return Tensor.of(dst, shape);
        }
        double[] src = g.doubles(), dst = new double[n];
        forEachRow(gs, st, 0, (base, row) -> {
            for (int i = 0; i < inner; i++) dst[base + i * is] += src[row + i];
        });
        return Tensor.of(dst, shape);
    }
}
