package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/** {@code sum, mean} (docs/ORACLE.md §5.2): attrs {@code axes} (null = all, negative from the end) and {@code keepdim}. */
public final class ReductionOps {
    private ReductionOps() {}

    public static void register(OpRegistry r) {
        r.register("sum", ctx -> Evaluation.of(Reductions.sum(ctx.input("x"), ctx.attrs().intsOrNull("axes"), ctx.attrs().bool("keepdim"))));
        r.register("mean", ctx -> Evaluation.of(Reductions.mean(ctx.input("x"), ctx.attrs().intsOrNull("axes"), ctx.attrs().bool("keepdim"))));
    }
}
