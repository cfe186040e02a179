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
