package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FlowMotion}: a still clip scores 0; a bright square moving 1 pixel per frame scores more, and 2 pixels more still. */
class FlowMotionTest {
    /** Clip {@code [1, F, 3, H, W]}: a 6x6 white square on black moving {@code speed} pixels right per frame. */
    static Tensor square(int frames, int speed) {
        int h = 24, w = 24;
        double[] v = new double[frames * 3 * h * w];
        java.util.Arrays.fill(v, -1);
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 9; y < 15; y++) for (int x = 4 + f * speed; x < 10 + f * speed; x++) v[((f * 3 + c) * h + y) * w + x] = 1;
            }
        }
        return Tensor.of(v, 1, frames, 3, h, w);
    }

    @Test
    void stillIsZeroAndFasterIsMore() {
        assertEquals(0.0, FlowMotion.of(square(4, 0))[0], 1e-6);
        double slow = FlowMotion.of(square(4, 1))[0], fast = FlowMotion.of(square(4, 2))[0];
        assertTrue(slow > 0.01, "slow " + slow);
        assertTrue(fast > slow, "fast " + fast + " vs slow " + slow);
        assertEquals(0.0, FlowMotion.of(square(1, 0))[0]);
    }
}
