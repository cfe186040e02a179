package dev.vdiff.tensor.check;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Float64 checks of gradients of gradients ({@link Autograd#grad} with {@code createGraph}) against finite
 * differences of first-order gradients.
 *
 * <p>With fixed random {@code U} (the output's shape) and {@code V_k} (each input's shape), let
 * {@code L(x) = sum(f(x) * U)} and {@code h(x) = sum_k <dL/dx_k, V_k>}: a Hessian-vector product. The
 * analytic {@code dh/dx} is the backward of {@code h} built with {@code createGraph = true}; the reference is
 * {@code (h(x + eps e_i) - h(x - eps e_i)) / 2 eps} where {@code h} uses only first-order gradients
 * ({@code createGraph = false}, which {@link GradCheck} and the golden suites check on their own). The
 * check also asserts that the gradient built with {@code createGraph} has the same values as the first-order
 * one. Defaults follow STYLE.md: eps 1e-6, atol 1e-5, rtol 1e-3.
 *
 * <pre>{@code
 * // d/dx of <grad sum(U * silu(x)), V> = U * V * silu''(x), against central differences
 * DoubleGradCheck.check(xs -> Pointwise.silu(xs[0]), rng.normal(DType.FLOAT64, 3, 4));
 * }</pre>
 */
public final class DoubleGradCheck {
    private DoubleGradCheck() {}

    /** Checks every element of every input (float64; all are made leaves that require a gradient). */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, 99, GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL, inputs);
    }

    public static void check(Function<Tensor[], Tensor> f, long seed, double eps, double atol, double rtol, Tensor... inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k].dtype() != DType.FLOAT64) throw new IllegalArgumentException("double-gradient checks run in float64; input " + k + " is " + inputs[k].dtype());
            xs[k] = inputs[k].copy().requiresGrad(true);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor out0 = f.apply(xs);
        Tensor u = random(rnd, out0.shape());
        Tensor[] v = new Tensor[xs.length];
        for (int k = 0; k < xs.length; k++) v[k] = random(rnd, xs[k].shape());

        // analytic: h built with createGraph, then differentiated once more
        Tensor[] g = Autograd.grad(new Tensor[] {out0}, new Tensor[] {u}, xs, true);
        double[][] first = firstOrder(f, xs, u);
        for (int k = 0; k < xs.length; k++) {
            double[] a = g[k].toDoubleArray(), b = first[k];
            for (int i = 0; i < a.length; i++) {
                if (!(Math.abs(a[i] - b[i]) <= 1e-12 + 1e-10 * Math.abs(b[i]))) {
                    throw new AssertionError(String.format("createGraph gradient of input %d %s at flat index %d is %.15g, first-order gradient %.15g", k, Shape.str(xs[k].shape()), i, a[i], b[i]));
                }
            }
        }
        Tensor h = null;
        for (int k = 0; k < xs.length; k++) {
            Tensor term = Reductions.sumAll(Arithmetic.mul(g[k], v[k]));
            h = h == null ? term : Arithmetic.add(h, term);
        }
        Tensor[] analytic = h.requiresGrad() ? Autograd.grad(h, xs, false) : null;

        for (int k = 0; k < xs.length; k++) {
            double[] x = xs[k].doubles();
            for (int i = 0; i < x.length; i++) {
                double keep = x[i];
                x[i] = keep + eps;
                double hp = hvp(f, xs, u, v);
                x[i] = keep - eps;
                double hm = hvp(f, xs, u, v);
                x[i] = keep;
                double num = (hp - hm) / (2 * eps);
                double ana = analytic == null ? 0 : analytic[k].contiguous().doubles()[i];
                if (!(Math.abs(ana - num) <= atol + rtol * Math.abs(num))) {
                    throw new AssertionError(String.format("second-order gradient of input %d %s at flat index %d: autodiff %.10g vs central difference %.10g (|diff| %.3g > atol %.1g + rtol %.1g * |num|)",
                        k, Shape.str(xs[k].shape()), i, ana, num, Math.abs(ana - num), atol, rtol));
                }
            }
        }
    }

    /** {@code sum_k <dL/dx_k, V_k>} from first-order gradients only. */
    private static double hvp(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor u, Tensor[] v) {
        double[][] g = firstOrder(f, xs, u);
        double s = 0;
        for (int k = 0; k < xs.length; k++) {
            double[] vk = v[k].doubles();
            for (int i = 0; i < vk.length; i++) s += g[k][i] * vk[i];
        }
        return s;
    }

    private static double[][] firstOrder(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor u) {
        Tensor[] g = Autograd.grad(new Tensor[] {f.apply(xs)}, new Tensor[] {u}, xs, false);
        double[][] out = new double[xs.length][];
        for (int k = 0; k < xs.length; k++) out[k] = g[k].toDoubleArray();
        return out;
    }

    private static Tensor random(SplittableRandom rnd, int[] shape) {
        double[] d = new double[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rnd.nextDouble() * 2 - 1;
        return Tensor.of(d, shape);
    }
}
