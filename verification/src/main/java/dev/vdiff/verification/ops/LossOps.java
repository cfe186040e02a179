package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.verification.OpEvaluator.Context;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/** {@code mse_loss} (docs/ORACLE.md §5.14) and {@code pseudo_huber_loss} with attr {@code c} (§5.15), both mean-reduced. */
public final class LossOps {
    private LossOps() {}

    public static void register(OpRegistry r) {
        r.register("mse_loss", ctx -> Evaluation.of(Losses.mse(ctx.input("input"), meanReduced(ctx))));
        r.register("pseudo_huber_loss", ctx -> Evaluation.of(Losses.pseudoHuber(ctx.input("input"), meanReduced(ctx), ctx.attrs().real("c"))));
    }

    /** The target, after checking that the case asks for the mean reduction (the only one vdiff's losses have). */
    private static dev.vdiff.tensor.Tensor meanReduced(Context ctx) {
        String reduction = ctx.attrs().has("reduction") ? ctx.attrs().string("reduction") : "mean";
        if (!reduction.equals("mean")) throw new IllegalArgumentException(ctx.oracleCase().op() + ": reduction '" + reduction + "' is not supported (vdiff's losses are means)");
        return ctx.input("target");
    }
}
