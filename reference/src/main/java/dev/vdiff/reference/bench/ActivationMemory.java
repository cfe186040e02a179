package dev.vdiff.reference.bench;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Losses;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much memory the training step of the benchmark model holds for its backward pass: the heap that is
 * still reachable after {@code loss = mse(model(x, t, y), target)} and before {@code loss.backward()}, minus
 * what was reachable before the forward pass. That is every tensor the autograd graph keeps (saved inputs,
 * outputs, masks), the graph's nodes, and the loss; parameters and inputs exist before and are not counted.
 *
 * <p>PyTorch's counterpart is {@code tools/pytorch_activations.py}: the bytes of the tensors autograd saves
 * (one count per storage, parameters excluded). Issue 3 asks for at most about twice PyTorch's figure.
 *
 * <p>Reachable heap is read after full collections ({@link System#gc()} until the figure settles), so the
 * number does not depend on when the collector last ran; it is exact to a few hundred KiB.
 */
final class ActivationMemory {
    private ActivationMemory() {}

    /** {@code {"activation_mib": .., "graph_free_after_backward_mib": ..}} for the benchmark model and inputs of {@code seed}. */
    static Map<String, Object> measure(long seed) {
        ModelWorkloads.Inputs in = ModelWorkloads.Inputs.make(seed);
        // One step first, so that lazily built state (kernel tables, gradient buffers) exists before the baseline.
        step(in);
        long before = reachable();
        Tensor loss = Losses.mse(in.model().forward(in.x(), in.t(), in.y()), in.target());
        long during = reachable();
        loss.backward();
        long after = reachable();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activation_mib", mib(during - before));
        // After backward the graph must be gone: what is left above the baseline is a leak.
        m.put("retained_after_backward_mib", mib(after - before));
        if (!Double.isFinite(loss.item())) throw new IllegalStateException("memory: loss is not finite");
        return m;
    }

    private static void step(ModelWorkloads.Inputs in) {
        Losses.mse(in.model().forward(in.x(), in.t(), in.y()), in.target()).backward();
    }

    /** Used heap after full collections, once two readings in a row agree within 64 KiB (at most 10 tries). */
    static long reachable() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = mx.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < (64 << 10)) return used;
            last = used;
        }
        return last;
    }

    private static double mib(long bytes) {
        return Math.round(bytes / (1024.0 * 1024.0) * 10) / 10.0;
    }
}
