package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.kernels.UnaryKernels;
import dev.vdiff.tensor.kernels.UnaryKernels.Fn;

/**
 * Elementwise functions of one tensor, with their derivatives: {@code exp, log, sqrt, square, tanh,
 * sigmoid, pow, clamp} and the activations {@code silu, gelu, geluTanh}.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {-100, 0, 2}, 3);
 * Pointwise.sigmoid(x);   // [3.7e-44, 0.5, 0.8808]: stable for large |x|, never NaN
 * Pointwise.silu(x);      // [-3.7e-42, 0, 1.7616]: x * sigmoid(x)
 * Pointwise.clamp(x, -1, 1);   // [-1, 0, 1]; gradient 1 where -1 <= x <= 1, else 0
 * }</pre>
 *
 * <p>Each op runs one flat pass over the dense input (see {@link UnaryKernels}) and records a backward
 * that keeps only what the derivative needs: the output for exp, sqrt, tanh and sigmoid, the input for
 * the rest. In float32, sigmoid, silu and geluTanh run in float32 arithmetic on
 * {@link dev.vdiff.tensor.kernels.ExpF} (Vector API where available, same bits either way); the other
 * functions widen to double and round once.
 */
public final class Pointwise {
    private Pointwise() {}

    /** Elements per parallel chunk: transcendental functions cost tens of cycles, so chunks can be smaller than for add. */
    static final int GRAIN = 1 << 14;

    /** e^x. */
    public static Tensor exp(Tensor x) { return apply("exp", Fn.EXP, 0, 0, x); }
    /** Natural logarithm (NaN below 0, -inf at 0, as in PyTorch). */
    public static Tensor log(Tensor x) { return apply("log", Fn.LOG, 0, 0, x); }
    /** Square root. */
    public static Tensor sqrt(Tensor x) { return apply("sqrt", Fn.SQRT, 0, 0, x); }
    /** x^2. */
    public static Tensor square(Tensor x) { return apply("square", Fn.SQUARE, 0, 0, x); }
    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) { return apply("tanh", Fn.TANH, 0, 0, x); }
    /** 1 / (1 + e^-x), computed without overflow for any x. */
    public static Tensor sigmoid(Tensor x) { return apply("sigmoid", Fn.SIGMOID, 0, 0, x); }

    /** x^p for a number p; gradient p x^(p-1) (0 when p = 0). */
    public static Tensor pow(Tensor x, double p) { return apply("pow", Fn.POW, p, 0, x); }

    /**
     * min(max(x, min), max). Use {@code Double.NEGATIVE_INFINITY}/{@code POSITIVE_INFINITY} for a one-sided
     * clamp. The gradient passes (as 1) where {@code min <= x <= max}, bounds included, as in PyTorch.
     */
    public static Tensor clamp(Tensor x, double min, double max) {
        if (!(min <= max)) throw new IllegalArgumentException("clamp: min " + min + " is not <= max " + max);
        return apply("clamp", Fn.CLAMP, min, max, x);
    }

    /** SiLU (swish): x sigmoid(x). */
    public static Tensor silu(Tensor x) { return apply("silu", Fn.SILU, 0, 0, x); }
    /** Exact GELU: 0.5 x (1 + erf(x / sqrt 2)), with {@link dev.vdiff.tensor.math.Erf}. */
    public static Tensor gelu(Tensor x) { return apply("gelu", Fn.GELU, 0, 0, x); }
    /** Tanh-approximate GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static Tensor geluTanh(Tensor x) { return apply("gelu_tanh", Fn.GELU_TANH, 0, 0, x); }

    private static Tensor apply(String op, Fn fn, double a, double b, Tensor x) {
        if (!x.dtype().isFloat()) throw new IllegalArgumentException(op + ": needs a float tensor, got " + x.dtype() + Shape.str(x.shape()));
        Tensor c = x.detach().contiguous();
        int n = c.numel();
        int[] shape = c.shape();
        Tensor out;
        Device device = x.device();
        if (c.dtype() == DType.FLOAT32) {
            float[] src = c.deviceFloats(), dst = new float[n];
            device.kernels().unaryForward(fn, a, b, src, dst, n);
            out = Tensor.of(dst, shape).moveTo(device);
        } else {
            double[] src = c.doubles(), dst = new double[n];
            Parallel.forRange(n, GRAIN, (lo, hi) -> UnaryKernels.forward(fn, a, b, src, dst, lo, hi));
            out = Tensor.of(dst, shape);
        }
        if (!Autograd.enabled() || !x.requiresGrad()) return out;
        // Keep only what the derivative reads, so the graph does not hold both activations alive.
        Object xs = fn.usesX ? c.deviceStorage() : null, ys = fn.usesY ? out.deviceStorage() : null;
        Tensor recorded = Autograd.record(out, op, g -> new Tensor[] {backward(device.kernels(), fn, a, b, xs, ys, g)}, x);
        return Autograd.withSecondOrder(recorded, SecondOrder.pointwise(fn, a, b, x, recorded));
    }

    private static Tensor backward(KernelBackend be, Fn fn, double a, double b, Object xs, Object ys, Tensor g) {
        int n = g.numel();
        if (g.dtype() == DType.FLOAT32) {
            float[] gs = g.deviceFloats(), dx = new float[n];
            float[] x = (float[]) xs, y = (float[]) ys;
            be.unaryBackward(fn, a, b, x, y, gs, dx, n);
            return Tensor.of(dx, g.shape());
        }
        double[] gs = g.doubles(), dx = new double[n];
        double[] x = (double[]) xs, y = (double[]) ys;
        Parallel.forRange(n, GRAIN, (lo, hi) -> UnaryKernels.backward(fn, a, b, x, y, gs, dx, lo, hi));
        return Tensor.of(dx, g.shape());
    }
}
