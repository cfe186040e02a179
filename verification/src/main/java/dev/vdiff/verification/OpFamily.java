package dev.vdiff.verification;

/**
 * A group of op evaluators that registers itself with an {@link OpRegistry}: the service interface through
 * which code outside this module adds ops to {@code vdiff verify} without the runner knowing it.
 *
 * <p>The core catalogue (oracle format §5: arithmetic, reductions, ..., the UNet) is
 * {@link dev.vdiff.verification.ops.CoreOps}. A paper's computations (the papers suite,
 * {@code ../shared/oracle/papers/PAPERS.md}) live in that paper's package in {@code reference/} as an
 * {@code OpFamily} that calls the paper's own classes, and are listed in the command line's
 * {@code dev.vdiff.cli.Catalog}:
 *
 * <pre>{@code
 * public final class TpdiffOps implements OpFamily {
 *     public void register(OpRegistry r) {
 *         r.register("tpdiff_renoise", ctx -> Evaluation.of(Renoise.apply(ctx.input("x"), ...)));
 *     }
 * }
 * }</pre>
 * An op of a suite that no family registers fails its cases; it is never skipped.
 */
@FunctionalInterface
public interface OpFamily {
    /** Adds this family's evaluators; an op name may be registered only once over all families. */
    void register(OpRegistry registry);
}
