package dev.vdiff.reference.tqd.score;

import dev.vdiff.reference.eval.DenseFlow;
import dev.vdiff.reference.eval.VisualQuality;
import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.Mp4Writer;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.reference.data.VideoFolder;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scorers rank clips as a viewer would: more steady motion, higher MQ; sharper, cleaner, less blocky, higher
 * VQ. On our synthetic clips (one knob changed at a time, every background) and on clips rendered differently
 * (a drifting grating, white noise), also after a round trip through MP4 and the video-folder reader.
 */
class QualityOrderingTest {
    private static final int F = 8, H = 32, W = 32;
    private static final SyntheticVideos DATA = new SyntheticVideos(SyntheticConfig.defaults().withSize(F, H, W));

    @TempDir
    static Path dir;

    @BeforeAll
    static void loadOpenCv() {
        DenseFlow.init();   // a few seconds, once per JVM
    }

    private static ClipQuality score(ClipSpec spec) {
        return ClipQuality.of(DATA.render(spec).video());
    }

    private static void assertRanked(String what, double higher, double lower) {
        assertTrue(higher > lower, what + ": expected " + higher + " > " + lower);
    }

    @ParameterizedTest
    @EnumSource(BackgroundKind.class)
    void motionRanksSteadyFastAboveSlowAboveJerkyAboveStill(BackgroundKind bg) {
        ClipSpec moving = ClipSpec.clean(ShapeKind.CIRCLE, ShapeColor.RED, bg, 1.5, Direction.RIGHT, 3);
        ClipSpec slow = ClipSpec.clean(ShapeKind.CIRCLE, ShapeColor.RED, bg, 0.5, Direction.RIGHT, 3);
        double mMoving = score(moving).mqRaw(), mSlow = score(slow).mqRaw();
        ClipQuality shuffled = score(moving.withShuffled(true)), still = score(moving.withStatic());
        assertRanked(bg + " moving vs slow", mMoving, mSlow);
        assertRanked(bg + " slow vs shuffled", mSlow, shuffled.mqRaw());
        assertRanked(bg + " shuffled vs static", shuffled.mqRaw(), still.mqRaw());
        assertRanked(bg + " coherence moving vs shuffled", score(moving).motion().coherence(), shuffled.motion().coherence() + 0.3);
        assertEquals(0, still.motion().magnitude(), 0.01, bg + " static magnitude");
        // Flow magnitude measures speed: about 1.5 px/frame over the shape's ~12% of the frame.
        assertRanked(bg + " magnitude", score(moving).motion().magnitude(), 2 * score(slow).motion().magnitude());
    }

