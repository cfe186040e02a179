package dev.vdiff.tensor.optim;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.kernels.OptimizerKernels;

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
 * norm does not depend on the thread count ({@link OptimizerKernels#sumOfSquares}). A float32 gradient is summed and
 * scaled by its device ({@link dev.vdiff.tensor.backend.KernelBackend#sumOfSquares}, {@code scaleInPlace}), so a
 * device that holds the gradients sends home one double per parameter instead of the gradients.
 */
public final class GradClip {
    private GradClip() {}

    /** The epsilon PyTorch adds to the total norm before dividing. */
    public static final double EPS = 1e-6;
    /** Elements per partial sum. */
    static final int BLOCK = OptimizerKernels.BLOCK;

    /** Scales the gradients in place so that their global L2 norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: max_norm must be >= 0, got " + maxNorm);
        List<Tensor> withGrad = new ArrayList<>();
        double sumSq = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            withGrad.add(p);
            sumSq += sumOfSquares(p, p.grad().contiguous());
        }
        double total = Math.sqrt(sumSq);
        double coef = Math.min(maxNorm / (total + EPS), 1.0);
        for (Tensor p : withGrad) p.setGrad(scaled(p, p.grad(), coef));
        return total;
    }

    /** The global L2 norm of the gradients, without changing them. */
    public static double gradNorm(Iterable<Tensor> params) {
        double sumSq = 0;
        for (Tensor p : params) if (p.grad() != null) sumSq += sumOfSquares(p, p.grad().contiguous());
        return Math.sqrt(sumSq);
    }

    /** Sum of squares of p's dense gradient g, in double: float32 on p's device, float64 over fixed blocks summed in block order on the JVM. */
    static double sumOfSquares(Tensor p, Tensor g) {
        if (g.dtype() == DType.FLOAT32) return Tensor.deviceOf(p, g).kernels().sumOfSquares(g.deviceFloats(), g.numel());
        return OptimizerKernels.sumOfSquares(g.doubles(), g.numel());
    }

    /**
     * p's gradient {@code g * coef}: in place when {@code g} is dense, otherwise as a fresh dense tensor. A coefficient
     * of exactly 1 (in the gradient's dtype) is skipped: it can only occur with a finite norm, so every product would
     * be the value itself.
     */
    private static Tensor scaled(Tensor p, Tensor g, double coef) {
        Tensor d = g.isDense() ? g : g.copy();
        // PyTorch multiplies by the coefficient cast to the gradient's dtype
        if (d.dtype() == DType.FLOAT32) {
            if ((float) coef != 1f) Tensor.deviceOf(p, d).kernels().scaleInPlace(d.deviceFloats(), d.numel(), (float) coef);
        } else if (coef != 1.0) {
            OptimizerKernels.scale(d.doubles(), d.numel(), coef);
        }
        return d;
    }
}
