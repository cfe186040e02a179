package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/** {@code add, sub, mul, div} (docs/ORACLE.md §5.1): inputs {@code a}, {@code b} with NumPy broadcasting. */
public final class ArithmeticOps {
    private ArithmeticOps() {}

    public static void register(OpRegistry r) {
        r.register("add", ctx -> Evaluation.of(Arithmetic.add(ctx.input("a"), ctx.input("b"))));
        r.register("sub", ctx -> Evaluation.of(Arithmetic.sub(ctx.input("a"), ctx.input("b"))));
        r.register("mul", ctx -> Evaluation.of(Arithmetic.mul(ctx.input("a"), ctx.input("b"))));
        r.register("div", ctx -> Evaluation.of(Arithmetic.div(ctx.input("a"), ctx.input("b"))));
    }
}
