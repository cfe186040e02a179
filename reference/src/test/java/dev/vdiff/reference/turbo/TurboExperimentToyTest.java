package dev.vdiff.reference.turbo;

import dev.vdiff.reference.turbo.experiment.TurboExperiment;
import dev.vdiff.reference.turbo.experiment.TurboExperimentConfig;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff experiment turbo} at toy size: the metrics' keys (at least the issue's), finiteness, and what holds
 * deterministically whatever the (barely trained) networks do: network evaluations per video are 2 x steps for the
 * teacher's CFG DDIM and 1 x steps for the student's LCM; the EMA-target student keeps one more copy of the weights;
 * the real clips' quality is the noise floor's set; every file exists.
 */
class TurboExperimentToyTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void toyRunWritesConsistentMetrics() throws Exception {
        TurboExperiment.run(TurboExperimentConfig.toy(), null, tmp, new PrintStream(java.io.OutputStream.nullOutputStream()));
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(tmp.resolve("metrics.json")));
        Map<String, Object> q = (Map<String, Object>) m.get("quality"), s = (Map<String, Object>) m.get("seconds_per_video"),
            calls = (Map<String, Object>) m.get("network_calls_per_video"), motion = (Map<String, Object>) m.get("motion");
        for (String k : List.of("teacher_ddim16", "teacher_ddim50", "student_lcm1", "student_lcm2", "student_lcm4", "student_lcm8")) {
            double v = ((Number) q.get(k)).doubleValue(), t = ((Number) s.get(k)).doubleValue();
            assertTrue(Double.isFinite(v) && v >= 0, k + " quality " + v);
            assertTrue(Double.isFinite(t) && t > 0, k + " seconds " + t);
        }
        assertEquals(32.0, ((Number) calls.get("teacher_ddim16")).doubleValue());
        assertEquals(100.0, ((Number) calls.get("teacher_ddim50")).doubleValue());
        // the goal's teacher rows use eta 1 (the default), the eta 0 rows are measured beside them at the same cost
        assertEquals(1.0, ((Number) ((Map<String, Object>) m.get("goals")).get("teacher_eta")).doubleValue());
        assertEquals(32.0, ((Number) calls.get("teacher_ddim16_eta0")).doubleValue());
        assertEquals(100.0, ((Number) calls.get("teacher_ddim50_eta0")).doubleValue());
        Map<String, Object> noise = (Map<String, Object>) ((Map<String, Object>) m.get("noise_frames")).get("fraction");
        for (var e : noise.entrySet()) assertTrue(((Number) e.getValue()).doubleValue() >= 0 && ((Number) e.getValue()).doubleValue() <= 1, "noise-frame fraction " + e);
        Map<String, Object> track = (Map<String, Object>) m.get("track_motion");
        for (String k : List.of("mg_off", "mg_on", "real")) assertTrue(Double.isFinite(((Number) track.get(k)).doubleValue()), "track " + k);
        for (int n : new int[] {1, 2, 4, 8}) assertEquals(n, ((Number) calls.get("student_lcm" + n)).doubleValue());
        assertEquals(4.0, ((Number) calls.get("mg_off_lcm4")).doubleValue());
        double floor = ((Number) m.get("floor")).doubleValue();
        assertTrue(Double.isFinite(floor) && floor >= 0);
        assertEquals(floor, ((Number) q.get("real_held_out")).doubleValue(), 1e-12, "the floor is the held-out real set's distance");
        for (String k : List.of("mg_off", "mg_on")) assertTrue(Double.isFinite(((Number) motion.get(k)).doubleValue()), k);
        Map<String, Object> paired = (Map<String, Object>) motion.get("paired_difference");
        assertEquals(5L, ((Number) paired.get("videos")).longValue(), "one paired video per class");
        assertEquals(((Number) motion.get("mg_on")).doubleValue() - ((Number) motion.get("mg_off")).doubleValue(), ((Number) paired.get("mean")).doubleValue(), 1e-9,
            "the mean of the per-video differences is the difference of the means");
        Map<String, Object> study = (Map<String, Object>) m.get("motion_study");
        assertEquals(10L, ((Number) study.get("videos")).longValue(), "2 noise seeds x 5 videos");
        double share = ((Number) ((Map<String, Object>) study.get("solver_share")).get("mean_per_unit_lambda")).doubleValue();
        assertTrue(Double.isFinite(share) && share > 0, "the motion term moves the solver's step: " + share);
        assertTrue(Files.readString(tmp.resolve("report.md")).contains("## Motion study"));
        // the teacher is an eps run with patch 1 (2x2 patches sample a checkerboard), and the students inherit its geometry
        var teacher = dev.vdiff.reference.train.RunSpec.read(tmp.resolve("teacher"));
        assertEquals(dev.vdiff.reference.train.Objective.EPSILON, teacher.objective());
        assertEquals(1, teacher.model().patch());
        assertEquals(teacher.model(), dev.vdiff.reference.train.RunSpec.read(tmp.resolve("students/full")).model());
        Map<String, Object> training = (Map<String, Object>) m.get("training");
        long online = ((Number) ((Map<String, Object>) training.get("full")).get("state_bytes")).longValue();
        long ema = ((Number) ((Map<String, Object>) training.get("ema_target")).get("state_bytes")).longValue();
        assertEquals(online * 4 / 3, ema, "the EMA target is one more copy of the student's weights");
        for (String f : List.of("report.md", "quality_vs_steps.png", "time_vs_steps.png", "samples/student_lcm4.gif", "samples/teacher_ddim16.png")) {
            assertTrue(Files.size(tmp.resolve(f)) > 0, f);
        }
        // the owned-entry list names everything the command wrote, and the folder is marked finished (OutputFolder)
        assertEquals(List.of(), dev.vdiff.reference.eval.OutputFolder.unownedEntries(tmp, dev.vdiff.reference.turbo.experiment.TurboExperiment.OWNED));
        assertTrue(Files.readString(tmp.resolve(dev.vdiff.reference.eval.OutputFolder.MARKER)).contains("state: finished"));
    }
}
