package dev.vdiff.tensor;

import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.autograd.Node;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.backend.HostCopy;

import java.util.Arrays;

/**
 * An n-dimensional array of float32, float64 or int64 values that can take part in reverse-mode autodiff.
 *
 * <p>Storage is one primitive array ({@code float[]}, {@code double[]} or {@code long[]}) read through a shape,
 * strides and an offset, so reshape, permute, slice and expand are views that copy nothing. Ops that run a
 * hot loop first make their inputs {@link #contiguous()} and then hand the raw arrays to a static kernel.
 *
 * <pre>{@code
 * Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);   // [[1,2,3],[4,5,6]], float64
 * Tensor t = a.transpose(0, 1);                                   // [3, 2] view, strides [1, 3]
 * t.contiguous().doubles();                                       // {1, 4, 2, 5, 3, 6}
 * }</pre>
 *
 * <p>Autodiff: a leaf created with {@link #requiresGrad(boolean) requiresGrad(true)} records every op applied
 * to it; {@link #backward()} accumulates {@code dL/dleaf} into {@link #grad()} of each such leaf. See
 * {@link Autograd} for the engine and the no-grad scope.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final Object data;

    private boolean requiresGrad;
    private Tensor grad;
    private Node node;
    private String name;
    /** Where ops on this tensor run (see {@link Device}); set by {@link #moveTo} and inherited by op outputs. */
    private Device device = Device.JVM;

    /** Wraps existing storage; {@code data} must be {@code float[]}, {@code double[]} or {@code long[]} matching {@code dtype}. */
    public Tensor(DType dtype, int[] shape, int[] strides, int offset, Object data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
        this.data = data;
        if (shape.length != strides.length) throw new IllegalArgumentException("shape " + Shape.str(shape) + " and strides " + Shape.str(strides) + " differ in rank");
        int len = storageLength(data, dtype);
        if (Shape.numel(shape) > 0) {
            long hi = offset, lo = offset;
            for (int i = 0; i < shape.length; i++) {
                long span = (long) (shape[i] - 1) * strides[i];
                if (span > 0) hi += span; else lo += span;
            }
            if (lo < 0 || hi >= len) throw new IllegalArgumentException("view " + Shape.str(shape) + " strides " + Shape.str(strides) + " offset " + offset + " reaches outside storage of " + len + " elements");
        }
    }

    /** A dense tensor over {@code data} (no copy). */
    public static Tensor dense(DType dtype, Object data, int... shape) {
        int n = Shape.numel(shape);
        int len = storageLength(data, dtype);
        if (len != n) throw new IllegalArgumentException("shape " + Shape.str(shape) + " needs " + n + " elements, array has " + len);
        return new Tensor(dtype, shape, Shape.denseStrides(shape), 0, data);
    }

    private static int storageLength(Object data, DType dtype) {
        switch (dtype) {
            case FLOAT32: if (data instanceof float[]) return ((float[]) data).length; break;
            case FLOAT64: if (data instanceof double[]) return ((double[]) data).length; break;
            case INT64: if (data instanceof long[]) return ((long[]) data).length; break;
        }
        throw new IllegalArgumentException("storage " + (data == null ? "null" : data.getClass().getSimpleName()) + " does not hold " + dtype);
    }

    // ---------------------------------------------------------------- creation

    /** A float32 tensor over {@code data} (no copy). */
    public static Tensor of(float[] data, int... shape) {
        return dense(DType.FLOAT32, data, shape);
    }

    /** A float64 tensor over {@code data} (no copy). */
    public static Tensor of(double[] data, int... shape) {
        return dense(DType.FLOAT64, data, shape);
    }

    /** An int64 tensor over {@code data} (no copy). */
    public static Tensor ofLongs(long[] data, int... shape) {
        return dense(DType.INT64, data, shape);
    }

    /** Fresh zero-filled storage of the dtype. */
    public static Object allocate(DType dtype, int n) {
        switch (dtype) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            default: return new long[n];
        }
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return dense(dtype, allocate(dtype, Shape.numel(shape)), shape);
    }

    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = zeros(dtype, shape);
        t.fill(value);
        return t;
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /** A 0-d tensor. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.dtype, t.shape);
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() { return dtype; }
    public int rank() { return shape.length; }
    public int[] shape() { return shape.clone(); }
    public int shape(int axis) { return shape[Shape.axis(axis, shape.length)]; }
    public int[] strides() { return strides.clone(); }
    public int offset() { return offset; }
    public int numel() { return Shape.numel(shape); }
    public String name() { return name; }
    public Tensor named(String n) { this.name = n; return this; }

    /** The device whose kernels run the ops on this tensor (default {@link Device#JVM}). */
    public Device device() { return device; }

    /**
     * Puts this tensor on {@code d} (in place, like assigning {@code p.data = p.data.to(d)} in PyTorch): ops
     * with it as an input run on {@code d} from now on. The values stay in this tensor's storage, which
     * every device uses as its host copy; returns this.
     */
    public Tensor moveTo(Device d) {
        this.device = java.util.Objects.requireNonNull(d, "device");
        return this;
    }

    /**
     * Raw storage (float[], double[] or long[]); read it through {@link #offset()} and {@link #strides()}. Current on
     * the host: if a device holds newer values (lazy read-back, {@link HostCopy}) they are copied home first.
     */
    public Object storage() {
        HostCopy.bringHome(data);
        return data;
    }

    /**
     * Raw storage for handing to this tensor's device ({@link dev.vdiff.tensor.backend.KernelBackend}), NOT brought
     * home: the host copy may be stale (its device may hold newer values), so host code must not read or write it.
     * Only the ops that pass arrays to a backend use it; everything else uses {@link #storage()}.
     */
    public Object deviceStorage() { return data; }

    /** True when the storage is exactly this tensor's elements in row-major order. */
    public boolean isDense() {
        return offset == 0 && storageLength(data, dtype) == numel() && Arrays.equals(strides, Shape.denseStrides(shape));
    }

    /** The row-major element array of a dense float32 tensor (no copy). */
    public float[] floats() {
        requireDense(DType.FLOAT32);
        HostCopy.bringHome(data);
        return (float[]) data;
    }

    /** As {@link #floats()} but for handing to a backend, NOT brought home (see {@link #deviceStorage()}). */
    public float[] deviceFloats() {
        requireDense(DType.FLOAT32);
        return (float[]) data;
    }

    /** The row-major element array of a dense float64 tensor (no copy). */
    public double[] doubles() {
        requireDense(DType.FLOAT64);
        return (double[]) data;
    }

    /** The row-major element array of a dense int64 tensor (no copy). */
    public long[] longs() {
        requireDense(DType.INT64);
        return (long[]) data;
    }

    private void requireDense(DType want) {
        if (dtype != want) throw new IllegalArgumentException("tensor" + label() + " is " + dtype + ", not " + want);
        if (!isDense()) throw new IllegalStateException("tensor" + label() + " is a strided view; call contiguous() first");
    }

    String label() {
        return name == null ? " " + Shape.str(shape) : " '" + name + "' " + Shape.str(shape);
    }

    // ---------------------------------------------------------------- element access (slow path, for tests and tools)

    /** Storage index of a multi-index. */
    public int index(int... idx) {
        if (idx.length != shape.length) throw new IllegalArgumentException("index of rank " + idx.length + " for tensor of rank " + shape.length);
        int p = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside shape " + Shape.str(shape));
            p += idx[i] * strides[i];
        }
        return p;
    }

    public double get(int... idx) {
        int p = index(idx);
        HostCopy.bringHome(data);
        switch (dtype) {
            case FLOAT32: return ((float[]) data)[p];
            case FLOAT64: return ((double[]) data)[p];
            default: return ((long[]) data)[p];
        }
    }

    public void set(double v, int... idx) {
        int p = index(idx);
        HostCopy.bringHome(data);
        switch (dtype) {
            case FLOAT32: ((float[]) data)[p] = (float) v; break;
            case FLOAT64: ((double[]) data)[p] = v; break;
            default: ((long[]) data)[p] = (long) v;
        }
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() of tensor" + label() + " with " + numel() + " elements");
        return contiguous().toDoubleArray()[0];
    }

    /** All elements in row-major order, widened to double (a copy). */
    public double[] toDoubleArray() {
        Tensor c = contiguous();
        int n = c.numel();
        double[] out = new double[n];
        HostCopy.bringHome(c.data);
        switch (dtype) {
            case FLOAT32: { float[] f = (float[]) c.data; for (int i = 0; i < n; i++) out[i] = f[i]; break; }
            case FLOAT64: System.arraycopy(c.data, 0, out, 0, n); break;
            default: { long[] l = (long[]) c.data; for (int i = 0; i < n; i++) out[i] = l[i]; }
        }
        return out;
    }

    /** Sets every element (in place, not recorded by autodiff). */
    public Tensor fill(double v) {
        HostCopy.bringHome(data);   // a partial fill of a view keeps the other elements
        if (isDense()) {
            switch (dtype) {
                case FLOAT32: Arrays.fill((float[]) data, (float) v); break;
                case FLOAT64: Arrays.fill((double[]) data, v); break;
                default: Arrays.fill((long[]) data, (long) v);
            }
        } else {
            Strided.fill(this, v);
        }
        return this;
    }

    // ---------------------------------------------------------------- views and copies (see Views)

    /** This tensor if dense, otherwise a dense row-major copy. Differentiable. */
    public Tensor contiguous() { return isDense() ? this : Views.contiguous(this); }
    /** Same elements, new shape; one dimension may be -1. A view when dense, otherwise a copy. Differentiable. */
    public Tensor reshape(int... newShape) { return Views.reshape(this, newShape); }
    /** Reorders dimensions: {@code out.shape[i] = shape[perm[i]]}. A view. Differentiable. */
    public Tensor permute(int... perm) { return Views.permute(this, perm); }
    /** Swaps two dimensions. A view. Differentiable. */
    public Tensor transpose(int a, int b) { return Views.transpose(this, a, b); }
    /** Inserts a dimension of size 1 at {@code axis}. A view. Differentiable. */
    public Tensor unsqueeze(int axis) { return Views.unsqueeze(this, axis); }
    /** Removes a dimension of size 1. A view. Differentiable. */
    public Tensor squeeze(int axis) { return Views.squeeze(this, axis); }
    /** Elements {@code start .. start+length-1} along {@code axis}. A view. Differentiable. */
    public Tensor narrow(int axis, int start, int length) { return Views.narrow(this, axis, start, length); }
    /** Broadcasts size-1 (or missing leading) dimensions to {@code newShape} with stride 0. A view. Differentiable. */
    public Tensor expand(int... newShape) { return Views.expand(this, newShape); }
    /** Converts the dtype (float32 and float64 both ways; gradients flow back converted). */
    public Tensor to(DType target) { return Views.cast(this, target); }
    /** A new dense copy that shares nothing with this tensor and records nothing. */
    public Tensor copy() { return Views.copy(this); }

    // ---------------------------------------------------------------- autodiff

    /** Marks a leaf as a variable whose gradient {@link #backward()} accumulates. */
    public Tensor requiresGrad(boolean on) {
        if (on && !dtype.isFloat()) throw new IllegalArgumentException("int64 tensor" + label() + " cannot require a gradient");
        if (node != null) throw new IllegalStateException("requiresGrad can only be set on a leaf; tensor" + label() + " is the result of an op");
        this.requiresGrad = on;
        return this;
    }

    /** True for leaves marked with {@link #requiresGrad(boolean)} and for results of ops on them. */
    public boolean requiresGrad() { return requiresGrad || node != null; }

    /** The accumulated gradient of a leaf, or null before any backward pass reached it. */
    public Tensor grad() { return grad; }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() { this.grad = null; }

    /** Sets the gradient (used by the engine, optimizers' tests and gradient clipping). */
    public void setGrad(Tensor g) {
        if (g != null && (!Arrays.equals(g.shape, shape) || g.dtype != dtype)) {
            throw new IllegalArgumentException("gradient " + g.dtype + Shape.str(g.shape) + " does not match tensor" + label() + " " + dtype);
        }
        this.grad = g;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public Node node() { return node; }

    /** Attaches the producing op (engine use only; see {@link Autograd#record}). */
    public void attach(Node n) { this.node = n; }

    /** The same values, cut off from the graph. Shares storage. */
    public Tensor detach() { return new Tensor(dtype, shape, strides, offset, data).moveTo(device); }

    /** Backward from a one-element tensor with upstream gradient 1. */
    public void backward() { Autograd.backward(this, null); }

    /** Backward with an explicit upstream gradient of this tensor's shape. */
    public void backward(Tensor upstream) { Autograd.backward(this, upstream); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(Shape.str(shape));
        if (name != null) sb.append(" '").append(name).append('\'');
        if (numel() <= 16) sb.append(' ').append(Arrays.toString(toDoubleArray()));
        return sb.append(')').toString();
    }

    /**
     * The device an op on these inputs runs on (nulls ignored): the JVM unless some input is on another
     * device; two different non-JVM devices are an error naming both.
     */
    public static Device deviceOf(Tensor... inputs) {
        Device d = Device.JVM;
        for (Tensor t : inputs) {
            if (t == null || t.device().isJvm()) continue;
            if (d.isJvm()) d = t.device();
            else if (d != t.device()) {
                throw new IllegalArgumentException("inputs on two devices, " + d.name() + " and " + t.device().name() + " (tensor " + t + "); move them to one device first");
            }
        }
        return d;
    }
}
