package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.OnDevice;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Strided;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

import java.util.Arrays;

/**
 * Elementwise {@code add, sub, mul, div} with NumPy broadcasting, and their scalar forms.
 *
 * <pre>{@code
 * Arithmetic.add(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), Tensor.of(new double[] {10, 20}, 2))
 *     // [[11, 22], [13, 24]]: b is broadcast over the rows
 * }</pre>
 *
 * Backward: {@code d(a+b) = (g, g)}, {@code d(a-b) = (g, -g)}, {@code d(ab) = (g b, g a)},
 * {@code d(a/b) = (g / b, -g a / b^2)}, each summed back to the input's shape where it was broadcast.
 */
public final class Arithmetic {
    private Arithmetic() {}

    private enum Op { ADD, SUB, MUL, DIV }

    /** Below this many elements a loop runs on the calling thread. */
    static final int GRAIN = 1 << 15;

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = apply(Op.ADD, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.withSecondOrder(Autograd.record(out, "add", g -> new Tensor[] {
            a.requiresGrad() ? Strided.sumTo(g, sa) : null,
            b.requiresGrad() ? Strided.sumTo(g, sb) : null}, a, b), g -> new Tensor[] {
            a.requiresGrad() ? SecondOrder.sumTo(g, sa) : null,
            b.requiresGrad() ? SecondOrder.sumTo(g, sb) : null});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = apply(Op.SUB, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.withSecondOrder(Autograd.record(out, "sub", g -> new Tensor[] {
            a.requiresGrad() ? Strided.sumTo(g, sa) : null,
            b.requiresGrad() ? Strided.sumTo(scale(g, -1), sb) : null}, a, b), g -> new Tensor[] {
            a.requiresGrad() ? SecondOrder.sumTo(g, sa) : null,
            b.requiresGrad() ? SecondOrder.sumTo(neg(g), sb) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = apply(Op.MUL, a, b);
        int[] sa = a.shape(), sb = b.shape();
        Tensor ad = a.detach(), bd = b.detach();
        return Autograd.withSecondOrder(Autograd.record(out, "mul", g -> new Tensor[] {
            a.requiresGrad() ? Strided.sumTo(apply(Op.MUL, g, bd), sa) : null,
            b.requiresGrad() ? Strided.sumTo(apply(Op.MUL, g, ad), sb) : null}, a, b), g -> new Tensor[] {
            a.requiresGrad() ? SecondOrder.sumTo(mul(g, b), sa) : null,
            b.requiresGrad() ? SecondOrder.sumTo(mul(g, a), sb) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = apply(Op.DIV, a, b);
        int[] sa = a.shape(), sb = b.shape();
        Tensor bd = b.detach(), od = out.detach();
        return Autograd.withSecondOrder(Autograd.record(out, "div", g -> {
            Tensor gb = a.requiresGrad() || b.requiresGrad() ? apply(Op.DIV, g, bd) : null;  // g / b
            return new Tensor[] {
                a.requiresGrad() ? Strided.sumTo(gb, sa) : null,
                // d(a/b)/db = -(a/b)/b, so the gradient is -(g/b)(a/b)
                b.requiresGrad() ? Strided.sumTo(scale(apply(Op.MUL, gb, od), -1), sb) : null};
        }, a, b), g -> {
            Tensor gb = div(g, b);   // g / b, recorded; d(a/b)/db = -(g/b)(a/b) with a/b the recorded output
            return new Tensor[] {
                a.requiresGrad() ? SecondOrder.sumTo(gb, sa) : null,
                b.requiresGrad() ? SecondOrder.sumTo(neg(mul(gb, out)), sb) : null};
        });
    }

    /** {@code a + c} for a number {@code c}. */
    public static Tensor add(Tensor a, double c) {
        return add(a, Tensor.scalar(a.dtype(), c));
    }

    /** {@code a * c} for a number {@code c}. */
    public static Tensor mul(Tensor a, double c) {
        Tensor out = scale(a, c);
        return Autograd.withSecondOrder(Autograd.record(out, "mul_scalar", g -> new Tensor[] {scale(g, c)}, a), g -> new Tensor[] {mul(g, c)});
    }

    /** {@code -a}. */
    public static Tensor neg(Tensor a) {
        return mul(a, -1.0);
    }

    /** {@code c * a} as a fresh tensor, outside autodiff (a building block for backward functions). */
    public static Tensor scale(Tensor a, double c) {
        Device dev = OnDevice.of(a);
        if (dev != null) return OnDevice.binary(dev, StridedKernels.Op.SCALE, a, null, a.shape(), (float) c);
        Tensor x = a.contiguous();
        int n = x.numel();
        if (x.dtype() == DType.FLOAT32) {
            float[] s = x.floats(), d = new float[n];
            float cf = (float) c;
            Parallel.forRange(n, GRAIN, (lo, hi) -> {
                for (int i = lo; i < hi; i++) d[i] = s[i] * cf;
            });
            return Tensor.of(d, x.shape());
        }
        double[] s = x.doubles(), d = new double[n];
        Parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) d[i] = s[i] * c;
        });
        return Tensor.of(d, x.shape());
    }

    /** Checks that two tensors take part in one float computation; the message names both. */
    static void sameFloatDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) throw new IllegalArgumentException(op + ": dtypes differ (" + a.dtype() + Shape.str(a.shape()) + " vs " + b.dtype() + Shape.str(b.shape()) + "); convert one with to()");
        if (!a.dtype().isFloat()) throw new IllegalArgumentException(op + ": needs float tensors, got " + a.dtype());
    }

