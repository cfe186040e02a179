package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/**
 * The GEMM-based ops: {@code matmul} (docs/ORACLE.md §5.3), {@code linear} with an optional bias (§5.4),
 * and {@code conv2d}, {@code conv3d} with attrs {@code stride}, {@code padding} and an optional bias (§5.5, §5.6).
 */
public final class LinearAlgebraOps {
    private LinearAlgebraOps() {}

    public static void register(OpRegistry r) {
        r.register("matmul", ctx -> Evaluation.of(LinearAlgebra.matmul(ctx.input("a"), ctx.input("b"))));
        r.register("linear", ctx -> Evaluation.of(LinearAlgebra.linear(ctx.input("x"), ctx.input("weight"), ctx.optionalInput("bias"))));
        r.register("conv2d", ctx -> Evaluation.of(Convolution.conv2d(ctx.input("x"), ctx.input("weight"), ctx.optionalInput("bias"),
            ctx.attrs().ints("stride"), ctx.attrs().ints("padding"))));
        r.register("conv3d", ctx -> Evaluation.of(Convolution.conv3d(ctx.input("x"), ctx.input("weight"), ctx.optionalInput("bias"),
            ctx.attrs().ints("stride"), ctx.attrs().ints("padding"))));
    }
}
