package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.kernels.Gemm;

/**
 * A batch of matrices read in place from one tensor's storage (any view: transposed, sliced, broadcast):
 * matrix {@code t} has element {@code (i, j)} at {@code storage[offsets[t] + i*rowStride + j*colStride]}.
 * The matmul-like ops describe their operands this way and hand them to {@link Gemm} without copying. The
 * storage is taken as the device has it ({@code Tensor.deviceStorage()}); the JVM backend brings it home itself.
 */
record MatBatch(Object storage, int[] offsets, int rows, int cols, int rowStride, int colStride, Device device) {

    /** The last two axes of {@code x} as matrices, its leading axes broadcast to {@code batchShape}. */
    static MatBatch of(Tensor x, int[] batchShape) {
        int r = x.rank();
        int[] shape = x.shape(), strides = x.strides();
        int lead = batchShape.length - (r - 2);
        int count = Shape.numel(batchShape);
        int[] offsets = new int[count];
        int[] idx = new int[batchShape.length];
        for (int t = 0; t < count; t++) {
            int off = x.offset();
            for (int d = 0; d < r - 2; d++) {
                if (shape[d] != 1) off += idx[lead + d] * strides[d];   // size-1 axes are broadcast: stride 0
            }
            offsets[t] = off;
            for (int d = batchShape.length - 1; d >= 0; d--) {
                if (++idx[d] < batchShape[d]) break;
                idx[d] = 0;
            }
        }
        return new MatBatch(x.deviceStorage(), offsets, shape[r - 2], shape[r - 1], strides[r - 2], strides[r - 1], x.device());
    }

    /**
     * All of {@code x}'s axes but the last as the rows of one matrix ({@code [prod(leading), last]}), when
     * the strides allow it without a copy (e.g. a dense tensor); null otherwise. A rank-1 x is one row.
     */
    static MatBatch rowsOf(Tensor x) {
        int r = x.rank();
        int[] shape = x.shape(), strides = x.strides();
        int cols = r == 0 ? 1 : shape[r - 1], colStride = r == 0 ? 1 : strides[r - 1];
        int rows = 1, rowStride = 0;
        boolean first = true;
        for (int d = r - 2; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (first) {
                rowStride = strides[d];
                first = false;
            } else if (strides[d] != rows * rowStride) {
                return null;   // axis d does not continue the rows' arithmetic progression
            }
            rows *= shape[d];
        }
        if (first) rowStride = cols * colStride;   // one row: any stride works
        return new MatBatch(x.deviceStorage(), new int[] {x.offset()}, rows, cols, rowStride, colStride, x.device());
    }

    int batches() {
        return offsets.length;
    }

    /** The transposed matrices (a view: strides swapped). */
    MatBatch t() {
        return new MatBatch(storage, offsets, cols, rows, colStride, rowStride, device);
    }

    /**
     * {@code C_t = A_t . B_t} for every batch t, as a new dense tensor of {@code outShape}
     * ({@code [..., A.rows, B.cols]}), or added into {@code init}'s storage when that is given.
     */
    static Tensor multiply(MatBatch a, MatBatch b, DType dtype, int[] outShape, Tensor init) {
        int batches = a.batches(), m = a.rows, n = b.cols, k = a.cols;
        if (b.batches() != batches || b.rows != k) throw new IllegalStateException("matrix batches do not match: " + a + " vs " + b);
        Tensor out = init != null ? init : Tensor.zeros(dtype, outShape);
        Device device = a.device.isJvm() ? b.device : a.device;   // Device.of's rule: a non-JVM operand decides
        out.moveTo(device);
        if (dtype == DType.FLOAT32) {
            device.kernels().sgemmBatched(batches, m, n, k, (float[]) a.storage, 0, a.offsets, a.colStride, a.rowStride,
                (float[]) b.storage, 0, b.offsets, b.rowStride, b.colStride, out.deviceFloats(), 0, m * n, n, init != null);
        } else {
            Gemm.dgemmBatched(batches, m, n, k, (double[]) a.storage, 0, a.offsets, a.colStride, a.rowStride,
                (double[]) b.storage, 0, b.offsets, b.rowStride, b.colStride, out.doubles(), 0, m * n, n, init != null);
        }
        return out;
    }

    @Override
    public String toString() {
        return offsets.length + " x [" + rows + ", " + cols + "] strides (" + rowStride + ", " + colStride + ")";
    }
}
