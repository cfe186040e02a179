package dev.vdiff.tensor;

import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.kernels.StridedKernels.Op;

/**
 * The elementwise arithmetic, broadcast sums and copies of float32 tensors on a device other than the JVM, as calls
 * to that device's {@link KernelBackend} ({@code binary}, {@code copy}, {@code fill}, {@code sumTo}) on the tensors'
 * storage as a backend takes it ({@link Tensor#deviceStorage()}: nothing is brought home). The ops (Arithmetic,
 * Strided.sumTo, Views, Concat, Resample, the autograd engine's gradient sums) ask {@link #of} first and keep their
 * own JVM loops when it says null, so the JVM path is exactly what it was. Every result is a fresh dense tensor on
 * the device (a kernel writes only into an array its op has just allocated, or, for {@link #addInto}, into a sum the
 * caller owns: the rule of lazy read-back, {@link dev.vdiff.tensor.backend.HostCopy}).
 */
public final class OnDevice {
    private OnDevice() {}

    /** The device whose backend runs an op on these float32 inputs (nulls ignored), or null: the JVM code runs. */
    public static Device of(Tensor... inputs) {
        if (!Device.othersExist()) return null;   // every default run: one volatile read
        for (Tensor t : inputs) if (t != null && t.dtype() != DType.FLOAT32) return null;
        Device d = Tensor.deviceOf(inputs);
        return d.isJvm() ? null : d;
    }

    /** A dense copy of any view of t (contiguous(), copy()). */
    public static Tensor dense(Device d, Tensor t) {
        int[] shape = t.shape();
        float[] out = new float[t.numel()];
        d.kernels().copy(shape, (float[]) t.deviceStorage(), t.offset(), t.strides(), out, 0, Shape.denseStrides(shape));
        return Tensor.of(out, shape).moveTo(d);
    }

    /** A float32 tensor of zeros made on the device (as a kernel's starting values: they need not cross the bus). */
    public static Tensor zeros(Device d, int[] shape) {
        int n = Shape.numel(shape);
        float[] z = new float[n];
        d.kernels().fill(z, n, 0f);
        return Tensor.of(z, shape).moveTo(d);
    }

    /** a (op) b broadcast to {@code shape} (SCALE: a * c, b null), a fresh dense tensor. */
    public static Tensor binary(Device d, Op op, Tensor a, Tensor b, int[] shape, float c) {
        float[] out = new float[Shape.numel(shape)];
        float[] bs = b == null ? null : (float[]) b.deviceStorage();
        d.kernels().binary(op, shape, (float[]) a.deviceStorage(), a.offset(), broadcastStrides(a, shape),
            bs, b == null ? 0 : b.offset(), b == null ? new int[shape.length] : broadcastStrides(b, shape), c, out);
        return Tensor.of(out, shape).moveTo(d);
    }

    /** {@code sum += b} in place, for a dense sum the caller owns (the autograd engine's gradient sums). */
    public static void addInto(Device d, Tensor sum, Tensor b) {
        int[] shape = sum.shape();
        float[] s = (float[]) sum.deviceStorage();
        d.kernels().binary(Op.ADD, shape, s, 0, Shape.denseStrides(shape), (float[]) b.deviceStorage(), b.offset(), b.strides(), 0f, s);
    }

    /** g summed down to {@code shape} (which broadcasts to g's shape): the gradient of a broadcast, added in g's row-major order. */
    public static Tensor sumTo(Device d, Tensor g, int[] shape) {
        if (!g.isDense()) g = dense(d, g);
        int[] gs = g.shape();
        int r = gs.length, lead = r - shape.length;
        int[] ds = Shape.denseStrides(shape), st = new int[r];   // the target expanded to g's shape: stride 0 where broadcast
        for (int i = 0; i < shape.length; i++) st[lead + i] = shape[i] == 1 ? 0 : ds[i];
        int n = Shape.numel(shape);
        float[] out = new float[n];
        d.kernels().sumTo(gs, (float[]) g.deviceStorage(), st, out, n, false);
        return Tensor.of(out, shape).moveTo(d);
    }

