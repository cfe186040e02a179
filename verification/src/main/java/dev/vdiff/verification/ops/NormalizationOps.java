package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/**
 * {@code group_norm} with attrs {@code num_groups}, {@code eps} (docs/ORACLE.md §5.7) and {@code layer_norm}
 * with attr {@code eps} (§5.8); the affine {@code weight} and {@code bias} are optional inputs.
 */
public final class NormalizationOps {
    private NormalizationOps() {}

    public static void register(OpRegistry r) {
        r.register("group_norm", ctx -> Evaluation.of(Normalization.groupNorm(ctx.input("x"), ctx.attrs().integer("num_groups"),
            ctx.optionalInput("weight"), ctx.optionalInput("bias"), ctx.attrs().real("eps"))));
        r.register("layer_norm", ctx -> Evaluation.of(Normalization.layerNorm(ctx.input("x"),
            ctx.optionalInput("weight"), ctx.optionalInput("bias"), ctx.attrs().real("eps"))));
    }
}
