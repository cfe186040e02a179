package dev.vdiff.cli;

import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.vdiff.cli.TrainSampleCliTest.TINY;
import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The smaller things of issue 10: warm-up scaled to the run, outputs checked before working, the sampler message, vdiff runs. */
class SmallFixesCliTest {
    @TempDir
    Path tmp;

    /** TINY without one option and its value. */
    static String[] without(String option) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < TINY.length; i++) {
            if (TINY[i].equals(option)) i++;
            else l.add(TINY[i]);
        }
        return l.toArray(String[]::new);
    }

    @Test
    void warmupIsScaledToAShortRun() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "20"}, without("--warmup"))).code());
        Map<?, ?> train = (Map<?, ?>) Json.parseObject(Files.readAllBytes(run.resolve("run.json"))).get("train");
        assertEquals(2L, train.get("warmup_steps"), "a 20-step run warms up over 2 steps, not 100");
    }

    @Test
    void sampleChecksItsOutputAndNamesTheObjective() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "1", "--objective", "v"}, TINY)).code());
        expectError(vdiff("sample", "--run", run.toString(), "--out", tmp.resolve("s").toString(), "--sampler", "flow"), "trained with --objective v");
        Path file = Files.writeString(tmp.resolve("a-file.txt"), "mine");
        expectError(vdiff("sample", "--run", run.toString(), "--out", file.toString(), "--steps", "1"), "is a file; give a folder");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        expectError(vdiff("sample", "--run", run.toString(), "--out", full.toString(), "--steps", "1"), "is not empty (it holds notes.txt)");
        assertEquals("mine", Files.readString(file));
        // Sampling twice into the same folder is fine: it holds the first sampling's output.
        Path out = tmp.resolve("samples");
        assertEquals(0, vdiff("sample", "--run", run.toString(), "--out", out.toString(), "--steps", "1", "--labels", "0", "--per-label", "1", "--scale", "2").code());
        assertEquals(0, vdiff("sample", "--run", run.toString(), "--out", out.toString(), "--steps", "1", "--labels", "0", "--per-label", "1", "--scale", "2").code());
    }

    @Test
    void scoreChecksItsOutputBeforeScoring() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("videos"));
        expectError(vdiff("score", "--data", data.toString(), "--out", tmp.toString()), "is a folder; give a file name");
        expectError(vdiff("score", "--data", data.toString(), "--out", tmp.resolve("nowhere/scores.csv").toString()), "does not exist");
        Path mine = Files.writeString(tmp.resolve("mine.csv"), "a,b\n1,2\n");
        expectError(vdiff("score", "--data", data.toString(), "--out", mine.toString()), "exists and was not written by vdiff score");
        assertEquals("a,b\n1,2\n", Files.readString(mine));
    }

    @Test
    void scoreSaysWhenAShortClipIsPadded() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("videos"));
        var synth = new dev.vdiff.reference.data.SyntheticVideos(dev.vdiff.reference.data.SyntheticConfig.defaults().withSize(4, 16, 16).clean());
        dev.vdiff.reference.data.GifWriter.write(data.resolve("long.gif"), synth.clip(0).video(), 4);
        dev.vdiff.reference.data.GifWriter.write(data.resolve("short.gif"), synth.clip(1).video().narrow(0, 0, 2).contiguous(), 4);
        TrainSampleCliTest.Run r = vdiff("score", "--data", data.toString(), "--out", tmp.resolve("scores.csv").toString(), "--frames", "4", "--height", "8", "--width", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains(data.resolve("short.gif") + " has only 2 frame(s); its last frame is repeated"), r.err());
        assertFalse(r.err().contains("long.gif has only"), r.err());
    }

    @Test
    void aScoresRowForAFileThatDoesNotExistIsAnError() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("videos"));
        var synth = new dev.vdiff.reference.data.SyntheticVideos(dev.vdiff.reference.data.SyntheticConfig.defaults().withSize(2, 8, 8).clean());
        for (int i = 0; i < 2; i++) dev.vdiff.reference.data.GifWriter.write(data.resolve("clip" + i + ".gif"), synth.clip(i).video(), 4);
        Path csv = Files.writeString(tmp.resolve("scores.csv"), "path,mq,vq\nclip0.gif,0.5,0.5\nclip1.gif,0.2,0.9\nclip2.gif,0.1,0.1\n");
        Path run = tmp.resolve("run");
        expectError(vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "1", "--data", data.toString(), "--timesteps", "tqd", "--scores", csv.toString()}, TINY)),
            csv + ": the row for clip2.gif names no file in " + data);
        Files.writeString(csv, "path,mq,vq\nclip0.gif,0.5,0.5\nclip1.gif,0.2,0.9\n");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", tmp.resolve("run2").toString(), "--steps", "1", "--data", data.toString(), "--timesteps", "tqd", "--scores", csv.toString()}, TINY)).code());
    }

    @Test
    void runsListsEveryRunWithItsProgress() throws Exception {
        assertEquals(0, vdiff(args(new String[] {"train", "--out", tmp.resolve("a").toString(), "--steps", "2"}, TINY)).code());
        assertEquals(0, vdiff(args(new String[] {"train", "--out", tmp.resolve("b").toString(), "--steps", "1", "--condition", "captions"}, TINY)).code());
        Files.createDirectories(tmp.resolve("not-a-run"));
        TrainSampleCliTest.Run r = vdiff("runs", tmp.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith(tmp.resolve("a") + "  step 2/2 done  loss ") && lines.get(0).contains("data synthetic 2x8x8") && lines.get(0).contains("5 class labels"), lines.get(0));
        assertTrue(lines.get(1).startsWith(tmp.resolve("b") + "  step 1/1 done") && lines.get(1).contains("conditioning: captions"), lines.get(1));
        assertFalse(r.out().contains("not-a-run"));
        assertTrue(vdiff("runs", tmp.resolve("not-a-run").toString()).out().startsWith("no training runs in"));
    }
}
