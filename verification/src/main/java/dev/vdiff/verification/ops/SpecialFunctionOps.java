package dev.vdiff.verification.ops;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.BetaDistribution;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/**
 * {@code beta_distribution} (docs/ORACLE.md §5.16): the Beta(a, b) density and CDF at {@code x} and the
 * quantile at {@code q}, by {@link dev.vdiff.tensor.ops.BetaDistribution} over {@code math.BetaFunctions}.
 */
public final class SpecialFunctionOps {
    private SpecialFunctionOps() {}

    public static void register(OpRegistry r) {
        r.register("beta_distribution", ctx -> {
            Attrs at = ctx.attrs();
            double a = at.real("a"), b = at.real("b");
            Tensor x = ctx.input("x"), q = ctx.input("q");
            return Evaluation.of("pdf", BetaDistribution.pdf(x, a, b), "cdf", BetaDistribution.cdf(x, a, b), "ppf", BetaDistribution.ppf(q, a, b));
        });
    }
}
