package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

/**
 * Leaky ReLU and ReLU, as {@code torch.nn.functional.leaky_relu(x, slope)} and {@code relu(x)}.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {-2, 0, 3}, 3);
 * Rectifiers.leakyRelu(x, 0.2);   // [-0.4, 0, 3]; gradient [0.2, 0.2, 1] (the slope at 0, as PyTorch)
 * Rectifiers.relu(x);             // [0, 0, 3]
 * }</pre>
 *
 * <p>The derivative is the piecewise constant {@code m(x) = 1 for x > 0, slope otherwise}; the backward is
 * {@code g * m(x)} with {@code m} a constant, a recorded product, so the gradient can be differentiated again
 * (with respect to g; {@code m' = 0} almost everywhere). In float32 the slope is a float32 number.
 */
public final class Rectifiers {
    private Rectifiers() {}

    /** {@code x} where {@code x > 0}, {@code slope * x} elsewhere. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        if (!x.dtype().isFloat()) throw new IllegalArgumentException("leaky_relu: needs a float tensor, got " + x.dtype() + Shape.str(x.shape()));
        if (!Double.isFinite(slope)) throw new IllegalArgumentException("leaky_relu: slope must be finite, got " + slope);
        Tensor c = x.detach().contiguous();
        int n = c.numel();
        Tensor out, mask;
        if (c.dtype() == DType.FLOAT32) {
            float[] y = new float[n], m = new float[n];
            forward(c.floats(), (float) slope, y, m);
            out = Tensor.of(y, c.shape());
            mask = Tensor.of(m, c.shape());
        } else {
            double[] y = new double[n], m = new double[n];
            forward(c.doubles(), slope, y, m);
            out = Tensor.of(y, c.shape());
            mask = Tensor.of(m, c.shape());
        }
        if (!Autograd.enabled() || !x.requiresGrad()) return out;
        return Autograd.recordComposite(out, "leaky_relu", g -> new Tensor[] {Arithmetic.mul(g, mask)}, x);
    }

    /**
     * The forward kernel over {@code n} elements (any shape, flattened): {@code y = x > 0 ? x : slope x} and the slope
     * mask {@code m = x > 0 ? 1 : slope}. Elementwise, so the result is the same whatever the thread count.
     */
    static void forward(float[] x, float slope, float[] y, float[] m) {
        Parallel.forRange(x.length, Pointwise.GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                boolean pos = x[i] > 0;
                m[i] = pos ? 1f : slope;
                y[i] = pos ? x[i] : slope * x[i];
            }
        });
    }

    /** The float64 forward kernel, as {@link #forward(float[], float, float[], float[])}. */
    static void forward(double[] x, double slope, double[] y, double[] m) {
        Parallel.forRange(x.length, Pointwise.GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                boolean pos = x[i] > 0;
                m[i] = pos ? 1 : slope;
                y[i] = pos ? x[i] : slope * x[i];
            }
        });
    }

    /** {@code max(x, 0)}; gradient 0 at 0, as PyTorch. */
    public static Tensor relu(Tensor x) {
        return leakyRelu(x, 0);
    }
}