    private static Tensor apply(Op op, Tensor a, Tensor b) {
        sameFloatDtype(op.name().toLowerCase(), a, b);
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        Device dev = OnDevice.of(a, b);   // float32 on a device: one kernel over the views, nothing materialised
        if (dev != null) return OnDevice.binary(dev, StridedKernels.Op.valueOf(op.name()), a, b, shape, 0f);
        // Broadcast operands are materialised once; the loop itself is then a flat, vectorisable pass.
        Tensor x = Arrays.equals(a.shape(), shape) ? a.contiguous() : Tensor.dense(a.dtype(), Strided.toDense(a.expand(shape)), shape);
        Tensor y = Arrays.equals(b.shape(), shape) ? b.contiguous() : Tensor.dense(b.dtype(), Strided.toDense(b.expand(shape)), shape);
        int n = Shape.numel(shape);
        if (a.dtype() == DType.FLOAT32) {
            float[] p = x.floats(), q = y.floats(), r = new float[n];
            Parallel.forRange(n, GRAIN, (lo, hi) -> kernelF(op, p, q, r, lo, hi));
            return Tensor.of(r, shape);
        }
        double[] p = x.doubles(), q = y.doubles(), r = new double[n];
        Parallel.forRange(n, GRAIN, (lo, hi) -> kernelD(op, p, q, r, lo, hi));
        return Tensor.of(r, shape);
    }

    /** r[i] = p[i] (op) q[i] for i in [lo, hi); all arrays [n]. */
    static void kernelF(Op op, float[] p, float[] q, float[] r, int lo, int hi) {
        switch (op) {
            case ADD: for (int i = lo; i < hi; i++) r[i] = p[i] + q[i]; break;
            case SUB: for (int i = lo; i < hi; i++) r[i] = p[i] - q[i]; break;
            case MUL: for (int i = lo; i < hi; i++) r[i] = p[i] * q[i]; break;
            default:  for (int i = lo; i < hi; i++) r[i] = p[i] / q[i];
        }
    }

    /** r[i] = p[i] (op) q[i] for i in [lo, hi); all arrays [n]. */
    static void kernelD(Op op, double[] p, double[] q, double[] r, int lo, int hi) {
        switch (op) {
            case ADD: for (int i = lo; i < hi; i++) r[i] = p[i] + q[i]; break;
            case SUB: for (int i = lo; i < hi; i++) r[i] = p[i] - q[i]; break;
            case MUL: for (int i = lo; i < hi; i++) r[i] = p[i] * q[i]; break;
            default:  for (int i = lo; i < hi; i++) r[i] = p[i] / q[i];
        }
    }
}
