package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.Tensor;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Whether a gradient that reaches a leaf may become the leaf's {@code grad()} as it is, or must be copied.
 *
 * <p>The engine used to copy every leaf gradient, because the tensor it holds may share its storage with
 * something else: the caller's upstream gradient, a tensor of the forward graph (a backward function may
 * return its upstream gradient or a view of it), or another leaf's gradient ({@code a + b} gives both the
 * same tensor); a later in-place update of one (gradient clipping scales grads in place) would then change
 * the other. Copying costs a full pass over every leaf gradient (the largest is often the input's). So the
 * storage is adopted without a copy when none of those can see it: not the upstream's, not any graph
 * tensor's (recorded inputs and outputs), not a gradient still waiting to be propagated, and not already
 * adopted by another leaf in this backward pass. Gradients the engine keeps are always dense, so a shared
 * storage is the only way two of them can alias.
 */
final class LeafGrads {
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Records the storages visible outside this backward pass: the upstream's and the graph's. */
    LeafGrads(Tensor upstream, List<Tensor> graph) {
        seen.add(upstream.deviceStorage());
        for (Tensor t : graph) {
            seen.add(t.deviceStorage());
            if (t.node() == null) continue;
            for (Tensor in : t.node().inputs()) if (in != null) seen.add(in.deviceStorage());
        }
    }

    /** {@code g} itself when nothing else can see its storage (and it is then claimed), else a copy. */
    Tensor adopt(Tensor g, Collection<Tensor> pending) {
        Object s = g.deviceStorage();
        if (!g.isDense() || seen.contains(s)) return g.copy();
        for (Tensor p : pending) if (p.deviceStorage() == s) return g.copy();
        seen.add(s);
        return g;
    }
}
