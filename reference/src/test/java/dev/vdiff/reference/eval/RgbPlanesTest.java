package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RgbPlanesTest {
    /** Two 1x2 frames: value v in [-1, 1] at (frame f, channel c, pixel i) comes back as (v + 1) / 2 at [c][f][i]. */
    @Test
    void groupsByChannelAndMapsToUnitRange() {
        float[] v = {
            -1, 1,   0, 0.5f,   -0.5f, 0.25f,   // frame 0: red, green, blue
            1, -1,   -0.25f, 0,   0.75f, -1,    // frame 1
        };
        float[][][] p = RgbPlanes.of(Tensor.of(v, 2, 3, 1, 2));
        assertArrayEquals(new float[] {0, 1}, p[0][0], 0);
        assertArrayEquals(new float[] {0.5f, 0.75f}, p[1][0], 0);
        assertArrayEquals(new float[] {0.25f, 0.625f}, p[2][0], 0);
        assertArrayEquals(new float[] {1, 0}, p[0][1], 0);
        assertArrayEquals(new float[] {0.375f, 0.5f}, p[1][1], 0);
        assertArrayEquals(new float[] {0.875f, 0}, p[2][1], 0);
    }

    @Test
    void rejectsAVideoWithoutThreeChannelsNamingItsShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RgbPlanes.of(Tensor.of(new float[8], 2, 1, 2, 2)));
        assertTrue(e.getMessage().contains("[2, 1, 2, 2]"), e.getMessage());
    }
}
