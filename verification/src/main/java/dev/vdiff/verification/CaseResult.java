package dev.vdiff.verification;

import dev.vdiff.tensor.DType;

import java.util.Comparator;
import java.util.List;

/**
 * The verdict on one (case, precision) pair: every tensor comparison, or the error that stopped the
 * evaluation (unknown op, unreadable file, an exception in the op).
 *
 * @param checks the comparisons in order: outputs, then input gradients, then parameter gradients
 * @param error why the case could not be evaluated, or null
 */
public record CaseResult(OracleCase oracleCase, DType dtype, List<TensorCheck> checks, String error, long nanos) {
    public boolean passed() {
        return error == null && checks.stream().allMatch(TensorCheck::pass);
    }

    /** The comparison with the largest error/tolerance ratio, or null when there is none. */
    public TensorCheck worst() {
        return checks.stream().max(Comparator.comparingDouble(TensorCheck::worstRatio)).orElse(null);
    }

    /** The largest error/tolerance ratio (infinite for an error). */
    public double worstRatio() {
        if (error != null) return Double.POSITIVE_INFINITY;
        TensorCheck w = worst();
        return w == null ? 0 : w.worstRatio();
    }
}
