package dev.vdiff.verification.ops;

import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.OpRegistry;

import java.util.List;

/**
 * Every op of the core catalogue (oracle format §5) that vdiff implements, one family per class of this
 * package. {@code vdiff verify} adds the papers' families to these ({@code dev.vdiff.cli.Catalog}).
 */
public final class CoreOps implements OpFamily {
    @Override
    public void register(OpRegistry r) {
        ArithmeticOps.register(r);
        ReductionOps.register(r);
        LinearAlgebraOps.register(r);
        ActivationOps.register(r);
        ResampleOps.register(r);
        LossOps.register(r);
        NormalizationOps.register(r);
        AttentionOps.register(r);
        SpecialFunctionOps.register(r);
        DiffusionOps.register(r);
        UNetOps.register(r);
    }

    /** A registry with the core ops only. */
    public static OpRegistry registry() {
        return OpRegistry.of(List.of(new CoreOps()));
    }
}
