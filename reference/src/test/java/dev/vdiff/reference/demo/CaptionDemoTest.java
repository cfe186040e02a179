package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.Composition;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vdiff demo --condition captions} on the toy configuration of {@link DemoTest}: seconds. */
class CaptionDemoTest {
    @Test
    void captionDemoWritesHeldOutSamplesAndTheFollowingTable(@TempDir Path out) throws Exception {
        DemoConfig cfg = DemoTest.toy().withCaptions(List.of(Composition.parse("circle:left")));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Demo.Result r = Demo.run(cfg, out, new PrintStream(log, true));
        for (String f : List.of("report.md", "metrics.json", "samples/red-square.gif", "samples/green-circle.png",
                "samples/held-out-green-circle-left.gif", "samples/held-out-green-circle-left.png", "run/run.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)) && Files.size(out.resolve(f)) > 0, f);
        }
        // The run is caption-conditioned (vdiff sample --caption reads it back) and records what it held out.
        String run = Files.readString(out.resolve("run/run.json"));
        assertTrue(run.contains("\"captions\"") && run.contains("\"vocabulary\"") && run.contains("\"held_out\": [\"circle:left\"]"), run);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## Do the samples follow their captions?") && report.contains("\"a green circle moving left on a plain background\"")
            && report.contains("**held out**") && report.contains("| chance | | | 50% | 12.5% |"), report);
        // The conditioning row names the text encoder once, without repeating "captions:" (the 2026-12 report did).
        String row = report.lines().filter(l -> l.startsWith("| conditioning |")).findFirst().orElseThrow();
        assertTrue(row.contains("on a plain background\") read by a text encoder (") && !row.contains("captions:"), row);
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(out.resolve("metrics.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) m.get("caption_following");
        assertEquals(List.of("circle:left"), c.get("held_out"));
        // 2 class rows, 1 held-out row, untrained / trained / held-out totals, the real clips' ceiling
        assertEquals(7, ((List<?>) c.get("rows")).size());
        assertEquals(7, r.captionFollowing().size());
        // The ceiling row reads real clips: at 8x8 with 2 frames the reading is coarse, but far above chance.
        CaptionFollowing.Score real = r.captionFollowing().get(6);
        assertTrue(real.what().startsWith("real") && real.classAccuracy() > 0.8, real.toString());
        assertTrue(log.toString().contains("held-out compositions: 2 videos"), log.toString());
    }

    @Test
    void captionDemoNeedsOneColourPerClass() {
        DemoConfig base = DemoTest.toy();
        var d = base.run().data();
        var randomColours = dev.vdiff.reference.train.DataSpec.synthetic(d.frames(), d.height(), d.width()).withClasses(d.classes()).withSpeeds(0.4, 0.8).withStaticProbability(0)
            .withBackgrounds(d.backgrounds()).withColorByClass(false);
        var run = new dev.vdiff.reference.train.RunSpec(base.run().model(), randomColours, base.run().objective(), base.run().train());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.withRun(run).withCaptions(List.of()));
        assertTrue(e.getMessage().contains("one colour per class"), e.getMessage());
    }
}