    /** Mean VQ over four clips of one background (shapes, colours, directions and seeds vary), one degradation applied. */
    private static double meanVq(BackgroundKind bg, double blur, double noise, double block, int down) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            ClipSpec clean = ClipSpec.clean(ShapeKind.values()[i], ShapeColor.values()[i], bg, 0.5 * i, Direction.values()[i], 20 + i);
            sum += score(clean.withDegradations(blur, noise, block, down)).vqRaw();
        }
        return sum / 4;
    }

    /**
     * On average over a few clips, VQ ranks the clean clip above each degradation, and a degradation above a
     * stronger one. (One clip alone can break the blocking order: 8x8 quantisation of stripes near the block
     * period sometimes looks less blocky at a higher strength.)
     */
    @ParameterizedTest
    @EnumSource(BackgroundKind.class)
    void visualRanksCleanAboveEachDegradationByStrength(BackgroundKind bg) {
        double q = meanVq(bg, 0, 0, 0, 1);
        double blur1 = meanVq(bg, 1, 0, 0, 1), blur2 = meanVq(bg, 2, 0, 0, 1);
        double noise1 = meanVq(bg, 0, 0.05, 0, 1), noise2 = meanVq(bg, 0, 0.15, 0, 1);
        double block2 = meanVq(bg, 0, 0, 2, 1), block4 = meanVq(bg, 0, 0, 4, 1);
        double down = meanVq(bg, 0, 0, 0, 3);
        assertRanked(bg + " clean vs blur 1", q, blur1);
        assertRanked(bg + " blur 1 vs blur 2", blur1, blur2);
        assertRanked(bg + " clean vs noise 0.05", q, noise1);
        assertRanked(bg + " noise 0.05 vs 0.15", noise1, noise2);
        assertRanked(bg + " clean vs blocks 2", q, block2);
        assertRanked(bg + " blocks 2 vs 4", block2, block4);
        assertRanked(bg + " clean vs downscaled", q, down);
    }

    /** Each component responds to its own degradation: sigma to noise, B to blocks, S to blur. */
    @Test
    void componentsTrackTheirDegradation() {
        ClipSpec clean = ClipSpec.clean(ShapeKind.RING, ShapeColor.GREEN, BackgroundKind.FLAT, 1.0, Direction.LEFT, 8);
        VisualQuality c = score(clean).visual();
        VisualQuality noisy = score(clean.withStatic().withDegradations(0, 0.1, 0, 1)).visual();
        // Noise std 0.1 in [-1, 1] is 0.05 per channel in [0, 1], what VQ's per-plane estimate reads (median over the
        // colour planes).
        assertEquals(0.05, noisy.noise(), 0.1 * 0.05);
        assertEquals(0, c.noise(), 1e-3);
        assertRanked("blockiness", score(clean.withDegradations(0, 0, 3, 1)).visual().blockiness(), c.blockiness() + 0.05);
        assertRanked("sharpness", c.sharpness(), 5 * score(clean.withDegradations(1.5, 0, 0, 1)).visual().sharpness());
    }

    /** Clips we render differently: a drifting grating, the same grating still or shuffled, and white noise. */
    private static Map<String, Tensor> procedural() {
        Map<String, Tensor> clips = new LinkedHashMap<>();
        Tensor moving = ProceduralClips.grating(F, H, W, 1.2, 0.6, null);
        clips.put("moving", moving);
        clips.put("still", ProceduralClips.grating(F, H, W, 0, 0, null));
        clips.put("shuffled", ProceduralClips.grating(F, H, W, 1.2, 0.6, new int[] {5, 2, 7, 0, 3, 6, 1, 4}));
        clips.put("blurred", ProceduralClips.boxBlurred(moving, 3));
        clips.put("noisy", ProceduralClips.withNoise(moving, 0.12, 4));
        clips.put("white", ProceduralClips.whiteNoise(F, H, W, 2));
        return clips;
    }

    private static void checkProceduralOrder(Map<String, ClipQuality> q, String where) {
        assertRanked(where + " MQ moving vs still", q.get("moving").mqRaw(), q.get("still").mqRaw());
        assertRanked(where + " MQ moving vs shuffled", q.get("moving").mqRaw(), q.get("shuffled").mqRaw());
        assertRanked(where + " MQ moving vs white noise", q.get("moving").mqRaw(), q.get("white").mqRaw());
        assertRanked(where + " MQ moving vs noisy", q.get("moving").mqRaw(), q.get("noisy").mqRaw());
        assertRanked(where + " VQ moving vs blurred", q.get("moving").vqRaw(), q.get("blurred").vqRaw());
        assertRanked(where + " VQ moving vs noisy", q.get("moving").vqRaw(), q.get("noisy").vqRaw());
        assertRanked(where + " VQ noisy vs white noise", q.get("noisy").vqRaw(), q.get("white").vqRaw());
        // Whole-frame motion: flow close to the true (1.2, 0.6) px/frame, |v| = 1.34.
        assertEquals(Math.hypot(1.2, 0.6), q.get("moving").motion().magnitude(), 0.3, where + " grating speed");
    }

    @Test
    void proceduralClipsRankSensibly() {
        Map<String, ClipQuality> q = new LinkedHashMap<>();
        procedural().forEach((name, video) -> q.put(name, ClipQuality.of(video)));
        checkProceduralOrder(q, "in memory");
    }

    /** The same orderings after H.264/MPEG-4 encoding and decoding through the data pipeline. */
    @Test
    void proceduralClipsRankSensiblyAfterMp4RoundTrip() throws IOException {
        Path folder = dir.resolve("mp4");
        Map<String, Tensor> clips = procedural();
        for (Map.Entry<String, Tensor> e : clips.entrySet()) Mp4Writer.write(folder.resolve(e.getKey() + ".mp4"), e.getValue(), 8);
        VideoFolder data = VideoFolder.open(folder, new VideoFolder.Options(F, H, W, 1, null), msg -> { });
        Map<String, ClipQuality> q = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            String name = data.files().get(i).getFileName().toString().replace(".mp4", "");
            q.put(name, ClipQuality.of(data.clip(i).video()));
        }
        assertEquals(clips.keySet(), q.keySet());
        checkProceduralOrder(q, "after MP4");
    }
}
