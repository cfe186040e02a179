package dev.vdiff.reference.turbo;

import dev.vdiff.reference.eval.FlowMotion;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flicker-robust measures of the experiment: {@link NoiseFrames} against its formula on frames whose energy is
 * known in closed form, and {@link TrackMotion} on synthetic clips whose object speed is known (a square moving at a
 * constant velocity, with and without noise frames inserted), where optical flow counts the noise as motion.
 */
class TurboMotionMeasuresTest {
    private static final int F = 8, H = 16, W = 16;

    /** Flat frames have energy 0; a per-pixel +-1 checkerboard has (per channel) 4 (H (W-1) + (H-1) W) / (H W). */
    @Test
    void noiseFrameEnergyMatchesClosedForms() {
        double[] v = new double[2 * 3 * H * W];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    v[(c * H + y) * W + x] = 0.3;                                         // frame 0: flat
                    v[((3 + c) * H + y) * W + x] = (x + y) % 2 == 0 ? 1 : -1;              // frame 1: checkerboard
                }
            }
        }
        double[][] e = NoiseFrames.energy(Tensor.of(v, 1, 2, 3, H, W));
        assertEquals(0, e[0][0], 1e-12);
        assertEquals(4.0 * (H * (W - 1) + (H - 1) * W) / (H * W), e[0][1], 1e-12);
        boolean[][] noisy = NoiseFrames.of(Tensor.of(v, 1, 2, 3, H, W), 0.2);
        assertTrue(!noisy[0][0] && noisy[0][1]);
        assertEquals(0.5, NoiseFrames.fraction(Tensor.of(v, 1, 2, 3, H, W), 0.2), 0);
    }

    /** A 4x4 square moving at (vx, vy) px/frame on a flat background: TrackMotion reads |v| (integer steps: exact). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void trackReadsTheSpeedOfAMovingSquare(int speed) {
        Tensor clip = square(speed, 0.5 * speed, new boolean[F], 1);
        double expected = Math.hypot(speed, 0.5 * speed);
        double[] got = TrackMotion.of(clip, Double.POSITIVE_INFINITY);
        assertEquals(expected, got[0], 0.1 * speed + 1e-9, "speed " + speed);
    }

    /**
     * A still square with three frames of saturated colour noise: the track over the clean frames reads 0, the flow
     * counts the noise as motion; with the noise frames kept (threshold infinity) the track is perturbed too.
     */
    @Test
    void noiseFramesAreLeftOutOfTheTrack() {
        boolean[] noise = new boolean[F];
        noise[2] = noise[5] = noise[6] = true;
        Tensor clip = square(0, 0, noise, 7);
        double threshold = NoiseFrames.calibrate(square(0, 0, new boolean[F], 1));
        assertEquals(0, TrackMotion.of(clip, threshold)[0], 1e-12);
        assertTrue(FlowMotion.of(clip)[0] > 0.1, "flow counts flicker: " + FlowMotion.of(clip)[0]);
        assertEquals(3.0 / F, NoiseFrames.fraction(clip, threshold), 0);
    }

    /** [1, F, 3, H, W]: a red 4x4 square from (3, 4) moving (vx, vy) per frame on grey, noise frames replaced by +-1 noise. */
    private static Tensor square(double vx, double vy, boolean[] noise, long seed) {
        double[] v = new double[F * 3 * H * W];
        Rng rng = Rng.seed(seed);
        for (int f = 0; f < F; f++) {
            int x0 = (int) Math.round(3 + vx * f), y0 = (int) Math.round(4 + vy * f);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        boolean in = x >= x0 && x < x0 + 4 && y >= y0 && y < y0 + 4;
                        double px = in ? (c == 0 ? 1 : -1) : 0;
                        if (noise[f]) px = rng.nextDouble() < 0.5 ? 1 : -1;
                        v[((f * 3 + c) * H + y) * W + x] = px;
                    }
                }
            }
        }
        return Tensor.of(v, 1, F, 3, H, W);
    }
}
