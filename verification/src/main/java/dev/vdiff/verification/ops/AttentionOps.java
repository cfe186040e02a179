package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/** {@code scaled_dot_product_attention} (docs/ORACLE.md §5.11): q, k, v and an optional int64 mask (0 = blocked). */
public final class AttentionOps {
    private AttentionOps() {}

    public static void register(OpRegistry r) {
        r.register("scaled_dot_product_attention", ctx -> Evaluation.of(Attention.scaledDotProduct(ctx.input("q"), ctx.input("k"), ctx.input("v"),
            ctx.inputs().containsKey("mask") ? ctx.integerInput("mask") : null)));
    }
}
