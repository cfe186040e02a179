package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.mcm.McmConfig;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code metrics.json} and {@code report.md} of {@code vdiff experiment mcm}. */
final class McmReport {
    private McmReport() {}

    /** The sampling-step count the headline numbers use: 4 (SPEC §4.5's middle setting), or the largest run below it. */
    static int headlineSteps(McmExperimentConfig cfg) {
        int best = cfg.samplingSteps()[0];
        for (int n : cfg.samplingSteps()) if (n <= 4) best = Math.max(best, n);
        return best;
    }

    static void write(Path out, McmExperimentConfig cfg, McmExperiment.Result r, List<String> sampleFiles) throws IOException {
        text(out.resolve("metrics.json"), Json.write(metrics(cfg, r)));
        text(out.resolve("report.md"), markdown(cfg, r, sampleFiles));
    }

    static Map<String, Object> metrics(McmExperimentConfig cfg, McmExperiment.Result r) {
        int n = headlineSteps(cfg);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", n);
        m.put("frame_vq", headline(r, n, s -> s.frames().vq(), true));
        m.put("motion", headline(r, n, McmExperiment.Scores::motion, false));
        m.put("frame_statistics_distance", headline(r, n, s -> s.frames().distanceToImages(), true));
        m.put(SampleQuality.METRIC, headline(r, n, McmExperiment.Scores::sampleQuality, true));
        m.put("teacher_motion_std_error", r.teacher().motionStdError());
        m.put("noise_frames", headline(r, n, McmExperiment.Scores::noiseFrames, true));
        m.put("background_flicker", headline(r, n, McmExperiment.Scores::backgroundFlicker, true));
        m.put("teacher_objective", cfg.teacherObjective().cliName);
        m.put("teacher_schedule", cfg.teacherNoise().toJson());
        Map<String, Object> arms = new LinkedHashMap<>();
        for (McmExperiment.ArmResult a : r.arms()) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("description", a.arm().description());
            am.put("train_seconds", a.trainSeconds());
            McmConfig c = a.arm().config();
            am.put("representation", c.representation().optionName());
            am.put("lambda_adv", c.lambdaAdv());
            am.put("p_gen", c.mcd().pGen());
            Map<String, Object> bySteps = new LinkedHashMap<>();
            for (var e : a.bySteps().entrySet()) bySteps.put(Integer.toString(e.getKey()), scores(e.getValue()));
            am.put("by_steps", bySteps);
            am.put("final_loss_mcd", a.log().isEmpty() ? Double.NaN : a.log().get(a.log().size() - 1).lossMcd());
            arms.put(a.arm().name(), am);
        }
        m.put("arms", arms);
        for (int i = 0; i < r.teachers().size(); i++) {
            McmExperiment.TeacherRow t = r.teachers().get(i);
            Map<String, Object> tm = scores(t.scores());
            tm.put("ddim_eta", t.eta());
            m.put(t.name(i == 0), tm);
        }
        m.put("data_degraded", scores(r.degradedData()));
        m.put("data_clean", scores(r.cleanData()));
        m.put("teacher_train_seconds", r.teacherTrainSeconds());
        m.put("teacher_lr_schedule", cfg.teacherTrain().lrSchedule());
        m.put("goals", goals(r, n));
        m.put("parameters", r.parameters());
        m.put("threads", r.threads());
        m.put("machine_load", r.load());
        m.put("total_seconds", r.totalSeconds());
        return m;
    }

    private static Map<String, Object> headline(McmExperiment.Result r, int n, java.util.function.ToDoubleFunction<McmExperiment.Scores> f, boolean data) {
        Map<String, Object> h = new LinkedHashMap<>();
        for (int i = 0; i < r.teachers().size(); i++) h.put(r.teachers().get(i).name(i == 0), f.applyAsDouble(r.teachers().get(i).scores()));
        for (McmExperiment.ArmResult a : r.arms()) h.put(a.arm().name(), f.applyAsDouble(a.bySteps().get(n)));
        if (data) {
            h.put("data_degraded", f.applyAsDouble(r.degradedData()));
            h.put("data_clean", f.applyAsDouble(r.cleanData()));
        }
        return h;
    }

    private static Map<String, Object> scores(McmExperiment.Scores s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frame_vq", s.frames().vq());
        m.put("sharpness", s.frames().sharpness());
        m.put("noise", s.frames().noise());
        m.put("blockiness", s.frames().blockiness());
        m.put("frame_statistics_distance", s.frames().distanceToImages());
        m.put("motion", s.motion());
        m.put("motion_std_error", s.motionStdError());
        m.put(SampleQuality.METRIC, s.sampleQuality());
        m.put("ms_per_video", s.msPerVideo());
        m.put("noise_frames", s.noiseFrames());
        m.put("background_flicker", s.backgroundFlicker());
        return m;
    }

    /**
     * The goals at the headline step count: MCM's frames above LCM's and the teacher's; motion within 2 standard
     * errors of the teacher's. The teacher goals once per teacher sampling row ({@code teacher}: the first, the paper's
     * DDIM eta 0 baseline; {@code teacher_eta1}: stochastic DDIM), each with its tolerance.
     */
    static Map<String, Object> goals(McmExperiment.Result r, int n) {
        Map<String, Object> g = new LinkedHashMap<>();
        McmExperiment.ArmResult mcm = r.arm("mcm"), lcm = r.arm("lcm");
        if (mcm == null || lcm == null) return g;
        McmExperiment.Scores sm = mcm.bySteps().get(n), sl = lcm.bySteps().get(n);
        g.put("mcm_frame_vq_above_lcm", sm.frames().vq() > sl.frames().vq());
        for (int i = 0; i < r.teachers().size(); i++) {
            McmExperiment.Scores t = r.teachers().get(i).scores();
            String name = r.teachers().get(i).name(i == 0);
            g.put("mcm_frame_vq_above_" + name, sm.frames().vq() > t.frames().vq());
            double tol = 2 * Math.hypot(t.motionStdError(), sm.motionStdError());
            g.put("mcm_motion_within_noise_of_" + name, Math.abs(sm.motion() - t.motion()) <= tol);
            g.put("motion_tolerance_" + name, tol);
        }
        return g;
    }

    private static String markdown(McmExperimentConfig cfg, McmExperiment.Result r, List<String> sampleFiles) {
        int n = headlineSteps(cfg);
        StringBuilder b = new StringBuilder();
        b.append("# vdiff experiment mcm\n\n");
        b.append(String.format(Locale.ROOT, "%s. %d threads; %s. Total %.0f s.%n%n", McmExperiment.describe(cfg), r.threads(), r.load(), r.totalSeconds()));
        b.append("The teacher is trained on **degraded** clips (blur, noise, half of them JPEG-blocked, half at half resolution); the students' ")
            .append("discriminators see **clean** frames of the same classes as high-quality images. MCM's claim (SPEC §4): the student keeps the ")
            .append("teacher's motion while its frames take the images' appearance.\n\n");
        b.append(String.format(Locale.ROOT, "Teacher: %,d parameters, %s objective, %s, %d steps in %.0f s (learning rate %s, schedule %s); reference samples by DDIM, %d steps, guidance %.1f, eta %s. ",
            r.parameters(), cfg.teacherObjective().cliName, cfg.teacherNoise().describe(), cfg.teacherTrain().steps(), r.teacherTrainSeconds(), cfg.teacherTrain().lr(),
            cfg.teacherTrain().lrSchedule(), cfg.teacherSteps(),
            cfg.teacherGuidance(), java.util.Arrays.toString(cfg.teacherEtas())));
        b.append(String.format(Locale.ROOT, "Students: %d steps of %d clips, omega ~ U[%.0f, %.0f], AdamW %.0e, LoRA rank %s; frame discriminator on 2 frames per clip over frozen random-patch features (DINOv2 stand-in).%n%n",
            cfg.distillSteps(), cfg.batch(), cfg.omegaMin(), cfg.omegaMax(), cfg.learningRate(), cfg.arms().get(0).config().lora() == null ? "-" : Integer.toString(cfg.arms().get(0).config().lora().rank())));
        b.append("## Goals (at ").append(n).append(" sampling steps)\n\n");
        Map<String, Object> g = goals(r, n);
        for (var e : g.entrySet()) b.append("- `").append(e.getKey()).append("`: ").append(e.getValue() instanceof Double ? String.format(Locale.ROOT, "%.4f", (Double) e.getValue()) : e.getValue()).append('\n');
        b.append("\nThe `teacher` goals compare with the first teacher row (DDIM eta 0, the paper's baseline), `teacher_eta1` with stochastic DDIM.\n");
        b.append("\nMotion counts as within noise when |motion(mcm) - motion(teacher)| <= 2 sqrt(SE_teacher^2 + SE_mcm^2), SE over the generated videos.\n\n");
        b.append("## Results\n\n");
        b.append("Frame VQ: the no-reference scorer (`eval.VisualQuality`, sharpness x noise x blockiness) on every frame as a still image, higher is better. ")
            .append("Frame-statistics distance: standardised distance of the frames' (log sharpness, noise, blockiness) means to the clean images', lower is better. ")
            .append("Motion: mean absolute luma difference of consecutive frames. ").append(SampleQuality.METRIC).append(": to clean held-out clips, lower is better. ")
            .append("Noise frames: share of frames whose neighbour-difference energy is above twice the largest of the held-out degraded clips' frames; ")
            .append("background flicker: mean change of a frame's median colour to the next frame's (data: constant background).\n\n");
        b.append("| samples | steps | frame VQ | frame-stat distance | noise | motion | noise frames | bg flicker | ").append(SampleQuality.METRIC).append(" | ms/video |\n");
        b.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        row(b, "clean data (images' source)", "-", r.cleanData());
        row(b, "degraded data (teacher's training clips)", "-", r.degradedData());
        for (int i = 0; i < r.teachers().size(); i++) {
            McmExperiment.TeacherRow t = r.teachers().get(i);
            row(b, t.name(i == 0), "DDIM " + cfg.teacherSteps() + ", eta " + t.eta(), t.scores());
        }
        for (McmExperiment.ArmResult a : r.arms()) for (var e : a.bySteps().entrySet()) row(b, a.arm().name(), Integer.toString(e.getKey()), e.getValue());
        b.append("\n| student | what | training s | last L_MCD |\n| --- | --- | --- | --- |\n");
        for (McmExperiment.ArmResult a : r.arms()) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.4f |%n", a.arm().name(), a.arm().description(), a.trainSeconds(),
                a.log().isEmpty() ? Double.NaN : a.log().get(a.log().size() - 1).lossMcd()));
        }
        b.append("\nCharts: `quality.png`, `motion.png`, `loss.png`. Samples (GIF, MP4, and a PNG with one row per video and one column per frame; ")
            .append("generated videos: 2 per class, class by class; data: the first 6 held-out clips, any class): ");
        b.append("\n\nRun folders: `teacher/` (a `vdiff train` run) and `students/<arm>/` (`vdiff distill --method mcm` runs): `vdiff sample --run DIR` samples them ")
            .append("(the teacher with `--sampler ddim`, a student with `--sampler lcm --steps 4`). ");
        for (String s : sampleFiles) b.append("`samples/").append(s).append(".gif` ");
        b.append("\n\nTimes were measured on a shared machine: compare them only within this run.\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String what, String steps, McmExperiment.Scores s) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.2f | %.4f | %.4f | %.1f%% | %.4f | %.2f | %s |%n", what, steps, s.frames().vq(), s.frames().distanceToImages(), s.frames().noise(),
            s.motion(), 100 * s.noiseFrames(), s.backgroundFlicker(), s.sampleQuality(), s.msPerVideo() > 0 ? String.format(Locale.ROOT, "%.0f", s.msPerVideo()) : "-"));
    }

    private static void text(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }
}
