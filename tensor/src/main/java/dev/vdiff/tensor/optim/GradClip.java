package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by global L2 norm, as {@code torch.nn.utils.clip_grad_norm_} (norm_type 2,
 * error_if_nonfinite false):
 * <pre>
 *   total = sqrt( sum over parameters of ||grad||_2^2 )
 *   coef  = min( max_norm / (total + 1e-6), 1 )
 *   grad  = grad * coef                         for every parameter with a gradient
 * </pre>
 * Example: gradients (3, 4) and (12) have total norm 13; with max_norm 6.5 each is multiplied by
 * 6.5 / (13 + 1e-6), so the new total is just under 6.5. A non-finite total (NaN or infinite gradients)
 * makes every gradient NaN or zero, as in PyTorch; callers that want to skip such steps check the returned norm.
 *
 * <p>Sums of squares run in double over fixed blocks of {@link #BLOCK} elements, combined in order, so the
 * norm does not depend on the thread count.
 */
public final class GradClip {
    private GradClip() {}

    /** The epsilon PyTorch adds to the total norm before dividing. */
    public static final double EPS = 1e-6;
    /** Elements per partial sum. */
    static final int BLOCK = 1 << 14;

    /** Scales the gradients in place so that their global L2 norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: max_norm must be >= 0, got " + maxNorm);
        List<Tensor> withGrad = new ArrayList<>();
        double sumSq = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            withGrad.add(p);
            sumSq += sumOfSquares(p.grad().contiguous());
        }
        double total = Math.sqrt(sumSq);
        double coef = Math.min(maxNorm / (total + EPS), 1.0);
        for (Tensor p : withGrad) p.setGrad(scaled(p.grad(), coef));
        return total;
    }

    /** The global L2 norm of the gradients, without changing them. */
    public static double gradNorm(Iterable<Tensor> params) {
        double sumSq = 0;
        for (Tensor p : params) if (p.grad() != null) sumSq += sumOfSquares(p.grad().contiguous());
        return Math.sqrt(sumSq);
    }

    /** Sum of squares of a dense float tensor, in double, over fixed blocks summed in block order. */
    static double sumOfSquares(Tensor g) {
        int n = g.numel();
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        if (g.dtype() == DType.FLOAT32) {
            float[] x = g.floats();
            Parallel.forRange(blocks, 1, (lo, hi) -> {
                for (int b = lo; b < hi; b++) {
                    double s = 0;
                    for (int i = b * BLOCK, e = Math.min(n, i + BLOCK); i < e; i++) s += (double) x[i] * x[i];
                    partial[b] = s;
                }
            });
        } else {
            double[] x = g.doubles();
            Parallel.forRange(blocks, 1, (lo, hi) -> {
                for (int b = lo; b < hi; b++) {
                    double s = 0;
                    for (int i = b * BLOCK, e = Math.min(n, i + BLOCK); i < e; i++) s += x[i] * x[i];
                    partial[b] = s;
                }
            });
        }
        double s = 0;
        for (double v : partial) s += v;
        return s;
    }

    /** {@code g * coef}: in place when {@code g} is dense, otherwise as a fresh dense tensor. */
    private static Tensor scaled(Tensor g, double coef) {
        Tensor d = g.isDense() ? g : g.copy();
        int n = d.numel();
        if (d.dtype() == DType.FLOAT32) {
            float[] x = d.floats();
            float c = (float) coef;   // PyTorch multiplies by the coefficient cast to the gradient's dtype
            Parallel.forRange(n, BLOCK, (lo, hi) -> {
                for (int i = lo; i < hi; i++) x[i] *= c;
            });
        } else {
            double[] x = d.doubles();
            Parallel.forRange(n, BLOCK, (lo, hi) -> {
                for (int i = lo; i < hi; i++) x[i] *= coef;
            });
        }
        return d;
    }
}
