package dev.vdiff.reference.data;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each knob of {@link ClipSpec} does what its name says, measured on the rendered pixels. */
class ClipKnobsTest {
    private static final int F = 8, H = 32, W = 32, FRAME = 3 * H * W;

    private static float[] render(ClipSpec spec) {
        return ClipRenderer.render(spec, F, H, W).floats();
    }

    private static float[] frame(float[] video, int f) {
        return Arrays.copyOfRange(video, f * FRAME, (f + 1) * FRAME);
    }

    private static ClipSpec base(BackgroundKind bg, long seed) {
        return ClipSpec.clean(ShapeKind.CROSS, ShapeColor.YELLOW, bg, 1.3, Direction.DOWN_RIGHT, seed);
    }

    @ParameterizedTest
    @EnumSource(BackgroundKind.class)
    void staticClipHasIdenticalFramesEvenWhenBlurredBlockedAndDownscaled(BackgroundKind bg) {
        float[] v = render(base(bg, 5).withStatic().withDegradations(1.0, 0, 2.0, 2));
        for (int f = 1; f < F; f++) assertArrayEquals(frame(v, 0), frame(v, f), "frame " + f + " differs from frame 0");
        // ... and a moving one does not.
        float[] m = render(base(bg, 5));
        assertFalse(Arrays.equals(frame(m, 0), frame(m, 1)));
    }

    @Test
    void shuffledClipIsANonIdentityPermutationOfTheFrames() {
        for (long seed = 0; seed < 10; seed++) {
            ClipSpec spec = base(BackgroundKind.STRIPES, seed).withDegradations(0.7, 0, 0, 1);
            float[] ordered = render(spec), shuffled = render(spec.withShuffled(true));
            boolean[] used = new boolean[F];
            boolean identity = true;
            for (int f = 0; f < F; f++) {
                int match = -1;
                for (int g = 0; g < F; g++) if (Arrays.equals(frame(shuffled, f), frame(ordered, g))) match = g;
                assertTrue(match >= 0, "seed " + seed + ": shuffled frame " + f + " is no original frame");
                assertFalse(used[match], "seed " + seed + ": original frame " + match + " used twice");
                used[match] = true;
                identity &= match == f;
            }
            assertFalse(identity, "seed " + seed + ": shuffle kept the original order");
        }
    }

    /** Variance of the 4-neighbour Laplacian over all interior pixels of all frames and channels. */
    static double laplacianVariance(float[] v) {
        double sum = 0, sum2 = 0;
        long n = 0;
        for (int p = 0; p < F * 3; p++) {
            for (int y = 1; y < H - 1; y++) {
                for (int x = 1; x < W - 1; x++) {
                    int i = p * H * W + y * W + x;
                    double lap = v[i - 1] + v[i + 1] + v[i - W] + v[i + W] - 4.0 * v[i];
                    sum += lap;
                    sum2 += lap * lap;
                    n++;
                }
            }
        }
        double mean = sum / n;
        return sum2 / n - mean * mean;
    }

    @ParameterizedTest
    @EnumSource(BackgroundKind.class)
    void blurAndDownscaleLowerHighFrequencyEnergyAndNoiseRaisesIt(BackgroundKind bg) {
        ClipSpec spec = base(bg, 9);
        double clean = laplacianVariance(render(spec));
        double blurred = laplacianVariance(render(spec.withDegradations(1.0, 0, 0, 1)));
        double moreBlurred = laplacianVariance(render(spec.withDegradations(2.0, 0, 0, 1)));
        double low = laplacianVariance(render(spec.withDegradations(0, 0, 0, 4)));
        double noisy = laplacianVariance(render(spec.withDegradations(0, 0.1, 0, 1)));
        assertTrue(blurred < 0.7 * clean, "blur 1: " + blurred + " vs clean " + clean);
        assertTrue(moreBlurred < blurred, "blur 2: " + moreBlurred + " vs blur 1 " + blurred);
        assertTrue(low < 0.7 * clean, "downscale 4: " + low + " vs clean " + clean);
        // Independent noise of std s (in [-1,1] units) adds 20 s^2 to the Laplacian variance (weights 1,1,1,1,-4),
        // less what clamping to [-1, 1] removes.
        assertTrue(noisy > clean + 0.5 * 20 * 0.1 * 0.1, "noise: " + noisy + " vs clean " + clean);
    }

