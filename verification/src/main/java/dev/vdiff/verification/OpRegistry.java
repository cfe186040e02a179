package dev.vdiff.verification;

import dev.vdiff.verification.ops.ActivationOps;
import dev.vdiff.verification.ops.ArithmeticOps;
import dev.vdiff.verification.ops.AttentionOps;
import dev.vdiff.verification.ops.DiffusionOps;
import dev.vdiff.verification.ops.LinearAlgebraOps;
import dev.vdiff.verification.ops.LossOps;
import dev.vdiff.verification.ops.NormalizationOps;
import dev.vdiff.verification.ops.ReductionOps;
import dev.vdiff.verification.ops.ResampleOps;
import dev.vdiff.verification.ops.SpecialFunctionOps;
import dev.vdiff.verification.ops.UNetOps;
import dev.vdiff.verification.ops.TpdiffOracleOps;
import dev.vdiff.verification.ops.TqdOracleOps;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Op name -> {@link OpEvaluator}. {@link #standard()} holds every op family that vdiff implements, one
 * {@code register} call per family (classes in {@code dev.vdiff.verification.ops}). An op of a suite that is
 * not registered fails its cases; it is never skipped.
 */
public final class OpRegistry {
    private final Map<String, OpEvaluator> evaluators = new TreeMap<>();

    /** The registry with every op family of vdiff. */
    public static OpRegistry standard() {
        OpRegistry r = new OpRegistry();
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
        TpdiffOracleOps.register(r);
        TqdOracleOps.register(r);
        return r;
    }

    /** Adds an evaluator; a name can be registered once. */
    public OpRegistry register(String op, OpEvaluator evaluator) {
        if (evaluators.putIfAbsent(op, evaluator) != null) throw new IllegalStateException("op '" + op + "' is registered twice");
        return this;
    }

    /** The evaluator of an op, or null when vdiff has none. */
    public OpEvaluator get(String op) {
        return evaluators.get(op);
    }

    /** The registered op names, sorted. */
    public java.util.Set<String> ops() {
        return Collections.unmodifiableSet(evaluators.keySet());
    }
}
