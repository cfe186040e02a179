package dev.vdiff.reference.turbo.experiment;

import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code metrics.json}, the two charts and {@code report.md} of {@link TurboExperiment}. */
final class TurboReport {
    private TurboReport() {}

    static Map<String, Object> metrics(TurboExperimentConfig c, Path teacher, double floor, double noiseThreshold, Map<String, Measure.Result> r, Map<String, Object> training) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", dev.vdiff.reference.eval.SampleQuality.METRIC);
        m.put("floor", floor);
        Map<String, Object> q = new LinkedHashMap<>(), sec = new LinkedHashMap<>(), calls = new LinkedHashMap<>(), img = new LinkedHashMap<>(),
            vid = new LinkedHashMap<>(), motion = new LinkedHashMap<>(), flow = new LinkedHashMap<>(), moving = new LinkedHashMap<>(), track = new LinkedHashMap<>(),
            noise = new LinkedHashMap<>();
        for (var e : r.entrySet()) {
            Measure.Result x = e.getValue();
            q.put(e.getKey(), x.quality());
            if (!e.getKey().equals("real_held_out")) {
                sec.put(e.getKey(), x.secondsPerVideo());
                calls.put(e.getKey(), x.callsPerVideo());
            }
            img.put(e.getKey(), x.imageReward());
            vid.put(e.getKey(), x.videoReward());
            motion.put(e.getKey(), x.motion());
            flow.put(e.getKey(), x.flowMotion());
            moving.put(e.getKey(), x.movingFraction());
            track.put(e.getKey(), x.trackMotion());
            noise.put(e.getKey(), x.noiseFrames());
        }
        m.put("quality", q);
        m.put("seconds_per_video", sec);
        m.put("network_calls_per_video", calls);
        m.put("image_reward", img);
        m.put("video_reward", vid);
        PairedDifference paired = PairedDifference.of(r.get("student_lcm4").flowPerVideo(), r.get("mg_off_lcm4").flowPerVideo());
        Map<String, Object> mo = new LinkedHashMap<>();
        mo.put("mg_off", r.get("mg_off_lcm4").flowMotion());
        mo.put("mg_on", r.get("student_lcm4").flowMotion());
        mo.put("real", r.get("real_held_out").flowMotion());
        mo.put("measure", "optical-flow motion, mean Farneback flow length in pixels per frame (eval.FlowMotion)");
        mo.put("paired_difference", Map.of("mean", paired.mean(), "standard_error", paired.standardError(), "videos_higher", paired.higher(), "videos", paired.n(),
            "note", "per video, mg_on minus mg_off, same label and starting noise; spread over sampling noise only (one training seed)"));
        m.put("motion", mo);
        m.put("moving_fraction", Map.of("mg_off", r.get("mg_off_lcm4").movingFraction(), "mg_on", r.get("student_lcm4").movingFraction(),
            "real", r.get("real_held_out").movingFraction()));
        m.put("frame_difference_motion", motion);
        m.put("flow_motion", flow);
        PairedDifference pairedTrack = PairedDifference.of(r.get("student_lcm4").trackPerVideo(), r.get("mg_off_lcm4").trackPerVideo());
        Map<String, Object> tr = new LinkedHashMap<>();
        tr.put("mg_off", r.get("mg_off_lcm4").trackMotion());
        tr.put("mg_on", r.get("student_lcm4").trackMotion());
        tr.put("real", r.get("real_held_out").trackMotion());
        tr.put("measure", "object-track motion, least-squares centroid speed over the clean frames in pixels per frame (turbo.TrackMotion); flicker does not inflate it");
        tr.put("paired_difference", Map.of("mean", pairedTrack.mean(), "standard_error", pairedTrack.standardError(), "videos_higher", pairedTrack.higher(), "videos", pairedTrack.n()));
        tr.put("per_arm", track);
        m.put("track_motion", tr);
        m.put("noise_frames", Map.of("fraction", noise, "threshold", noiseThreshold,
            "rule", "frames whose spatial energy (mean squared neighbour difference) exceeds the largest of the real reference clips' frames (turbo.NoiseFrames)"));
        Map<String, Object> goals = new LinkedHashMap<>();
        double q4 = r.get("student_lcm4").quality(), q16 = r.get("teacher_ddim16").quality();
        double speed = r.get("teacher_ddim16").secondsPerVideo() / r.get("student_lcm4").secondsPerVideo();
        goals.put("quality_ratio_lcm4_vs_ddim16", q4 / q16);
        goals.put("teacher_eta", c.teacherEta());
        goals.put("quality_ratio_lcm4_vs_ddim16_eta" + (int) c.otherTeacherEta(), q4 / r.get("teacher_ddim16_eta" + (int) c.otherTeacherEta()).quality());
        goals.put("quality_goal_met", q4 <= 1.5 * q16);
        goals.put("speedup_lcm4_vs_ddim16", speed);
        goals.put("speed_goal_met", speed >= 3.5);
        goals.put("motion_goal_met", paired.clearlyPositive());   // a rise larger than two standard errors of the paired difference
        goals.put("motion_goal_met_track", pairedTrack.clearlyPositive());
        m.put("goals", goals);
        m.put("training", training);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("teacher", teacher.toString());
        cfg.put("size", c.size());
        cfg.put("frames", c.frames());
        cfg.put("teacher_steps", c.teacherSteps());
        cfg.put("student_steps", c.studentSteps());
        cfg.put("student_batch", c.studentBatch());
        cfg.put("student_lr", c.studentLr());
        cfg.put("grid_points", c.gridPoints());
        cfg.put("omega_range", java.util.List.of(c.omegaMin(), c.omegaMax()));
        cfg.put("sample_omega", c.sampleOmega());
        cfg.put("teacher_guidance_imagen", 1 + c.sampleOmega());
        cfg.put("teacher_eta", c.teacherEta());
        cfg.put("per_class", c.perClass());
        cfg.put("seed", c.seed());
        m.put("config", cfg);
        return m;
    }

    @SuppressWarnings("unchecked")
    static void write(Path out, Map<String, Object> m, TurboExperimentConfig c, boolean givenTeacher) throws IOException {
        byte[] json = Json.write(m).getBytes(StandardCharsets.UTF_8);
        AtomicWrite.writeFile(out.resolve("metrics.json"), tmp -> Files.write(tmp, json));
        Map<String, Object> q = (Map<String, Object>) m.get("quality"), sec = (Map<String, Object>) m.get("seconds_per_video");
        chart(out.resolve("quality_vs_steps.png"), "sample quality vs sampling steps (lower is better)", "distance to held-out real clips (" + m.get("metric") + ")", q,
            (Double) m.get("floor"), c.teacherEta());
        chart(out.resolve("time_vs_steps.png"), "wall time per video vs sampling steps (machine shared with other jobs)", "seconds per video", sec, null, c.teacherEta());
        AtomicWrite.writeFile(out.resolve("report.md"), tmp -> Files.writeString(tmp, report(m, c, givenTeacher)));
    }

    private static void chart(Path file, String title, String yTitle, Map<String, Object> values, Double floor, double teacherEta) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart ch = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("sampling steps (log scale)").yAxisTitle(yTitle).build();
        ch.getStyler().setChartBackgroundColor(Color.WHITE);
        ch.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        ch.getStyler().setXAxisLogarithmic(true);
        series(ch, "student LCM (1 call/step)", values, "student_lcm", "", new int[] {1, 2, 4, 8}, new Color(200, 60, 40));
        series(ch, "teacher DDIM + CFG (2 calls/step), eta " + (int) teacherEta, values, "teacher_ddim", "", new int[] {16, 50}, new Color(40, 90, 200));
        series(ch, "teacher DDIM + CFG, eta " + (1 - (int) teacherEta), values, "teacher_ddim", "_eta" + (1 - (int) teacherEta), new int[] {16, 50}, new Color(120, 160, 230));
        if (floor != null) {
            XYSeries f = ch.addSeries("noise floor (held-out real clips)", new double[] {1, 50}, new double[] {floor, floor});
            f.setMarker(SeriesMarkers.NONE);
            f.setLineColor(Color.GRAY);
        }
        byte[] png = BitmapEncoder.getBitmapBytes(ch, BitmapEncoder.BitmapFormat.PNG);
        AtomicWrite.writeFile(file, tmp -> Files.write(tmp, png));
    }

    private static void series(XYChart ch, String name, Map<String, Object> values, String prefix, String suffix, int[] steps, Color color) {
        double[] x = new double[steps.length], y = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            x[i] = steps[i];
            y[i] = ((Number) values.get(prefix + steps[i] + suffix)).doubleValue();
        }
        XYSeries s = ch.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    @SuppressWarnings("unchecked")
    private static String report(Map<String, Object> m, TurboExperimentConfig c, boolean givenTeacher) {
        Map<String, Object> q = (Map<String, Object>) m.get("quality"), sec = (Map<String, Object>) m.get("seconds_per_video"),
            calls = (Map<String, Object>) m.get("network_calls_per_video"), img = (Map<String, Object>) m.get("image_reward"),
            vid = (Map<String, Object>) m.get("video_reward"), fd = (Map<String, Object>) m.get("frame_difference_motion"), fl = (Map<String, Object>) m.get("flow_motion"),
            goals = (Map<String, Object>) m.get("goals"), training = (Map<String, Object>) m.get("training");
        Map<String, Object> mf = new LinkedHashMap<>();
        StringBuilder b = new StringBuilder();
        b.append("# T2V-Turbo-v2 at toy scale (`vdiff experiment turbo`)\n\n");
        b.append(String.format(Locale.ROOT, "Teacher: %s; %d distillation steps per student (batch %d, lr %s), grid N = %d, omega ~ U[%s, %s] (LCM convention), "
                + "students sampled with omega %s, teacher with Imagen s = %s and DDIM eta %s for the goal's rows `teacher_ddim16|50` (eta %s in the rows `_eta%s`). "
                + "%d videos per arm (%d per class), the same labels and starting noise for every arm.%n%n",
            givenTeacher ? "given (--teacher)" : c.teacherSteps() + " steps trained here", c.studentSteps(), c.studentBatch(), c.studentLr(), c.gridPoints(), c.omegaMin(), c.omegaMax(),
            c.sampleOmega(), 1 + c.sampleOmega(), c.teacherEta(), c.otherTeacherEta(), (int) c.otherTeacherEta(), 5 * c.perClass(), c.perClass()));
        b.append(String.format(Locale.ROOT, "Quality = the demo's %s to held-out real clips, lower is better; noise floor (a second held-out real set of the same size): **%.3f**.%n%n",
            m.get("metric"), (Double) m.get("floor")));
        Map<String, Object> tm = (Map<String, Object>) ((Map<String, Object>) m.get("track_motion")).get("per_arm"),
            nf = (Map<String, Object>) ((Map<String, Object>) m.get("noise_frames")).get("fraction");
        b.append("| arm | quality | network calls / video | seconds / video | image reward | video reward | flow motion (px/frame) | object-track motion (px/frame) | noise frames | frame-difference motion |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (String k : q.keySet()) {
            b.append(String.format(Locale.ROOT, "| %s | %.3f | %s | %s | %.3f | %.3f | %.4f | %.4f | %.3f | %.4f |%n", k, num(q, k), calls.containsKey(k) ? String.format(Locale.ROOT, "%.0f", num(calls, k)) : "-",
                sec.containsKey(k) ? String.format(Locale.ROOT, "%.3f", num(sec, k)) : "-", num(img, k), num(vid, k), num(fl, k), num(tm, k), num(nf, k), num(fd, k)));
        }
        b.append(String.format(Locale.ROOT, "%nNoise frames: the fraction of frames with more high-frequency energy than any real reference frame (threshold %.3f). "
            + "Object-track motion: the speed of the object's centroid over the clean frames (flicker does not inflate it; flow does).%n",
            num((Map<String, Object>) m.get("noise_frames"), "threshold")));
        b.append("\nRewards: image = mean log p(class | frame) of the frame classifier; video = mean log p(class | clip) + log p(moving | clip) of the clip classifier (both trained here, higher is better).\n\n");
        b.append("## Goals\n\n");
        int other = (int) c.otherTeacherEta();
        b.append(String.format(Locale.ROOT, "- 4-step student within 1.5x of the 16-step teacher's quality (teacher DDIM eta %s): ratio %.2f -> %s (against the eta %d teacher: %.2f).%n",
            c.teacherEta(), num(goals, "quality_ratio_lcm4_vs_ddim16"),
            (Boolean) goals.get("quality_goal_met") ? "met" : "**missed** by " + String.format(Locale.ROOT, "%.2fx", num(goals, "quality_ratio_lcm4_vs_ddim16") / 1.5),
            other, num(goals, "quality_ratio_lcm4_vs_ddim16_eta" + other)));
        b.append(String.format(Locale.ROOT, "- at least 3.5x faster per video: %.2fx -> %s.%n", num(goals, "speedup_lcm4_vs_ddim16"), (Boolean) goals.get("speed_goal_met") ? "met" : "**missed**"));
        Map<String, Object> motion = (Map<String, Object>) m.get("motion"), moving = (Map<String, Object>) m.get("moving_fraction");
        Map<String, Object> pd = (Map<String, Object>) motion.get("paired_difference");
        b.append(String.format(Locale.ROOT, "- motion guidance raises the motion measure: optical-flow motion %.4f (off) -> %.4f (on) px/frame, real clips %.4f; "
                + "paired per-video difference %+.4f +- %.4f (standard error), higher in %d of %d videos; the video reward's moving fraction %.2f -> %.2f (real %.2f) "
                + "-> %s (met = difference above two standard errors).%n",
            num(motion, "mg_off"), num(motion, "mg_on"), num(motion, "real"), num(pd, "mean"), num(pd, "standard_error"), ((Number) pd.get("videos_higher")).intValue(),
            ((Number) pd.get("videos")).intValue(), num(moving, "mg_off"), num(moving, "mg_on"), num(moving, "real"),
            (Boolean) goals.get("motion_goal_met") ? "met" : "**missed**"));
        Map<String, Object> track = (Map<String, Object>) m.get("track_motion"), pt = (Map<String, Object>) track.get("paired_difference");
        b.append(String.format(Locale.ROOT, "- the same by the object-track motion: %.4f (off) -> %.4f (on) px/frame, real clips %.4f; paired difference %+.4f +- %.4f, higher in %d of %d videos -> %s.%n%n",
            num(track, "mg_off"), num(track, "mg_on"), num(track, "real"), num(pt, "mean"), num(pt, "standard_error"), ((Number) pt.get("videos_higher")).intValue(),
            ((Number) pt.get("videos")).intValue(), (Boolean) goals.get("motion_goal_met_track") ? "met" : "**missed**"));
        if (m.containsKey("motion_study")) b.append(motionStudy((Map<String, Object>) m.get("motion_study")));
        b.append("## Training of the students\n\n| student | seconds | final loss L = L_CD - J | training state bytes (weights + AdamW + EMA target) | JVM heap peak (bytes, GC-dependent) |\n|---|---|---|---|---|\n");
        for (var e : training.entrySet()) {
            Map<String, Object> t = (Map<String, Object>) e.getValue();
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.5f | %,d | %,d |%n", e.getKey(), num(t, "seconds"), num(t, "final_loss"), ((Number) t.get("state_bytes")).longValue(),
                ((Number) t.get("heap_peak_bytes")).longValue()));
        }
        b.append("\nFiles: `metrics.json`, `quality_vs_steps.png`, `time_vs_steps.png`, `samples/<arm>.gif|png` (one video per class), `students/<arm>/` (runs `vdiff sample --run` can sample), `teacher/`, `rewards/`.\n");
        mf.clear();
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static String motionStudy(Map<String, Object> ms) {
        Map<String, Object> share = (Map<String, Object>) ms.get("solver_share"), on = (Map<String, Object>) ms.get("mg_on_vs_mg_off"),
            lam = (Map<String, Object>) ms.get("lambda_vs_lambda0"), means = (Map<String, Object>) ms.get("flow_means");
        StringBuilder b = new StringBuilder("## Motion study (MotionStudy)\n\n");
        b.append(String.format(Locale.ROOT, "- Motion term's share of the teacher's solver step, ||z_prev(lambda) - z_prev(0)|| / ||z_prev(0) - z|| on held-out clips in the guided "
                + "part of the grid: %.3g per unit lambda, **%.3g at the run's lambda = %s** (per grid point, per unit lambda: %s).%n", num(share, "mean_per_unit_lambda"),
            num(share, "at_run_lambda"), share.get("run_lambda"), perPoint((Map<String, Object>) share.get("per_unit_lambda"))));
        b.append(String.format(Locale.ROOT, "- %d paired videos (LCM 4, other noise seeds than the table): flow motion mg_on %.4f, mg_off %.4f, mg_on with lambda = 0 at sampling %.4f px/frame.%n",
            ((Number) ms.get("videos")).longValue(), num(means, "mg_on"), num(means, "mg_off"), num(means, "mg_on_lambda0")));
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        rows.put("mg_on - mg_off (the distillation with motion guidance)", on);
        rows.put("mg_on lambda " + ms.get("sample_lambda") + " - lambda 0 (the student's motion input)", lam);
        if (ms.containsKey("track_mg_on_vs_mg_off")) {
            Map<String, Object> tmeans = (Map<String, Object>) ms.get("track_means");
            b.append(String.format(Locale.ROOT, "- the same videos by the object-track motion: mg_on %.4f, mg_off %.4f, mg_on with lambda = 0 %.4f px/frame.%n",
                num(tmeans, "mg_on"), num(tmeans, "mg_off"), num(tmeans, "mg_on_lambda0")));
            rows.put("object track: mg_on - mg_off", (Map<String, Object>) ms.get("track_mg_on_vs_mg_off"));
            rows.put("object track: mg_on lambda " + ms.get("sample_lambda") + " - lambda 0", (Map<String, Object>) ms.get("track_lambda_vs_lambda0"));
        }
        for (var e : rows.entrySet()) {
            Map<String, Object> d = e.getValue();
            b.append(String.format(Locale.ROOT, "- %s: %+.4f +- %.4f (standard error), higher in %d of %d videos -> %s.%n", e.getKey(), num(d, "mean"), num(d, "standard_error"),
                ((Number) d.get("videos_higher")).longValue(), ((Number) d.get("videos")).longValue(), (Boolean) d.get("clearly_positive") ? "a rise above two standard errors"
                    : num(d, "mean") < -2 * num(d, "standard_error") ? "a drop beyond two standard errors" : "within two standard errors of zero"));
        }
        return b.append("\n").toString();
    }

    private static String perPoint(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        for (var e : m.entrySet()) b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.2f", ((Number) e.getValue()).doubleValue()));
        return b.toString();
    }

    private static double num(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }
}
