package dev.vdiff.reference.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activation measurement sees the graph, and the graph is gone after backward (no leak). */
class ActivationMemoryTest {
    @Test
    void graphIsHeldUntilBackwardAndFreedAfter() {
        Map<String, Object> m = ActivationMemory.measure(0);
        double act = (Double) m.get("activation_mib"), left = (Double) m.get("retained_after_backward_mib");
        // The first ResBlock alone saves its GroupNorm/SiLU inputs: 2 x 8 x 64 x 32 x 32 floats = 4 MiB each.
        assertTrue(act > 16, "the forward graph holds only " + act + " MiB");
        assertTrue(left < 0.05 * act, "after backward " + left + " MiB of the " + act + " MiB graph are still reachable");
    }
}
