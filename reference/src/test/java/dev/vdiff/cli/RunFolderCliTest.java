package dev.vdiff.cli;

import dev.vdiff.reference.data.GifWriter;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.vdiff.cli.TrainSampleCliTest.TINY;
import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run folder rules of issue 10: nothing written beside files vdiff did not write, a run folder without a
 * checkpoint resumes from step 0, {@code --resume --steps} is part of the run, the data path resolves from
 * anywhere, half-written checkpoints are cleaned, and SIGTERM saves a checkpoint that resumes bit for bit.
 */
class RunFolderCliTest {
    @TempDir
    Path tmp;

    @Test
    void trainRefusesAFolderWithSomeoneElsesFiles() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(out.resolve("notes.txt"), "my notes");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1"}, TINY)), "is not empty (it holds notes.txt)");
        assertEquals("my notes", Files.readString(out.resolve("notes.txt")));
        assertFalse(Files.exists(out.resolve("run.json")));
    }

    @Test
    void aRunWithoutCheckpointResumesFromStepZeroBitForBit() throws Exception {
        Path straight = tmp.resolve("straight"), early = tmp.resolve("early");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", straight.toString(), "--steps", "2"}, TINY)).code());
        assertEquals(0, vdiff(args(new String[] {"train", "--out", early.toString(), "--steps", "2"}, TINY)).code());
        // As if stopped before its first checkpoint: run.json, no checkpoint, and a half-written checkpoint folder.
        deleteTree(early.resolve("checkpoints"));
        Path half = Files.createDirectories(early.resolve("checkpoints/.step-00000002.tmp-1x2y"));
        Files.writeString(half.resolve("model.safetensors"), "half");
        TrainSampleCliTest.Run r = vdiff("train", "--resume", early.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(half), "the half-written checkpoint is cleaned");
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoints/step-00000002/model.safetensors")),
            Files.readAllBytes(early.resolve("checkpoints/step-00000002/model.safetensors")));
    }

    @Test
    void resumeWithStepsMakesTheNewTotalPartOfTheRun() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "2"}, TINY)).code());
        assertEquals(0, vdiff("train", "--resume", run.toString(), "--steps", "4").code());
        assertEquals(4L, ((Map<?, ?>) Json.parseObject(Files.readAllBytes(run.resolve("run.json"))).get("train")).get("steps"));
        // Killed after step 4 of a --steps 6 resume: a plain --resume continues to 6 (it used to stop: "past the requested 4 steps").
        assertEquals(0, vdiff("train", "--resume", run.toString(), "--steps", "6").code());
        deleteTree(run.resolve("checkpoints/step-00000006"));
        TrainSampleCliTest.Run r = vdiff("train", "--resume", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-00000006/state.json")));
        // A total below the checkpoint is refused without touching run.json.
        expectError(vdiff("train", "--resume", run.toString(), "--steps", "3"), "past the requested 3 steps");
        assertEquals(6L, ((Map<?, ?>) Json.parseObject(Files.readAllBytes(run.resolve("run.json"))).get("train")).get("steps"));
    }

    @Test
    void aRelativeDataFolderIsStoredSoThatItResolvesFromAnywhere() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("videos"));
        SyntheticVideos synth = new SyntheticVideos(SyntheticConfig.defaults().withSize(2, 8, 8).clean());
        for (int i = 0; i < 3; i++) GifWriter.write(data.resolve("clip" + i + ".gif"), synth.clip(i).video(), 4);
        Path relative = Path.of("").toAbsolutePath().relativize(data.toAbsolutePath());
        assertFalse(relative.isAbsolute());
        Path run = tmp.resolve("run");
        TrainSampleCliTest.Run r = vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "1", "--data", relative.toString(), "--classes", "0"}, TINY));
        assertEquals(0, r.code(), r.err());
        Map<?, ?> d = (Map<?, ?>) Json.parseObject(Files.readAllBytes(run.resolve("run.json"))).get("data");
        assertEquals(data.toAbsolutePath().normalize().toString(), d.get("source"));
        Files.move(data, tmp.resolve("moved"));
        expectError(vdiff("train", "--resume", run.toString(), "--steps", "2"), "does not exist any more (moved or deleted?)");
    }

    /** A real process, a real SIGTERM: the run saves a checkpoint, and resuming it reaches the same bits as a straight run. */
    @Test
    void sigtermSavesACheckpointThatResumesBitForBit() throws Exception {
        Path run = tmp.resolve("run"), straight = tmp.resolve("straight");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.vdiff.cli.Vdiff"));
        // No checkpoint before the end: only the signal can make one.
        cmd.addAll(List.of(args(new String[] {"train", "--out", run.toString(), "--steps", "100000", "--threads", "1"}, tiny("--checkpoint-every", "0"))));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.append(line).append('\n');
                if (line.startsWith("vdiff train: F=")) {   // training has started
                    Thread.sleep(1500);
                    p.toHandle().destroy();                 // SIGTERM (Process.destroy would also close our end of the pipe)
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), log.toString());
        assertTrue(log.toString().contains("vdiff train: stopped at step"), log.toString());
        assertFalse(log.toString().contains("internal error") || log.toString().contains("\tat "), log.toString());
        assertTrue(Files.size(run.resolve("loss.png")) > 1000, "the loss chart is drawn on the way out too");
        List<Path> saved;
        try (var s = Files.list(run.resolve("checkpoints"))) {
            saved = s.filter(q -> q.getFileName().toString().startsWith("step-")).toList();
        }
        assertEquals(1, saved.size(), log.toString());
        long step = Long.parseLong(saved.get(0).getFileName().toString().substring(5));
        assertTrue(step >= 1, log.toString());
        TrainSampleCliTest.Run r = vdiff("train", "--resume", run.toString(), "--steps", String.valueOf(step + 2));
        assertEquals(0, r.code(), r.err());
        assertEquals(0, vdiff(args(new String[] {"train", "--out", straight.toString(), "--steps", String.valueOf(step + 2)}, tiny("--checkpoint-every", "0"))).code());
        String last = "checkpoints/step-" + String.format("%08d", step + 2) + "/model.safetensors";
        assertArrayEquals(Files.readAllBytes(straight.resolve(last)), Files.readAllBytes(run.resolve(last)));
    }

    /** {@link TrainSampleCliTest#TINY} with one option's value replaced. */
    static String[] tiny(String option, String value) {
        String[] t = TINY.clone();
        for (int i = 0; i < t.length; i++) if (t[i].equals(option)) t[i + 1] = value;
        return t;
    }

    static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(q);
        }
    }
}
