package dev.vdiff.tensor.check;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Float64 gradient checks: the autodiff vector-Jacobian product against central differences.
 *
 * <p>With a fixed random upstream {@code U}, {@code L(x) = sum(f(x) * U)}; the analytic {@code dL/dx} comes
 * from {@code f(x).backward(U)}. {@link #check} compares it elementwise with
 * {@code (L(x + eps e_i) - L(x - eps e_i)) / 2 eps} for every element (small inputs); {@link #checkDirection}
 * compares {@code <dL/dx, d>} with {@code (L(x + eps d) - L(x - eps d)) / 2 eps} along random directions
 * {@code d} (large inputs, where one difference per element would be too slow).
 *
 * <p>Defaults follow STYLE.md: eps 1e-6, atol 1e-5, rtol 1e-3.
 */
public final class GradCheck {
    private GradCheck() {}

    public static final double EPS = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

    /** Checks every element of every input; inputs must be float64 leaves. Throws AssertionError naming the input and index. */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, EPS, ATOL, RTOL, inputs);
    }

    public static void check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Tensor[] xs = leaves(inputs);
        compareEvery(() -> f.apply(xs), eps, atol, rtol, xs);
    }

    /**
     * As {@link #check}, for tensors that {@code f} reads by itself, such as a module's parameters: the
     * given float64 leaves are perturbed in place (and restored), not copied. Leaves must be dense.
     *
     * <pre>{@code
     * Linear fc = new Linear(3, 2, true, DType.FLOAT64, rng);
     * GradCheck.checkInPlace(() -> fc.forward(x), x, fc.weight, fc.bias);   // x: a float64 leaf
     * }</pre>
     */
    public static void checkInPlace(Supplier<Tensor> f, Tensor... leaves) {
        compareEvery(f, EPS, ATOL, RTOL, inPlace(leaves));
    }

    private static void compareEvery(Supplier<Tensor> f, double eps, double atol, double rtol, Tensor[] xs) {
        Tensor out = f.get();
        double[] up = upstream(out, 1234);
        double[][] analytic = analytic(out, up, xs);
        for (int k = 0; k < xs.length; k++) {
            if (!xs[k].requiresGrad()) continue;
            double[] x = xs[k].doubles();
            for (int i = 0; i < x.length; i++) {
                double keep = x[i];
                x[i] = keep + eps;
                double lp = loss(f, up);
                x[i] = keep - eps;
                double lm = loss(f, up);
                x[i] = keep;
                double num = (lp - lm) / (2 * eps);
                double ana = analytic[k][i];
                if (!(Math.abs(ana - num) <= atol + rtol * Math.abs(num))) {
                    throw new AssertionError(String.format("gradient of input %d %s at flat index %d: autodiff %.10g vs central difference %.10g (|diff| %.3g > atol %.1g + rtol %.1g * |num|)",
                        k, Shape.str(xs[k].shape()), i, ana, num, Math.abs(ana - num), atol, rtol));
                }
            }
        }
    }

    /** Random-direction check for big inputs: {@code directions} random directions over all inputs jointly. */
    public static void checkDirection(Function<Tensor[], Tensor> f, int directions, long seed, Tensor... inputs) {
        Tensor[] xs = leaves(inputs);
        compareDirections(() -> f.apply(xs), directions, seed, xs);
    }

    /** As {@link #checkDirection}, perturbing the given dense float64 leaves in place (see {@link #checkInPlace}). */
    public static void checkDirectionInPlace(Supplier<Tensor> f, int directions, long seed, Tensor... leaves) {
        compareDirections(f, directions, seed, inPlace(leaves));
    }

    private static void compareDirections(Supplier<Tensor> f, int directions, long seed, Tensor[] xs) {
        Tensor out = f.get();
        double[] up = upstream(out, seed);
        double[][] analytic = analytic(out, up, xs);
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        for (int r = 0; r < directions; r++) {
            double[][] d = new double[xs.length][];
            double predicted = 0;
            for (int k = 0; k < xs.length; k++) {
                if (!xs[k].requiresGrad()) continue;
                d[k] = new double[xs[k].numel()];
                for (int i = 0; i < d[k].length; i++) {
                    d[k][i] = rnd.nextDouble() * 2 - 1;
                    predicted += d[k][i] * analytic[k][i];
                }
            }
            shift(xs, d, EPS);
            double lp = loss(f, up);
            shift(xs, d, -2 * EPS);
            double lm = loss(f, up);
            shift(xs, d, EPS);
            double num = (lp - lm) / (2 * EPS);
            if (!(Math.abs(predicted - num) <= ATOL + RTOL * Math.abs(num))) {
                throw new AssertionError(String.format("directional derivative %d: autodiff %.10g vs central difference %.10g", r, predicted, num));
            }
        }
    }

    private static void shift(Tensor[] xs, double[][] d, double h) {
        for (int k = 0; k < xs.length; k++) {
            if (d[k] == null) continue;
            double[] x = xs[k].doubles();
            for (int i = 0; i < x.length; i++) x[i] += h * d[k][i];
        }
    }

    private static Tensor[] leaves(Tensor[] inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            Tensor t = inputs[k];
            if (t.dtype() == DType.FLOAT32) throw new IllegalArgumentException("gradient checks run in float64; input " + k + " is float32");
            // A fresh dense leaf per input, so that perturbing it perturbs exactly what f reads.
            xs[k] = t.dtype() == DType.FLOAT64 ? t.copy().requiresGrad(t.requiresGrad()) : t;
        }
        return xs;
    }

    /** The caller's own leaves, checked: perturbing them in place must change what f reads. */
    private static Tensor[] inPlace(Tensor[] leaves) {
        for (int k = 0; k < leaves.length; k++) {
            Tensor t = leaves[k];
            if (t.dtype() != DType.FLOAT64 || !t.isDense() || t.node() != null) {
                throw new IllegalArgumentException("in-place gradient checks need dense float64 leaves; input " + k + " is " + t.dtype() + Shape.str(t.shape()) + (t.node() != null ? ", the output of an op" : t.isDense() ? "" : ", a strided view"));
            }
            t.zeroGrad();
        }
        return leaves;
    }

    private static double[] upstream(Tensor out, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] u = new double[out.numel()];
        for (int i = 0; i < u.length; i++) u[i] = rnd.nextDouble() * 2 - 1;
        return u;
    }

    private static double[][] analytic(Tensor out, double[] up, Tensor[] xs) {
        out.backward(Tensor.of(up.clone(), out.shape()));
        double[][] g = new double[xs.length][];
        for (int k = 0; k < xs.length; k++) {
            if (!xs[k].requiresGrad()) continue;
            g[k] = xs[k].grad() == null ? new double[xs[k].numel()] : xs[k].grad().toDoubleArray();
            xs[k].zeroGrad();
        }
        return g;
    }

    private static double loss(Supplier<Tensor> f, double[] up) {
        try (var s = Autograd.noGrad()) {
            double[] o = f.get().toDoubleArray();
            double l = 0;
            for (int i = 0; i < o.length; i++) l += o[i] * up[i];
            return l;
        }
    }
}