    /** Column sums of g viewed as [rows, cols] (linear's bias gradient), added in row order in double, rounded once. */
    public static Tensor columnSums(Device d, Tensor g, int cols) {
        if (!g.isDense()) g = dense(d, g);
        float[] out = new float[cols];
        d.kernels().sumTo(new int[] {g.numel() / Math.max(cols, 1), cols}, (float[]) g.deviceStorage(), new int[] {0, 1}, out, cols, true);
        return Tensor.of(out, cols).moveTo(d);
    }

    /** The gradient of nearest upsampling by s: g [N, C, H*s, W*s] summed over each s x s block (rows of the block, then columns) in double. */
    public static Tensor upsampleNearestGrad(Device d, Tensor g, int[] xShape, int s) {
        if (!g.isDense()) g = dense(d, g);
        int[] shape = {xShape[0], xShape[1], xShape[2], s, xShape[3], s};
        int[] st = {xShape[1] * xShape[2] * xShape[3], xShape[2] * xShape[3], xShape[3], 0, 1, 0};
        float[] out = new float[Shape.numel(xShape)];
        d.kernels().sumTo(shape, (float[]) g.deviceStorage(), st, out, out.length, true);
        return Tensor.of(out, xShape).moveTo(d);
    }

    /** The gradient of {@code narrow(axis, start, g.shape(axis))} of a tensor of shape {@code in}: g placed in zeros. */
    public static Tensor padNarrowed(Device d, Tensor g, int[] in, int axis, int start) {
        int n = Shape.numel(in);
        float[] z = new float[n];
        int[] ds = Shape.denseStrides(in);
        KernelBackend be = d.kernels();
        be.fill(z, n, 0f);   // on the device: the zeros need not cross the bus
        be.copy(g.shape(), (float[]) g.deviceStorage(), g.offset(), g.strides(), z, start * ds[axis], ds);
        return Tensor.of(z, in).moveTo(d);
    }

    /** xs joined along {@code axis} into a fresh tensor of {@code outShape}. */
    public static Tensor cat(Device d, int axis, Tensor[] xs, int[] outShape) {
        int n = Shape.numel(outShape);
        float[] out = new float[n];
        int[] ds = Shape.denseStrides(outShape);
        KernelBackend be = d.kernels();
        be.fill(out, n, 0f);   // makes the array the device's before the parts are written into it (no upload of zeros)
        int at = 0;
        for (Tensor x : xs) {
            be.copy(x.shape(), (float[]) x.deviceStorage(), x.offset(), x.strides(), out, at * ds[axis], ds);
            at += x.shape(axis);
        }
        return Tensor.of(out, outShape).moveTo(d);
    }

    /** out [N, C, H*s, W*s] = x [N, C, H, W] with each pixel repeated s x s: a copy of x viewed as [N, C, H, s, W, s] (strides 0 on the repeats). */
    public static Tensor upsampleNearest(Device d, Tensor x, int s) {
        int[] xs = x.shape(), xt = x.strides();
        int[] shape = {xs[0], xs[1], xs[2], s, xs[3], s};
        int[] src = {xt[0], xt[1], xt[2], 0, xt[3], 0};
        float[] out = new float[Shape.numel(shape)];
        d.kernels().copy(shape, (float[]) x.deviceStorage(), x.offset(), src, out, 0, Shape.denseStrides(shape));
        return Tensor.of(out, xs[0], xs[1], xs[2] * s, xs[3] * s).moveTo(d);
    }

    /** t's strides viewed as broadcast to {@code shape} (0 on new leading axes and on axes of size 1 that grow). */
    static int[] broadcastStrides(Tensor t, int[] shape) {
        int[] s = t.shape(), st = t.strides();
        int r = shape.length, lead = r - s.length;
        int[] out = new int[r];
        for (int i = lead; i < r; i++) out[i] = s[i - lead] == shape[i] ? st[i - lead] : 0;
        return out;
    }
}
