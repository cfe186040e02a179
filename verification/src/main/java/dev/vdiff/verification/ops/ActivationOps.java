package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Softmax;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/**
 * Elementwise activations {@code silu, gelu, gelu_tanh} (docs/ORACLE.md §5.10) and {@code softmax,
 * log_softmax} along attr {@code axis} (§5.9).
 */
public final class ActivationOps {
    private ActivationOps() {}

    public static void register(OpRegistry r) {
        r.register("silu", ctx -> Evaluation.of(Pointwise.silu(ctx.input("x"))));
        r.register("gelu", ctx -> Evaluation.of(Pointwise.gelu(ctx.input("x"))));
        r.register("gelu_tanh", ctx -> Evaluation.of(Pointwise.geluTanh(ctx.input("x"))));
        r.register("softmax", ctx -> Evaluation.of(Softmax.softmax(ctx.input("x"), ctx.attrs().integer("axis"))));
        r.register("log_softmax", ctx -> Evaluation.of(Softmax.logSoftmax(ctx.input("x"), ctx.attrs().integer("axis"))));
    }
}
