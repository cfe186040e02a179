package dev.vdiff.reference.tqd.score;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** MotionQuality's flow-field sampling (moved out of VisualQualityTest when VisualQuality moved to eval). */
class MotionQualityTest {
    /** Bilinear sampling of a flow field, clamped at the border. */
    @Test
    void flowSamplingIsBilinear() {
        int h = 3, w = 4;
        float[] field = new float[h * w * 2];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            field[2 * (y * w + x)] = x + 10 * y;
            field[2 * (y * w + x) + 1] = -x;
        }
        float[] out = new float[2];
        MotionQuality.sample(field, h, w, 1.25, 0.5, out);
        assertEquals(1.25 + 5, out[0], 1e-6);   // linear in x and y: exact
        assertEquals(-1.25, out[1], 1e-6);
        MotionQuality.sample(field, h, w, 7, -2, out);   // clamped to (3, 0)
        assertEquals(3, out[0], 1e-6);
    }
}
