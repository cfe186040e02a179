package dev.vdiff.reference.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Determinism, shapes of the output, labels and captions of the synthetic data set. */
class SyntheticVideosTest {
    private static final SyntheticConfig CONFIG = SyntheticConfig.defaults().withSeed(1234)
        .withMotion(0.5, 2.0, 0.2, 0.2);

    @Test
    void sameSeedGivesSameBitsInAnyOrderAndFromAnyThread() {
        int n = 8;
        SyntheticVideos a = new SyntheticVideos(CONFIG), b = new SyntheticVideos(CONFIG);
        List<float[]> forward = new ArrayList<>();
        for (int i = 0; i < n; i++) forward.add(a.clip(i).video().floats());
        float[][] backward = new float[n][];
        for (int i = n - 1; i >= 0; i--) backward[i] = b.clip(i).video().floats();
        float[][] parallel = new float[n][];
        IntStream.range(0, n).parallel().forEach(i -> parallel[i] = new SyntheticVideos(CONFIG).clip(i).video().floats());
        for (int i = 0; i < n; i++) {
            assertArrayEquals(forward.get(i), backward[i], "clip " + i + " depends on request order");
            assertArrayEquals(forward.get(i), parallel[i], "clip " + i + " depends on the thread");
        }
        // A later clip requested alone is the same too.
        assertArrayEquals(forward.get(5), new SyntheticVideos(CONFIG).clip(5).video().floats());
    }

    @Test
    void differentSeedsAndIndicesGiveDifferentClips() {
        float[] c0 = new SyntheticVideos(CONFIG).clip(0).video().floats();
        assertFalse(Arrays.equals(c0, new SyntheticVideos(CONFIG).clip(1).video().floats()));
        assertFalse(Arrays.equals(c0, new SyntheticVideos(CONFIG.withSeed(1235)).clip(0).video().floats()));
    }

    @Test
    void clipsHaveTheConfiguredShapeRangeLabelAndCaption() {
        SyntheticVideos data = new SyntheticVideos(CONFIG.withSize(5, 24, 40));
        for (int i = 0; i < 24; i++) {
            Clip c = data.clip(i);
            assertArrayEquals(new int[] {5, 3, 24, 40}, c.video().shape());
            for (float v : c.video().floats()) assertTrue(v >= -1f && v <= 1f, "value out of [-1, 1]: " + v);
            ClipSpec s = c.spec();
            assertEquals(s.shape().ordinal(), c.label());
            assertTrue(c.caption().startsWith("a " + s.color().word() + " " + s.shape().noun() + " "), c.caption());
            assertTrue(c.caption().contains(s.isStatic() ? "standing still" : s.direction().word()), c.caption());
            assertEquals(s.isStatic(), s.speed() == 0);
            if (!s.isStatic()) assertTrue(s.speed() >= 0.5 && s.speed() <= 2.0, "speed " + s.speed());
            assertTrue(s.blurSigma() == 0 || (s.blurSigma() >= 0.5 && s.blurSigma() <= 1.5), "blur " + s.blurSigma());
            assertTrue(s.downscale() == 1 || (s.downscale() >= 2 && s.downscale() <= 4), "downscale " + s.downscale());
        }
    }

    @Test
    void shapeTimesColourClassesUseOnlyTheAllowedColours() {
        // 15 classes = 5 shapes x the first 3 colours; label = shape + 5 colour.
        SyntheticVideos data = new SyntheticVideos(CONFIG.withClasses(15));
        boolean[] seen = new boolean[15];
        for (int i = 0; i < 300; i++) {
            ClipSpec s = data.spec(i);
            assertTrue(s.color().ordinal() < 3, "colour " + s.color());
            int label = s.shape().ordinal() + 5 * s.color().ordinal();
            assertEquals(label, data.config().label(s.shape(), s.color()));
            seen[label] = true;
        }
        for (int k = 0; k < 15; k++) assertTrue(seen[k], "class " + k + " never drawn in 300 clips");
        // 3 classes: only the first three shapes.
        SyntheticVideos three = new SyntheticVideos(CONFIG.withClasses(3));
        for (int i = 0; i < 100; i++) assertTrue(three.spec(i).shape().ordinal() < 3);
        assertEquals(three.spec(0).shape().ordinal(), three.clip(0).label());
    }

    @Test
    void knobDistributionsAreRespected() {
        // Always-on knobs at fixed strengths, never static: every spec carries exactly those values.
        SyntheticConfig fixed = CONFIG.withMotion(1.5, 1.5, 0, 1)
            .withDegradations(Knob.always(0.8), Knob.always(0.05), Knob.always(2), Knob.always(3));
        SyntheticVideos data = new SyntheticVideos(fixed);
        for (int i = 0; i < 20; i++) {
            ClipSpec s = data.spec(i);
            assertEquals(1.5, s.speed());
            assertTrue(s.shuffled() && !s.isStatic());
            assertEquals(0.8, s.blurSigma());
            assertEquals(0.05, s.noiseStd());
            assertEquals(2.0, s.blockStrength());
            assertEquals(3, s.downscale());
        }
        SyntheticVideos clean = new SyntheticVideos(CONFIG.clean().withMotion(0.5, 2, 1, 0));
        for (int i = 0; i < 20; i++) {
            ClipSpec s = clean.spec(i);
            assertTrue(s.isStatic() && s.speed() == 0 && s.blurSigma() == 0 && s.noiseStd() == 0 && s.blockStrength() == 0 && s.downscale() == 1, s.toString());
        }
    }

    @Test
    void badConfigurationsAreRejectedWithTheirValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CONFIG.withClasses(7));
        assertTrue(e.getMessage().contains("got 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CONFIG.withMotion(2, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Knob(1.5, 0, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new ClipSpec(ShapeKind.RING, ShapeColor.RED, BackgroundKind.FLAT, 1, Direction.UP, true, false, 0, 0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticVideos(CONFIG).clip(-1));
    }
}
