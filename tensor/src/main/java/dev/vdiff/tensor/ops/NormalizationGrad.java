package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

/**
 * The differentiable backward of {@link Normalization}'s GroupNorm and LayerNorm (for {@link Autograd#grad}
 * with {@code createGraph}), written with recorded ops. Over each normalised block of {@code M} elements,
 * with {@code xhat = (x - mu) rstd}, {@code rstd = (var + eps)^(-1/2)} and {@code gh = g * weight}:
 * <pre>
 *   d bias   = sum of g over the block's samples and positions, per channel
 *   d weight = sum of g * xhat, likewise
 *   dx       = rstd (gh - mean(gh) - xhat mean(gh xhat))          means over the block
 * </pre>
 * The statistics are recomputed here from {@code x} with recorded ops, so that the next backward sees their
 * dependence on {@code x}.
 */
final class NormalizationGrad {
    private NormalizationGrad() {}

    /** x {@code [N, C, *]}, weight and bias {@code [C]} or null, upstream g of x's shape. */
    static Tensor[] groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps, Tensor g) {
        int[] s = x.shape();
        int n = s[0], c = s[1];
        Tensor xg = x.reshape(n, groups, -1);                            // [N, G, M]: one block per row
        Tensor xhat = standardise(xg, eps);                              // [N, G, M]
        Tensor g3 = g.reshape(n, c, -1), xhat3 = xhat.reshape(n, c, -1); // [N, C, L]
        Tensor gh = weight == null ? g3 : Arithmetic.mul(g3, weight.reshape(1, c, 1));
        Tensor dx = x.requiresGrad() ? inputGrad(gh.reshape(n, groups, -1), xhat, xg, eps).reshape(s) : null;
        int[] perChannel = {0, 2};
        Tensor dw = weight != null && weight.requiresGrad() ? Reductions.sum(Arithmetic.mul(g3, xhat3), perChannel, false) : null;
        Tensor db = bias != null && bias.requiresGrad() ? Reductions.sum(g3, perChannel, false) : null;
        return new Tensor[] {dx, dw, db};
    }

    /** x {@code [..., D]} normalised over the last axis; weight and bias {@code [D]} or null. */
    static Tensor[] layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor g) {
        int[] s = x.shape();
        int d = s[s.length - 1];
        Tensor x2 = x.reshape(-1, d);                                    // [R, D]: one block per row
        Tensor xhat = standardise(x2, eps);
        Tensor g2 = g.reshape(-1, d);
        Tensor gh = weight == null ? g2 : Arithmetic.mul(g2, weight);
        Tensor dx = x.requiresGrad() ? inputGrad(gh, xhat, x2, eps).reshape(s) : null;
        int[] rows = {0};
        Tensor dw = weight != null && weight.requiresGrad() ? Reductions.sum(Arithmetic.mul(g2, xhat), rows, false) : null;
        Tensor db = bias != null && bias.requiresGrad() ? Reductions.sum(g2, rows, false) : null;
        return new Tensor[] {dx, dw, db};
    }

    /** {@code (x - mean) / sqrt(var + eps)} along the last axis of a rank-2 or rank-3 tensor (biased variance). */
    private static Tensor standardise(Tensor x, double eps) {
        int last = x.rank() - 1;
        Tensor xc = Arithmetic.sub(x, Reductions.mean(x, new int[] {last}, true));
        Tensor var = Reductions.mean(Pointwise.square(xc), new int[] {last}, true);
        return Arithmetic.mul(xc, rstd(var, eps));
    }

    private static Tensor rstd(Tensor var, double eps) {
        return Pointwise.pow(Arithmetic.add(var, eps), -0.5);
    }

    /** {@code rstd (gh - mean(gh) - xhat mean(gh xhat))} along the last axis. */
    private static Tensor inputGrad(Tensor gh, Tensor xhat, Tensor x, double eps) {
        int last = x.rank() - 1;
        int[] ax = {last};
        Tensor xc = Arithmetic.sub(x, Reductions.mean(x, ax, true));
        Tensor r = rstd(Reductions.mean(Pointwise.square(xc), ax, true), eps);
        Tensor inner = Arithmetic.sub(Arithmetic.sub(gh, Reductions.mean(gh, ax, true)),
            Arithmetic.mul(xhat, Reductions.mean(Arithmetic.mul(gh, xhat), ax, true)));
        return Arithmetic.mul(r, inner);
    }
}