    @Test
    void noiseHasTheRequestedStandardDeviation() {
        // Mid-grey-ish background far from the clamp: the residual std should be noiseStd (in [-1, 1] units).
        ClipSpec spec = base(BackgroundKind.GRADIENT, 3);
        float[] clean = render(spec), noisy = render(spec.withDegradations(0, 0.05, 0, 1));
        double s2 = 0;
        for (int i = 0; i < clean.length; i++) s2 += (noisy[i] - clean[i]) * (double) (noisy[i] - clean[i]);
        double std = Math.sqrt(s2 / clean.length);
        assertEquals(0.05, std, 0.05 * 0.05, "noise std");
    }

    @Test
    void strongerBlockingChangesTheClipMore() {
        // The block structure itself is checked on a plain ramp in DegradationsTest.
        for (long seed = 0; seed < 5; seed++) {
            ClipSpec spec = ClipSpec.clean(ShapeKind.CIRCLE, ShapeColor.RED, BackgroundKind.VALUE_NOISE, 1, Direction.UP, seed);
            float[] c = render(spec), weak = render(spec.withDegradations(0, 0, 0.5, 1)), strong = render(spec.withDegradations(0, 0, 4.0, 1));
            assertTrue(meanAbsDiff(weak, c) > 0, "seed " + seed + ": blocking 0.5 changed nothing");
            assertTrue(meanAbsDiff(strong, c) > meanAbsDiff(weak, c), "seed " + seed + ": stronger blocking should change more");
        }
    }

    private static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
        return s / a.length;
    }

    static Stream<Arguments> motions() {
        return Stream.of(
            Arguments.of(ShapeKind.CIRCLE, Direction.RIGHT, 1.0),
            Arguments.of(ShapeKind.SQUARE, Direction.LEFT, 2.0),
            Arguments.of(ShapeKind.TRIANGLE, Direction.UP, 0.5),
            Arguments.of(ShapeKind.RING, Direction.DOWN_LEFT, 1.7),
            Arguments.of(ShapeKind.CROSS, Direction.UP_RIGHT, 1.25));
    }

    /**
     * On a flat background, pixel minus background is (colour minus background) times coverage, so the
     * centroid of |pixel - background| is the coverage centroid, which must move speed * direction per frame.
     */
    @ParameterizedTest
    @MethodSource("motions")
    void speedMovesTheCentroidByTheExpectedPixelsPerFrame(ShapeKind shape, Direction dir, double speed) {
        for (long seed = 0; seed < 3; seed++) {
            float[] v = render(ClipSpec.clean(shape, ShapeColor.MAGENTA, BackgroundKind.FLAT, speed, dir, seed));
            float[] bg = {v[0], v[H * W], v[2 * H * W]};   // pixel (0, 0): the path keeps the shape off the corners
            double[] prev = null, first = null;
            for (int f = 0; f < F; f++) {
                double m = 0, mx = 0, my = 0;
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        double w = 0;
                        for (int c = 0; c < 3; c++) w += Math.abs(v[f * FRAME + c * H * W + y * W + x] - bg[c]);
                        m += w;
                        mx += w * (x + 0.5);
                        my += w * (y + 0.5);
                    }
                }
                double[] centroid = {mx / m, my / m};
                // One step: exact up to the 1/8-pixel sub-sample grid, which can put each frame's centroid off by
                // up to about half a sub-sample (1/16 pixel), so a step by up to about 1/8.
                if (prev != null) {
                    assertEquals(speed * dir.dx(), centroid[0] - prev[0], 0.1, shape + " seed " + seed + " frame " + f + " x step");
                    assertEquals(speed * dir.dy(), centroid[1] - prev[1], 0.1, shape + " seed " + seed + " frame " + f + " y step");
                }
                if (first == null) first = centroid;
                prev = centroid;
            }
            // Over the whole clip the per-frame errors do not add up: the mean step is off by at most 2/16 / (F-1).
            assertEquals(speed * dir.dx(), (prev[0] - first[0]) / (F - 1), 0.018, shape + " seed " + seed + " mean x step");
            assertEquals(speed * dir.dy(), (prev[1] - first[1]) / (F - 1), 0.018, shape + " seed " + seed + " mean y step");
        }
    }
}
