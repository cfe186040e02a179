package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.autograd.BackwardFn;
import dev.vdiff.tensor.kernels.UnaryKernels.Fn;

import java.util.Arrays;


/**
 * The differentiable backward passes of the elementwise ops, reductions and views: each returns the same
 * vector-Jacobian product as the op's recorded backward, but written with recorded ops on the op's original
 * inputs, so that {@link Autograd#grad} with {@code createGraph} yields a gradient that can be differentiated
 * again (PyTorch's {@code create_graph=True}; see {@link Autograd#withSecondOrder}).
 *
 * <p>The rule for every op {@code y = f(x)}: its backward {@code g -> g f'(x)} is a function of both {@code g}
 * and {@code x}; writing it with ops that record makes both dependencies visible to the next backward. For
 * example {@code d/dx exp(x) = g exp(x)} is {@code mul(g, y)} with {@code y} the recorded output, whose own
 * backward reaches {@code x} again. Derivatives that are piecewise constant (clamp's mask, leaky ReLU's slope)
 * are constants of the gradient graph, as in PyTorch.
 */
final class SecondOrder {
    private SecondOrder() {}

    /**
     * The differentiable backward of the pointwise function {@code fn} (parameters {@code a}, {@code b} as in
     * {@link Pointwise}) applied to {@code x} with recorded output {@code y}; null for the functions without
     * one (exact and tanh GELU), whose gradients then cannot be differentiated again.
     */
    static BackwardFn pointwise(Fn fn, double a, double b, Tensor x, Tensor y) {
        switch (fn) {
            case EXP: return g -> one(Arithmetic.mul(g, y));                                        // g e^x
            case LOG: return g -> one(Arithmetic.div(g, x));                                        // g / x
            case SQRT: return g -> one(Arithmetic.div(g, Arithmetic.mul(y, 2.0)));                  // g / (2 sqrt x)
            case SQUARE: return g -> one(Arithmetic.mul(g, Arithmetic.mul(x, 2.0)));                // 2 x g
            case TANH: return g -> one(Arithmetic.mul(g, Arithmetic.add(Arithmetic.neg(Pointwise.square(y)), 1.0)));   // g (1 - y^2)
            case SIGMOID: return g -> one(Arithmetic.mul(g, Arithmetic.mul(y, Arithmetic.add(Arithmetic.neg(y), 1.0)))); // g y (1 - y)
            case POW:
                if (a == 0) return g -> one(Tensor.zeros(g.dtype(), g.shape()));
                return g -> one(Arithmetic.mul(g, Arithmetic.mul(Pointwise.pow(x, a - 1), a)));    // g p x^(p-1)
            case CLAMP: return g -> one(Arithmetic.mul(g, clampMask(x, a, b)));
            case SILU:
                // silu'(x) = s (1 + x (1 - s)), s = sigmoid(x); its own derivative follows from sigmoid's
                return g -> {
                    Tensor s = Pointwise.sigmoid(x);
                    Tensor d = Arithmetic.mul(s, Arithmetic.add(Arithmetic.mul(x, Arithmetic.add(Arithmetic.neg(s), 1.0)), 1.0));
                    return one(Arithmetic.mul(g, d));
                };
            default: return null;
        }
    }

    /** 1 where {@code min <= x <= max} (bounds included, as clamp's gradient), else 0: a constant. */
    private static Tensor clampMask(Tensor x, double min, double max) {
        double[] v = x.toDoubleArray();
        Tensor m = Tensor.zeros(x.dtype(), x.shape());
        boolean f32 = x.dtype() == DType.FLOAT32;
        double lo = f32 ? (float) min : min, hi = f32 ? (float) max : max;
        Object s = m.storage();
        for (int i = 0; i < v.length; i++) {
            double one = v[i] >= lo && v[i] <= hi ? 1 : 0;
            if (f32) ((float[]) s)[i] = (float) one;
            else ((double[]) s)[i] = one;
        }
        return m;
    }

    static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }

    /**
     * Sums {@code g} down to {@code shape} (the gradient of a broadcast) with recorded ops: a sum over the
     * broadcast axes (keeping them), then a reshape. The differentiable twin of
     * {@code Strided.sumTo}, for backward functions that build a gradient graph.
     */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        if (!Arrays.equals(Shape.broadcast(shape, gs), gs)) throw new IllegalArgumentException("cannot sum shape " + Shape.str(gs) + " down to " + Shape.str(shape));
        int lead = gs.length - shape.length;
        int[] axes = new int[gs.length];
        int k = 0;
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) axes[k++] = d;
        }
        if (k == 0) return g.reshape(shape);
        return Reductions.sum(g, Arrays.copyOf(axes, k), true).reshape(shape);
    }
}
