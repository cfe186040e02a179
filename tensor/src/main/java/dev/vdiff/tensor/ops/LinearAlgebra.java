package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.OnDevice;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Strided;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.autograd.OpProfile;

import java.util.Arrays;

/**
 * Matrix products: {@code matmul} with NumPy batch broadcasting and {@code linear} ({@code x W^T + b}),
 * both on the blocked {@link dev.vdiff.tensor.kernels.Gemm} kernel, reading their operands in place
 * (transposed or sliced views cost no copy).
 *
 * <pre>{@code
 * Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);   // [[1,2,3],[4,5,6]]
 * Tensor b = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);   // [[1,0],[0,1],[1,1]]
 * LinearAlgebra.matmul(a, b);                                     // [[4,5],[10,11]]
 * LinearAlgebra.linear(a, b.transpose(0, 1), Tensor.of(new double[] {10, 20}, 2));   // [[14,25],[20,31]]
 * }</pre>
 *
 * Backward of {@code C = A B}: {@code dA = dC B^T}, {@code dB = A^T dC}, each summed over the batch axes
 * along which its operand was broadcast. Of {@code y = x W^T + b}: {@code dx = dy W},
 * {@code dW = dy^T x} (summed over all leading axes of x), {@code db = sum of dy over the leading axes}.
 */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /**
     * {@code out[..., m, n] = sum_k a[..., m, k] b[..., k, n]}; a is {@code [..., M, K]}, b {@code [..., K, N]},
     * both of rank at least 2; the leading (batch) axes broadcast, so a rank-2 operand is shared by every
     * matrix of the other.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        Arithmetic.sameFloatDtype("matmul", a, b);
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: needs operands of rank >= 2, got a" + Shape.str(a.shape()) + " and b" + Shape.str(b.shape()));
        }
        int[] sa = a.shape(), sb = b.shape();
        int m = sa[sa.length - 2], k = sa[sa.length - 1], n = sb[sb.length - 1];
        if (sb[sb.length - 2] != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: a" + Shape.str(sa) + " has K=" + k + ", b" + Shape.str(sb) + " has K=" + sb[sb.length - 2]);
        }
        int[] batch;
        try {
            batch = Shape.broadcast(Arrays.copyOf(sa, sa.length - 2), Arrays.copyOf(sb, sb.length - 2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dimensions of a" + Shape.str(sa) + " and b" + Shape.str(sb) + " do not broadcast");
        }
        int[] outShape = concat(batch, m, n);
        Tensor out = product(a, b, batch, outShape);
        Tensor ad = a.detach(), bd = b.detach();
        return Autograd.withSecondOrder(Autograd.record(out, "matmul", g -> new Tensor[] {
            a.requiresGrad() ? gradLeft(g, bd, batch, sa) : null,
            b.requiresGrad() ? gradRight(ad, g, batch, sb) : null}, a, b), g -> new Tensor[] {
            // the same products with recorded ops: dA = dC B^T, dB = A^T dC, summed over broadcast batch axes
            a.requiresGrad() ? SecondOrder.sumTo(matmul(g, b.transpose(-2, -1)), sa) : null,
            b.requiresGrad() ? SecondOrder.sumTo(matmul(a.transpose(-2, -1), g), sb) : null});
    }

    /**
     * {@code out[..., o] = sum_i x[..., i] w[o, i] + bias[o]}: x {@code [..., in]} (rank >= 1), w
     * {@code [out, in]}, bias {@code [out]} or null.
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        Arithmetic.sameFloatDtype("linear", x, w);
        if (bias != null) Arithmetic.sameFloatDtype("linear", x, bias);
        int[] sx = x.shape(), sw = w.shape();
        if (x.rank() < 1 || w.rank() != 2 || sx[sx.length - 1] != sw[1]) {
            throw new IllegalArgumentException("linear: expects x [..., in] and weight [out, in], got x" + Shape.str(sx) + " and weight" + Shape.str(sw));
        }
        int outF = sw[0];
        if (bias != null && (bias.rank() != 1 || bias.shape(0) != outF)) {
            throw new IllegalArgumentException("linear: bias must be [" + outF + "] for weight" + Shape.str(sw) + ", got bias" + Shape.str(bias.shape()));
        }
        int[] outShape = sx.clone();
        outShape[sx.length - 1] = outF;
        Tensor xd = x.detach(), wd = w.detach();
        MatBatch xm = rows(xd);
        if (OpProfile.on()) OpProfile.forwardOp("linear.copy_x");
        // Start from the bias rows and accumulate the product onto them.
        Device dev = OnDevice.of(x, w, bias);
        Tensor out;
        if (dev != null) {   // float32 on a device: the bias rows (or zeros) are made there, not uploaded
            out = bias == null ? OnDevice.zeros(dev, outShape) : OnDevice.dense(dev, bias.detach().expand(outShape));
        } else {
            out = bias == null ? Tensor.zeros(x.dtype(), outShape) : Tensor.dense(x.dtype(), Strided.toDense(bias.detach().expand(outShape)), outShape);
        }
        if (OpProfile.on()) OpProfile.forwardOp("linear.bias_rows");
        MatBatch.multiply(xm, MatBatch.of(wd, new int[0]).t(), x.dtype(), outShape, out);
        return Autograd.withSecondOrder(Autograd.record(out, "linear", g -> {
            MatBatch gm = rows(g);   // [R, out]
            Tensor gx = null, gw = null, gb = null;
            boolean prof = OpProfile.on();   // profile keys (vdiff bench --profile-ops)
            if (prof) OpProfile.mark("bwd.linear.rest");
            if (x.requiresGrad()) gx = MatBatch.multiply(gm, MatBatch.of(wd, new int[0]), x.dtype(), sx, null);          // dy W
            if (prof) OpProfile.mark("bwd.linear.input_grad");
            MatBatch xRows = w.requiresGrad() ? rows(xd) : null;
            if (prof) OpProfile.mark("bwd.linear.copy_x");
            if (w.requiresGrad()) gw = MatBatch.multiply(gm.t(), xRows, x.dtype(), sw, null);                              // dy^T x
            if (prof) OpProfile.mark("bwd.linear.weight_grad");
            if (bias != null && bias.requiresGrad()) gb = columnSums(g.contiguous(), outF);
            if (prof) OpProfile.mark("bwd.linear.bias_grad");
            return new Tensor[] {gx, gw, gb};
        }, x, w, bias), g -> {
            // recorded form: rows [R, out] of dy and [R, in] of x; dx = dy W, dW = dy^T x, db = column sums
            Tensor g2 = g.reshape(-1, outF), x2 = x.reshape(-1, sw[1]);
            return new Tensor[] {
                x.requiresGrad() ? matmul(g2, w).reshape(sx) : null,
                w.requiresGrad() ? matmul(g2.transpose(0, 1), x2) : null,
                bias != null && bias.requiresGrad() ? Reductions.sum(g2, new int[] {0}, false) : null};
        });
    }

    // ------------------------------------------------------------------ helpers

    private static Tensor product(Tensor a, Tensor b, int[] batch, int[] outShape) {
        // x @ W with a rank-2 W: fold a's batch axes into its rows, one product instead of a batch of them.
        if (b.rank() == 2 && a.rank() > 2) {
            MatBatch rowsA = MatBatch.rowsOf(a);
            if (rowsA != null) return MatBatch.multiply(rowsA, MatBatch.of(b, new int[0]), a.dtype(), outShape, null);
        }
        return MatBatch.multiply(MatBatch.of(a, batch), MatBatch.of(b, batch), a.dtype(), outShape, null);
    }

    /** dA = dC B^T, summed to a's shape. */
    private static Tensor gradLeft(Tensor g, Tensor b, int[] batch, int[] sa) {
        if (b.rank() == 2 && sa.length > 2) return MatBatch.multiply(MatBatch.rowsOf(g), MatBatch.of(b, new int[0]).t(), g.dtype(), sa, null);
        int[] full = concat(batch, sa[sa.length - 2], sa[sa.length - 1]);
        Tensor ga = MatBatch.multiply(MatBatch.of(g, batch), MatBatch.of(b, batch).t(), g.dtype(), full, null);
        return Strided.sumTo(ga, sa);
    }

    /** dB = A^T dC, summed to b's shape. */
    private static Tensor gradRight(Tensor a, Tensor g, int[] batch, int[] sb) {
        if (sb.length == 2 && a.rank() > 2) {
            // b was shared by the whole batch: one product with the batch folded into the inner axis
            MatBatch rowsA = MatBatch.rowsOf(a);
            if (rowsA != null) return MatBatch.multiply(rowsA.t(), MatBatch.rowsOf(g), g.dtype(), sb, null);
        }
        int[] full = concat(batch, sb[sb.length - 2], sb[sb.length - 1]);
        Tensor gb = MatBatch.multiply(MatBatch.of(a, batch).t(), MatBatch.of(g, batch), g.dtype(), full, null);
        return Strided.sumTo(gb, sb);
    }

    /** x as [rows, last axis], in place when its strides allow, else from a dense copy. */
    private static MatBatch rows(Tensor x) {
        MatBatch m = MatBatch.rowsOf(x);
        return m != null ? m : MatBatch.rowsOf(x.copy());
    }

    /**
     * {@code db[o] = sum over rows r of g[r, o]} for dense g {@code [..., out]}. Each column is summed in
     * row order (in double), columns split between threads: the result does not depend on the thread count.
     */
    static Tensor columnSums(Tensor g, int cols) {
        int rows = g.numel() / Math.max(cols, 1);
        Device dev = OnDevice.of(g);
        if (dev != null) return OnDevice.columnSums(dev, g, cols);   // float32 on a device: summed there, same order
        double[] sums = new double[cols];
        if (g.dtype() == DType.FLOAT32) {
            float[] d = g.floats();
            Parallel.forRange(cols, 64, (lo, hi) -> {
                for (int r = 0; r < rows; r++) {
                    int base = r * cols;
                    for (int o = lo; o < hi; o++) sums[o] += d[base + o];
                }
            });
            float[] out = new float[cols];
            for (int o = 0; o < cols; o++) out[o] = (float) sums[o];
            return Tensor.of(out, cols);
        }
        double[] d = g.doubles();
        Parallel.forRange(cols, 64, (lo, hi) -> {
            for (int r = 0; r < rows; r++) {
                int base = r * cols;
                for (int o = lo; o < hi; o++) sums[o] += d[base + o];
            }
        });
        return Tensor.of(sums, cols);
    }

    private static int[] concat(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }
}
