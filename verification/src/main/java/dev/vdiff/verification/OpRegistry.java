package dev.vdiff.verification;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Op name -> {@link OpEvaluator}, filled by {@link OpFamily}s: the core catalogue
 * ({@code dev.vdiff.verification.ops.CoreOps}) and whatever families the caller adds (the papers' ops, from
 * {@code reference/}). The runner knows only this map; an op of a suite that is not registered fails its cases,
 * it is never skipped.
 */
public final class OpRegistry {
    private final Map<String, OpEvaluator> evaluators = new TreeMap<>();

    /** A registry with the ops of {@code families}, registered in order. */
    public static OpRegistry of(java.util.List<? extends OpFamily> families) {
        OpRegistry r = new OpRegistry();
        for (OpFamily f : families) f.register(r);
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
