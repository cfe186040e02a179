package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.cli.Vdiff;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff experiment mcm} end to end at toy size (seconds): every file is written and metrics.json has the
 * issue's keys ({@code frame_vq} and {@code motion} for teacher, lcm and mcm) with finite values.
 */
class McmExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void toyRunThroughTheCliWritesAllFilesAndFiniteMetrics() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Vdiff.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        Path dir = tmp.resolve("mcm");
        int code = cl.execute("experiment", "mcm", "--toy", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        for (String f : List.of("metrics.json", "report.md", "quality.png", "motion.png", "loss.png", "samples/teacher.gif", "samples/data_clean.gif",
            "samples/data_degraded.gif", "samples/lcm_2step.gif", "samples/mcm_2step.gif")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)) && Files.size(dir.resolve(f)) > 100, f);
        }
        // the owned-entry list names everything the command wrote, and the folder is marked finished (OutputFolder)
        assertEquals(List.of(), dev.vdiff.reference.eval.OutputFolder.unownedEntries(dir, McmExperiment.OWNED));
        assertTrue(Files.readString(dir.resolve(dev.vdiff.reference.eval.OutputFolder.MARKER)).contains("state: finished"));
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(dir.resolve("metrics.json")));
        for (String group : List.of("frame_vq", "motion")) {
            Map<?, ?> g = (Map<?, ?>) m.get(group);
            for (String who : List.of("teacher", "lcm", "mcm")) {
                double v = ((Number) g.get(who)).doubleValue();
                assertTrue(Double.isFinite(v) && v >= 0, group + "." + who + " = " + v);
            }
        }
        assertEquals("eps", m.get("teacher_objective"));   // the default teacher: eps on SPEC §1.1's schedule
        // both teacher samplings (DDIM eta 0, the paper's baseline, and eta 1), with the frame checks
        for (String who : List.of("teacher", "teacher_eta1")) {
            assertTrue(((Map<?, ?>) m.get("frame_vq")).containsKey(who), who);
            double nf = ((Number) ((Map<?, ?>) m.get("noise_frames")).get(who)).doubleValue();
            assertTrue(nf >= 0 && nf <= 1, who + " noise frames " + nf);
        }
        assertTrue(Files.isRegularFile(dir.resolve("samples/teacher_eta1.gif")));
        assertTrue(((Map<?, ?>) m.get("goals")).containsKey("mcm_motion_within_noise_of_teacher_eta1"));
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("## Goals") && report.contains("mcm_frame_vq_above_lcm"), report);
        // the saved teacher and students sample with vdiff sample
        sampleWorks(dir.resolve("teacher"), "ddim", "3");
        sampleWorks(dir.resolve("students").resolve("mcm"), "lcm", "2");
        sampleWorks(dir.resolve("students").resolve("lcm"), "lcm", "1");
    }

    /** A v-prediction, zero-terminal-SNR teacher (a named option) runs end to end, and its folders sample. */
    @Test
    void vZeroSnrTeacherRunsAndSamples() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Vdiff.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        Path dir = tmp.resolve("mcm-v");
        int code = cl.execute("experiment", "mcm", "--toy", "--teacher", "v-zero-snr", "--teacher-eta", "1", "--teacher-lr-schedule", "cosine", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(dir.resolve("metrics.json")));
        assertEquals("v", m.get("teacher_objective"));
        assertEquals(1.0, ((Number) ((Map<?, ?>) m.get("teacher_eta1")).get("ddim_eta")).doubleValue());
        assertTrue(!m.containsKey("teacher"), "only the eta-1 row was asked for");
        assertEquals(dev.vdiff.reference.train.Objective.V, dev.vdiff.reference.train.RunSpec.read(dir.resolve("teacher")).objective());
        // --teacher-lr-schedule reaches the teacher's trainer (its checkpoint's settings) and the report
        var teacherCkpt = new dev.vdiff.reference.train.Checkpoints(dev.vdiff.reference.train.RunSpec.checkpointsDir(dir.resolve("teacher")), 1).latest().orElseThrow();
        assertEquals("cosine", ((Map<?, ?>) dev.vdiff.reference.train.Checkpoints.readState(teacherCkpt).get("config")).get("lr_schedule"));
        assertEquals("cosine", m.get("teacher_lr_schedule"));
        assertEquals(2, cl.execute("experiment", "mcm", "--toy", "--teacher-lr-schedule", "step", "--out", tmp.resolve("bad-lr").toString()));
        assertTrue(err.toString().contains("--teacher-lr-schedule must be one of"), err.toString());
        assertTrue(!Files.exists(tmp.resolve("bad-lr")), "a refused run writes nothing");
        sampleWorks(dir.resolve("teacher"), "ddim", "2");
        sampleWorks(dir.resolve("students").resolve("mcm"), "lcm", "2");
        assertEquals(2, cl.execute("experiment", "mcm", "--toy", "--teacher", "x0", "--out", tmp.resolve("bad").toString()));
        assertTrue(err.toString().contains("--teacher must be eps or v-zero-snr"), err.toString());
    }

    private void sampleWorks(Path run, String sampler, String steps) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Vdiff.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        Path s = tmp.resolve("samples-" + run.getFileName() + "-" + Math.abs(run.hashCode()));
        int code = cl.execute("sample", "--run", run.toString(), "--sampler", sampler, "--steps", steps, "--labels", "0,2", "--per-label", "1", "--out", s.toString());
        assertEquals(0, code, run + ": " + err);
        assertTrue(Files.isRegularFile(s.resolve("samples.safetensors")), run + ": " + out);
    }

    /** The teacher is an unpatched eps UNet in every size: with 2x2 patches an eps teacher samples a checkerboard (docs/experiments/turbo.md). */
    @Test
    void everyTeacherIsUnpatched() {
        for (McmExperimentConfig c : List.of(McmExperimentConfig.toy(0), McmExperimentConfig.quick(0), McmExperimentConfig.full(0))) {
            assertEquals(1, c.model().patch(), c.model().describe());
            assertEquals(c.classes(), c.model().classes());
        }
        assertEquals(new dev.vdiff.reference.train.ModelSpec(8, 3, 1, 16, 32, 2, 8, 3, 32, 64, false), McmExperimentConfig.full(0).model());
    }
}
