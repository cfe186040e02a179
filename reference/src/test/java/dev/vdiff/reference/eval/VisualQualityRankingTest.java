package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9: VQ ranks a clean clip above every blurred, noisy or blocky copy of itself, and each copy above a
 * stronger one, on varied content ({@link TestContent}: smooth gradients and fields, textures, a checkerboard,
 * pink noise, the synthetic generator's clips), 16x16, 64x64 and 128x128 frames, with and without a GIF round
 * trip (the degraded copy is made from the clean clip, then both go through the GIF), for the clips of seeds 1 and 2
 * (the grid the scorer was developed on; docs/TQD.md counts held-out seeds 3 to 5 with {@link RankingGrid}). The
 * combinations in {@link #KNOWN_FAILURES} would not hold; none today.
 */
class VisualQualityRankingTest {
    private static final long[] SEEDS = {1, 2};
    private static final int[] SIZES = {16, 64, 128};
    /** Blur sigma (pixels), noise sigma (grey levels of 255), block quantisation (multiples of JPEG's Q50 table). */
    private static final Map<TestDegradations, double[]> STRENGTHS = Map.of(
        TestDegradations.BLUR, new double[] {0.5, 1, 1.5, 2, 3},
        TestDegradations.NOISE, new double[] {2, 5, 10, 20, 40},
        TestDegradations.BLOCKS, new double[] {0.5, 1, 2, 4, 8});

    /** "seed raw|gif size CONTENT DEGRADATION" combinations where the ranking fails today (none); see docs/TQD.md. */
    static final Set<String> KNOWN_FAILURES = Set.of();

    @TempDir
    static Path dir;

    static Stream<Arguments> holding() {
        List<Arguments> out = new ArrayList<>();
        for (TestDegradations d : TestDegradations.values()) {
            for (boolean gif : new boolean[] {false, true}) {
                for (int size : SIZES) {
                    for (TestContent c : TestContent.values()) out.add(Arguments.of(d, gif, size, c));
                }
            }
        }
        return out.stream();
    }

    private static String name(long seed, boolean gif, int size, TestContent c, TestDegradations d) {
        return seed + " " + (gif ? "gif " : "raw ") + size + " " + c + " " + d;
    }

    private static final Map<String, Double> CLEAN = new HashMap<>();

    private static double vq(Tensor video, boolean gif) {
        Tensor v = gif ? TestDegradations.throughGif(video, dir) : video;
        return VisualQuality.of(v).score();
    }

    @ParameterizedTest(name = "{0} gif={1} {2}px {3}")
    @MethodSource("holding")
    void cleanAboveEveryDegradedCopyDecreasingWithStrength(TestDegradations d, boolean gif, int size, TestContent c) {
        for (long seed : SEEDS) {
            String where = name(seed, gif, size, c, d);
            if (KNOWN_FAILURES.contains(where)) continue;
            Tensor clean = c.render(size, size, seed);
            double previous = CLEAN.computeIfAbsent(seed + " " + (gif ? "gif " : "raw ") + size + " " + c, k -> vq(clean, gif));
            double cleanVq = previous;
            for (double s : STRENGTHS.get(d)) {
                double q = vq(d.apply(clean, s, seed), gif);
                assertTrue(q < cleanVq, "seed " + where + " strength " + s + ": VQ " + q + " not below clean " + cleanVq);
                assertTrue(q < previous, "seed " + where + " strength " + s + ": VQ " + q + " not below the previous strength's " + previous);
                previous = q;
            }
        }
    }

    /** The example of issue 9: a 64x64 GIF of two moving shapes on a smooth gradient; noise sigma 25 grey levels. */
    @Test
    void issueExampleRanksSharpAboveNoisyAndBlurred() {
        for (long seed = 1; seed <= 4; seed++) {
            Tensor clean = TestContent.SHAPES_ON_GRADIENT.render(64, 64, seed);
            double sharp = vq(clean, true);
            double noisy = vq(TestDegradations.NOISE.apply(clean, 25, seed), true);
            double blurred = vq(TestDegradations.BLUR.apply(clean, 1.5, seed), true);
            assertTrue(sharp > noisy, "seed " + seed + ": sharp " + sharp + " vs noisy " + noisy);
            assertTrue(sharp > blurred, "seed " + seed + ": sharp " + sharp + " vs blurred " + blurred);
        }
    }
}
