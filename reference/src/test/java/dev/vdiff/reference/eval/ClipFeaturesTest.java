package dev.vdiff.reference.eval;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-checkable features on hand-made clips, and the metric's ordering on data vs noise. */
class ClipFeaturesTest {
    /** A [F, 3, H, W] clip, background -1, a 2x2 block of value 1 at (row, col + f * speed) in frame f. */
    static Tensor movingBlock(int frames, int size, int row, int col, int speed) {
        float[] x = new float[frames * 3 * size * size];
        java.util.Arrays.fill(x, -1f);
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < 3; c++) {
                for (int i = row; i < row + 2; i++) {
                    for (int j = col + f * speed; j < col + f * speed + 2; j++) x[((f * 3 + c) * size + i) * size + j] = 1f;
                }
            }
        }
        return Tensor.of(x, frames, 3, size, size);
    }

    @Test
    void movingBlockHasHandComputedFeatures() {
        // 5 frames of 12x12, block moves 2 px/frame to the right: every pixel is covered in at most 1 frame,
        // so the temporal median is the background and the centroid is the block's centre.
        double[] f = ClipFeatures.of(movingBlock(5, 12, 3, 1, 2));
        double frac = 4.0 / 144;
        assertClose(-1 + 2 * frac, f[0], "mean of a channel: 4 of 144 pixels at +1");
        assertClose(Math.sqrt(1 - Math.pow(-1 + 2 * frac, 2)), f[3], "std: values are +-1");
        assertClose(1 - frac, f[6], "histogram bin 0 of red");
        assertClose(frac, f[9], "histogram bin 3 of red");
        // Per frame and channel the 2x2 block has 8 edge differences of size 2 (squared 4): 32 / 144.
        assertClose(32.0 / 144, f[18], "spatial gradient energy");
        // Between frames the block leaves 4 pixels and covers 4 others, each a change of 2: 8 * 4 / 144 per channel.
        assertClose(32.0 / 144, f[19], "temporal difference energy");
        assertClose(0, f[20], "constant temporal energy");
        assertClose(2.0, f[23], "centroid speed, pixels/frame");
        assertClose(0, f[24], "constant speed");
        assertClose(1.0, f[25], "straight path");
        // Saliency of a block pixel is 3 channels x |1 - -1| = 6: mass 4 * 6 / 144; RMS radius of a 2x2 block: sqrt(0.5).
        assertClose(24.0 / 144, f[21], "foreground mass");
        assertClose(Math.sqrt(0.5), f[22], "foreground size");
    }

    @Test
    void staticClipHasNoMotion() {
        double[] f = ClipFeatures.of(movingBlock(4, 8, 2, 2, 0));
        assertClose(0, f[19], "temporal energy");
        assertClose(0, f[21], "no foreground against the median");
        assertClose(0, f[23], "speed");
        assertClose(0, f[25], "straightness");
    }

    @Test
    void dataIsCloserToDataThanNoiseOrStillFrames() {
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSize(6, 16, 16).clean());
        List<Tensor> a = new ArrayList<>(), b = new ArrayList<>(), noise = new ArrayList<>(), still = new ArrayList<>();
        Rng r = Rng.seed(1);
        for (int i = 0; i < 60; i++) {
            a.add(data.clip(i).video());
            b.add(data.clip(1000 + i).video());
            noise.add(Tensor.of(r.uniform(-1, 1, DType.FLOAT32, 6 * 3 * 16 * 16).floats(), 6, 3, 16, 16));
            ClipSpec s = data.spec(2000 + i);
            still.add(data.render(ClipSpec.clean(s.shape(), s.color(), s.background(), 0, s.direction(), s.seed())).video());
        }
        SampleQuality q = new SampleQuality(a);
        double floor = q.distance(b), dNoise = q.distance(noise), dStill = q.distance(still);
        assertTrue(floor < dStill && dStill < dNoise, "floor " + floor + " < still " + dStill + " < noise " + dNoise);
        assertTrue(dNoise > 10 * floor, "noise " + dNoise + " vs floor " + floor);
    }

    static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-9 + 1e-9 * Math.abs(expected), what);
    }
}
