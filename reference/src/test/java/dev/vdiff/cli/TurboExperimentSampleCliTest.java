package dev.vdiff.cli;

import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff experiment turbo --teacher-eta}: the goal's teacher rows at the chosen DDIM eta (recorded in
 * metrics.json), a bad eta refused in one line; and the run's teacher and student stay usable by {@code vdiff sample}
 * afterwards (DDIM for the teacher, LCM for the student).
 */
class TurboExperimentSampleCliTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void teacherEtaIsRecordedAndTheRunsModelsCanBeSampled() throws Exception {
        Path out = tmp.resolve("exp");
        TrainSampleCliTest.Run r = vdiff("experiment", "turbo", "--toy", "--teacher-eta", "0", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(out.resolve("metrics.json")));
        assertEquals(0.0, ((Number) ((Map<String, Object>) m.get("goals")).get("teacher_eta")).doubleValue());
        assertTrue(((Map<String, Object>) m.get("quality")).containsKey("teacher_ddim16_eta1"), "the other eta's rows are measured too");
        r = vdiff("sample", "--run", out.resolve("teacher").toString(), "--out", tmp.resolve("s1").toString(), "--labels", "0", "--per-label", "1", "--steps", "2", "--eta", "1");
        assertEquals(0, r.code(), r.err());
        r = vdiff("sample", "--run", out.resolve("students/full").toString(), "--sampler", "lcm", "--out", tmp.resolve("s2").toString(), "--labels", "0", "--per-label", "1", "--steps", "2");
        assertEquals(0, r.code(), r.err());
        for (Path d : new Path[] {tmp.resolve("s1"), tmp.resolve("s2")}) {
            try (var files = Files.list(d)) {
                assertTrue(files.anyMatch(p -> p.toString().endsWith(".gif")), "a GIF in " + d);
            }
        }
    }

    @Test
    void aTeacherEtaOtherThanZeroOrOneIsOneLine() {
        TrainSampleCliTest.Run r = vdiff("experiment", "turbo", "--toy", "--teacher-eta", "0.5", "--out", tmp.resolve("bad").toString());
        expectError(r, "--teacher-eta must be 0 or 1, got 0.5");
        assertTrue(!Files.exists(tmp.resolve("bad")), "nothing written");
    }
}
