package dev.vdiff.verification.ops;

import dev.vdiff.tensor.ops.Resample;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

import java.util.Arrays;

/**
 * {@code upsample_nearest2d} with attr {@code scale_factor} (docs/ORACLE.md §5.12) and {@code avg_pool2d}
 * with attrs {@code kernel_size} and {@code stride}, no padding (§5.13).
 */
public final class ResampleOps {
    private ResampleOps() {}

    public static void register(OpRegistry r) {
        r.register("upsample_nearest2d", ctx -> Evaluation.of(Resample.upsampleNearest2d(ctx.input("x"), ctx.attrs().integer("scale_factor"))));
        r.register("avg_pool2d", ctx -> Evaluation.of(Resample.avgPool2d(ctx.input("x"), square(ctx.attrs(), "kernel_size"), square(ctx.attrs(), "stride"))));
    }

    /** The one size of a square {@code [k, k]} attribute (vdiff's pooling takes one number). */
    private static int square(Attrs attrs, String name) {
        int[] v = attrs.ints(name);
        if (v.length != 2 || v[0] != v[1]) throw new IllegalArgumentException("avg_pool2d: " + name + " " + Arrays.toString(v) + " is not square; vdiff pools with square windows");
        return v[0];
    }
}
