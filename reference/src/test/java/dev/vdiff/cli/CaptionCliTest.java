package dev.vdiff.cli;

import dev.vdiff.reference.data.GifWriter;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.vdiff.cli.TrainSampleCliTest.TINY;
import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conditioning decided from the data ({@code Conditioning}): captions when the folder's CSV has them, labels
 * otherwise, nothing when there is neither; label errors before anything is written; {@code --captions FILE}
 * anywhere; {@code --condition captions} on synthetic data and {@code vdiff sample --caption}.
 */
class CaptionCliTest {
    @TempDir
    Path tmp;

    static final String CAPTION = "a red square moving left on a plain background";

    @Test
    void syntheticCaptionRunSamplesFromACaption() throws Exception {
        Path run = tmp.resolve("run");
        TrainSampleCliTest.Run r = vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "2", "--condition", "captions"}, RunFolderCliTest.tiny("--train-clips", "300")));
        assertEquals(0, r.code(), r.err());
        Map<String, Object> spec = Json.parseObject(Files.readAllBytes(run.resolve("run.json")));
        Map<?, ?> captions = (Map<?, ?>) spec.get("captions");
        List<?> words = (List<?>) captions.get("vocabulary");
        assertTrue(words.contains("red") && words.contains("square") && words.contains("left"), words.toString());
        assertEquals(0L, ((Map<?, ?>) spec.get("model")).get("classes"));

        Path out = tmp.resolve("samples");
        TrainSampleCliTest.Run s = vdiff("sample", "--run", run.toString(), "--out", out.toString(), "--steps", "2", "--per-label", "2", "--scale", "2",
            "--caption", CAPTION, "--caption", "a blue circle moving up on a gradient background");
        assertEquals(0, s.code(), s.err());
        for (String f : List.of("01-a-red-square-moving-left-on-a-plain-background.gif", "02-a-blue-circle-moving-up-on-a-gradient-background.png", "samples.safetensors")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        expectError(vdiff("sample", "--run", run.toString(), "--out", tmp.resolve("s2").toString()), "was trained on captions: give --caption TEXT");
        expectError(vdiff("sample", "--run", run.toString(), "--out", tmp.resolve("s3").toString(), "--caption", CAPTION, "--labels", "0"), "--labels:");
        expectError(vdiff(args(new String[] {"train", "--out", tmp.resolve("x").toString(), "--condition", "captions", "--classes", "3"}, TINY)), "--classes 3 is for label conditioning");
    }

    @Test
    void aLabelRunRefusesACaption() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "1"}, TINY)).code());
        expectError(vdiff("sample", "--run", run.toString(), "--out", tmp.resolve("s").toString(), "--caption", CAPTION), "was not trained on captions");
    }

    /** Three clips; the CSV gives captions and labels 0, 1, 1. */
    private Path folder(boolean csv) throws Exception {
        Path data = Files.createDirectories(tmp.resolve(csv ? "videos" : "plain"));
        SyntheticVideos synth = new SyntheticVideos(SyntheticConfig.defaults().withSize(2, 8, 8).clean());
        for (int i = 0; i < 3; i++) GifWriter.write(data.resolve("clip" + i + ".gif"), synth.clip(i).video(), 4);
        if (csv) Files.writeString(data.resolve("captions.csv"), "path,caption,label\nclip0.gif,a red square,0\nclip1.gif,\"a blue disc, fast\",1\nclip2.gif,a blue disc,1\n");
        return data;
    }

    private static Map<String, Object> runJson(Path run) throws Exception {
        return Json.parseObject(Files.readAllBytes(run.resolve("run.json")));
    }

    @Test
    void theFolderDecidesTheConditioning() throws Exception {
        Path data = folder(true), plain = folder(false);
        // auto: the CSV has captions -> captions.
        Path a = tmp.resolve("a");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", a.toString(), "--steps", "1", "--data", data.toString()}, TINY)).code());
        assertTrue(runJson(a).containsKey("captions"));
        assertEquals(0L, ((Map<?, ?>) runJson(a).get("model")).get("classes"));
        // labels: as many classes as the largest label + 1.
        Path b = tmp.resolve("b");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", b.toString(), "--steps", "1", "--data", data.toString(), "--condition", "labels"}, TINY)).code());
        assertNull(runJson(b).get("captions"));
        assertEquals(2L, ((Map<?, ?>) runJson(b).get("model")).get("classes"));
        // Too few classes for the CSV's labels: one line naming the label and the CSV, and nothing written.
        Path c = tmp.resolve("c");
        expectError(vdiff(args(new String[] {"train", "--out", c.toString(), "--steps", "1", "--data", data.toString(), "--classes", "1"}, TINY)), "has label 1 in " + data.resolve("captions.csv"));
        assertFalse(Files.exists(c));
        // --classes 0: unconditional, even with a labelled CSV (this used to fail after run.json was written).
        Path d = tmp.resolve("d");
        TrainSampleCliTest.Run rd = vdiff(args(new String[] {"train", "--out", d.toString(), "--steps", "1", "--data", data.toString(), "--classes", "0"}, TINY));
        assertEquals(0, rd.code(), rd.err());
        assertEquals(0L, ((Map<?, ?>) runJson(d).get("model")).get("classes"));
        // No CSV: unconditional (it used to train 5 classes the data never had).
        Path e = tmp.resolve("e");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", e.toString(), "--steps", "1", "--data", plain.toString()}, TINY)).code());
        assertEquals(0L, ((Map<?, ?>) runJson(e).get("model")).get("classes"));
        assertNull(runJson(e).get("captions"));
        expectError(vdiff(args(new String[] {"train", "--out", tmp.resolve("f").toString(), "--data", plain.toString(), "--condition", "captions"}, TINY)), "no clip of");
        // --captions FILE: a CSV kept elsewhere, stored absolute in run.json.
        Path csv = Files.copy(data.resolve("captions.csv"), Files.createDirectories(tmp.resolve("elsewhere")).resolve("mine.csv"));
        Path g = tmp.resolve("g");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", g.toString(), "--steps", "1", "--data", plain.toString(), "--captions", csv.toString()}, TINY)).code());
        assertTrue(runJson(g).containsKey("captions"));
        assertEquals(csv.toAbsolutePath().toString(), ((Map<?, ?>) runJson(g).get("data")).get("captions_file"));
        assertEquals(0, vdiff("train", "--resume", g.toString(), "--steps", "2").code());
    }
}
