package dev.vdiff.reference.turbo.experiment;

import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.eval.OutputFolder;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SampleWriter;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.reference.turbo.FrameDifferenceMotion;
import dev.vdiff.reference.turbo.NoiseFrames;
import dev.vdiff.reference.turbo.StudentNetwork;
import dev.vdiff.reference.turbo.TurboMethod;
import dev.vdiff.reference.turbo.TurboRuns;
import dev.vdiff.reference.turbo.TurboSettings;
import dev.vdiff.reference.turbo.reward.ClipClassifier;
import dev.vdiff.reference.turbo.reward.FrameClassifier;
import dev.vdiff.reference.turbo.reward.RewardCheckpoint;
import dev.vdiff.reference.turbo.reward.RewardModelTraining;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vdiff experiment turbo}: a teacher (trained here, or given), the two reward models, four students
 * distilled from it through the same code as {@code vdiff distill} ({@link TurboRuns}), and side-by-side
 * measurements with the same labels and the same starting noise for every arm:
 * <ul>
 *   <li>teacher DDIM 16 and 50 steps with CFG (Imagen s = 1 + omega), at DDIM eta 0 and eta 1 (the goal's rows at
 *       {@link TurboExperimentConfig#teacherEta}), vs the full student (motion guidance,
 *       rewards, online target) with LCM 1, 2, 4, 8 steps: the demo's sample-quality distance
 *       ({@link SampleQuality}) with its noise floor, reward scores, seconds per video, network evaluations per video
 *       (counted);</li>
 *   <li>ablations at 4 steps: motion guidance off, rewards off, EMA target instead of the online one (quality,
 *       motion, training-state bytes, JVM heap peak).</li>
 * </ul>
 * Motion is measured by the optical flow ({@code eval.FlowMotion}; the goal's measure, judged by the paired
 * per-video difference of the 4-step students with and without motion guidance, {@link PairedDifference}), the
 * mean absolute frame difference ({@link FrameDifferenceMotion}), the video reward model's "moving" fraction
 * (its motion head's argmax is not "still"), and two measures flicker does not inflate: the object-track motion
 * ({@code TrackMotion}, judged by the same paired difference) and the noise-frame fraction ({@link NoiseFrames});
 * {@link MotionStudy} adds the motion term's share of the solver step
 * and the same comparison over more noise seeds.
 *
 * <p>The teacher trained here predicts eps with patch 1: with 2x2 patches an eps teacher samples a period-2
 * checkerboard (docs/experiments/turbo.md, tools/turbo/EpsCheckerboard.java).
 */
public final class TurboExperiment {
    private TurboExperiment() {}

    /** Student arms: name, motion guidance, rewards, target. */
    record Arm(String name, boolean motion, boolean rewards, String target) {}

    static final List<Arm> ARMS = List.of(new Arm("full", true, true, "online"), new Arm("mg_off", false, true, "online"),
        new Arm("rewards_off", true, false, "online"), new Arm("ema_target", true, true, "ema"));
    static final int[] STUDENT_STEPS = {1, 2, 4, 8};
    static final int[] TEACHER_STEPS = {16, 50};
    static final int CLASSES = 5;

    /**
     * The command that owns the output folder and what it writes there ({@link OutputFolder}): a rerun into the same
     * folder deletes the earlier run's files, its teacher and student runs included, and starts over.
     */
    public static final String COMMAND = "vdiff experiment turbo";
    public static final List<String> OWNED = List.of("metrics.json", "report.md", "quality_vs_steps.png", "time_vs_steps.png", "samples", "teacher", "students", "rewards");

    /** Runs everything into {@code out}; returns the metrics (also written as {@code out/metrics.json}). */
    public static Map<String, Object> run(TurboExperimentConfig c, Path teacherRun, Path out, PrintStream log) throws IOException {
        if (teacherRun != null) checkGivenTeacher(teacherRun, out);
        OutputFolder folder = OutputFolder.claim(out, COMMAND, OWNED);
        // 1. Teacher.
        Path teacher = teacherRun != null ? teacherRun : trainTeacher(c, out.resolve("teacher"), log);
        RunSpec t = RunSpec.read(teacher);
        Path teacherCkpt = new Checkpoints(RunSpec.checkpointsDir(teacher), 1).latest().orElseThrow(() -> new UserError(teacher + ": no checkpoint"));
        if (t.model().classes() < 2) throw new UserError("--teacher " + teacher + ": needs a class-conditional teacher");
        if (t.model().patch() > 1) log.println("warning: the teacher " + teacher + " folds " + t.model().patch() + "x" + t.model().patch() + " patches; an eps teacher with patches samples a checkerboard (docs/experiments/turbo.md), train it with --patch 1");
        VideoDataset data = t.data().open();
        int frames = t.data().frames(), classes = t.model().classes();
        // 2. Reward models.
        log.println("[2/5] reward models");
        int width = Math.max(4, c.ch0() / 2), videoFrames = frames >= 4 ? 4 : 2;
        Path imageFile = out.resolve("rewards/image.safetensors"), videoFile = out.resolve("rewards/video.safetensors");
        Rng init = Rng.seed(c.seed()).split(-1);
        FrameClassifier image = new FrameClassifier(classes, width, DType.FLOAT32, init.split(0));
        ClipClassifier video = new ClipClassifier(classes, videoFrames, width, DType.FLOAT32, init.split(1));
        RewardModelTraining.Config rc = new RewardModelTraining.Config(c.rewardSteps(), 16, 3e-3, c.seed());
        RewardModelTraining.trainImage(image, data, rc, null);
        RewardModelTraining.trainVideo(video, data, rc, null);
        RewardCheckpoint.save(imageFile, image, width);
        RewardCheckpoint.save(videoFile, video, width);
        // 3. Students.
        Map<String, Object> training = new LinkedHashMap<>();
        Map<String, StudentNetwork> students = new LinkedHashMap<>();
        for (Arm a : ARMS) {
            log.printf("[3/5] student %s (motion guidance %s, rewards %s, %s target), %d steps%n", a.name, a.motion ? "on" : "off", a.rewards ? "on" : "off", a.target, c.studentSteps());
            Path dir = out.resolve("students").resolve(a.name);
            TurboSettings s = new TurboSettings(teacherCkpt.toAbsolutePath().toString(), c.gridPoints(), c.omegaMin(), c.omegaMax(), a.motion ? 0.05 : 0, 0.5,
                GuidedDdimSolver.MotionTerm.RELEASED_CODE, "decoder", 0, 5, a.target, 0.95, a.rewards ? 0.2 : 0, a.rewards ? 0.5 : 0, 2, videoFrames,
                a.rewards ? TurboSettings.IMAGE_REWARD_FILE : "", a.rewards ? TurboSettings.VIDEO_REWARD_FILE : "", 32, c.sampleOmega(), a.motion ? 0.05 : 0, 0.3);
            TrainConfig tc = new TrainConfig(c.studentSteps(), c.studentBatch(), c.studentLr(), 0, 0, 1.0, 0.9, 0, c.seed(), 4096, 0, 1);
            TurboRuns.create(dir, t, teacherCkpt, s, tc, a.rewards ? imageFile : null, a.rewards ? videoFile : null);
            resetPeaks();
            TurboRuns.Opened o = TurboRuns.open(dir, false, null, log);
            try (TrainProgress p = new TrainProgress("distill " + a.name, log, 0, c.studentSteps(), Duration.ZERO, 10)) {
                o.trainer().run(c.studentSteps(), o.checkpoints(), p);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", o.trainer().elapsedSeconds());
            m.put("final_loss", o.trainer().losses().get(o.trainer().losses().size() - 1));
            m.put("heap_peak_bytes", heapPeak());
            m.put("state_bytes", stateBytes(o));
            training.put(a.name, m);
            StudentNetwork net = TurboMethod.student(o.run(), s, c.sampleOmega(), s.sampleMotionStrength());
            net.module().loadStateDict(Checkpoints.emaWeights(o.checkpoints().latest().orElseThrow()));
            students.put(a.name, net);
        }
        // 4. Measurements: same labels, same noise (sample i starts from Rng.seed(seed + 1).split(i)) for every arm.
        log.println("[4/5] sampling and measuring");
        long[] labels = VideoGenerator.balancedLabels(classes, c.perClass());
        int refClips = Math.max(8, 4 * labels.length);
        SampleQuality quality = new SampleQuality(data.videos(DataSpec.HELD_OUT_A, refClips));
        List<Tensor> heldOut = data.videos(DataSpec.HELD_OUT_B, labels.length);
        double floor = quality.distance(heldOut);
        // noise frames: more high-frequency energy than any frame of the real reference clips (NoiseFrames)
        double noiseThreshold = NoiseFrames.calibrate(Concat.cat(0, data.videos(DataSpec.HELD_OUT_A, refClips).stream().map(x -> x.unsqueeze(0)).toArray(Tensor[]::new)));
        Measure measure = new Measure(quality, image, video, labels, t.data(), noiseThreshold);
        Map<String, Measure.Result> results = new LinkedHashMap<>();
        results.put("real_held_out", measure.of(heldOut, 0, 0));
        Denoiser teacherNet = Models.build(t.model(), DType.FLOAT32, Rng.seed(0));
        teacherNet.module().loadStateDict(Checkpoints.emaWeights(teacherCkpt));
        Map<String, List<Tensor>> videos = new LinkedHashMap<>();
        // teacher rows: teacher_ddim<n> at the goal's eta (c.teacherEta()), teacher_ddim<n>_eta<other> at the other one
        for (double eta : new double[] {c.teacherEta(), c.otherTeacherEta()}) {
            for (int n : TEACHER_STEPS) {
                String key = "teacher_ddim" + n + (eta == c.teacherEta() ? "" : "_eta" + (int) eta);
                results.put(key, measure.generate(teacherNet, t, new SamplerSettings(SamplerSettings.Kind.DDIM, n, 1 + c.sampleOmega(), eta, 1.0, 50, 1.0), c.seed(), videos, key));
            }
        }
        for (int n : STUDENT_STEPS) {
            String key = "student_lcm" + n;
            results.put(key, measure.generate(students.get("full"), t, lcm(n), c.seed(), videos, key));
        }
        for (Arm a : ARMS.subList(1, ARMS.size())) {
            String key = a.name + "_lcm4";
            results.put(key, measure.generate(students.get(a.name), t, lcm(4), c.seed(), videos, key));
        }
        // 5. Files.
        log.println("[5/5] metrics, charts, samples, report");
        Map<String, Object> metrics = TurboReport.metrics(c, teacher, floor, noiseThreshold, results, training);
        metrics.put("motion_study", MotionStudy.run(out, labels, c.motionSeeds(), c.seed(), noiseThreshold, log));
        TurboReport.write(out, metrics, c, teacherRun != null);
        for (var e : videos.entrySet()) {
            List<Tensor> v = e.getValue();
            List<Tensor> show = new ArrayList<>();
            for (int i = 0; i < v.size(); i += c.perClass()) show.add(v.get(i));   // one per class
            SampleWriter.write(out.resolve("samples"), e.getKey(), show, 4, 6);
        }
        folder.finish();
        return metrics;
    }

    private static SamplerSettings lcm(int n) {
        return new SamplerSettings(SamplerSettings.Kind.LCM, n, 1.0, 0, 1.0, 50, 1.0);
    }

    /** A teacher run in {@code dir} as {@code vdiff train --objective eps --patch 1} makes it (class dropout for CFG). */
    static Path trainTeacher(TurboExperimentConfig c, Path dir, PrintStream log) throws IOException {
        log.printf("[1/5] teacher: %d steps of %d clips%n", c.teacherSteps(), c.teacherBatch());
        int s = c.size();
        DataSpec d = DataSpec.synthetic(c.frames(), s, s).withClasses(CLASSES).withSpeeds(0.6 * s / 16, 1.2 * s / 16).withStaticProbability(0)
            .withBackgrounds(List.of(BackgroundKind.FLAT, BackgroundKind.GRADIENT));
        // patch 1 (no space-to-depth): an eps teacher with 2x2 patches samples a period-2 checkerboard (docs/experiments/turbo.md);
        // the students inherit the teacher's ModelSpec, so they run at full resolution too
        ModelSpec m = new ModelSpec(c.frames(), 3, 1, c.ch0(), c.ch1(), 2, Math.max(2, c.ch0() / 2), CLASSES, 64, 2 * c.ch1(), false);
        TrainConfig tc = new TrainConfig(c.teacherSteps(), c.teacherBatch(), 2e-3, Math.min(50, c.teacherSteps() / 5), 0, 1.0, 0.99, 0.1, c.seed(), 4096, 0, 1);   // EMA 0.99: a short run's average must forget the initialisation
        RunSpec run = new RunSpec(m, d, Objective.EPSILON, tc);
        Files.createDirectories(dir);
        run.write(dir);
        Denoiser model = Models.build(m, DType.FLOAT32, Rng.seed(c.seed()).split(Trainer.MODEL_INIT));
        Trainer tr = new TrainingSetup(run, d.open(), dir, false, log).build(model);
        try (TrainProgress p = new TrainProgress("teacher", log, 0, c.teacherSteps(), Duration.ZERO, 10)) {
            tr.run(c.teacherSteps(), new Checkpoints(RunSpec.checkpointsDir(dir), 1), p);
        }
        return dir;
    }

    /**
     * A given {@code --teacher} is checked before the output folder is claimed (nothing written or deleted on a bad
     * teacher), and may not lie among the entries a rerun deletes.
     */
    private static void checkGivenTeacher(Path teacherRun, Path out) throws IOException {
        Path abs = teacherRun.toAbsolutePath().normalize(), dir = out.toAbsolutePath().normalize();
        for (String o : OWNED) {
            if (abs.startsWith(dir.resolve(o))) {
                throw new UserError("--teacher " + teacherRun + " lies in " + dir.resolve(o) + ", which this experiment deletes and rewrites; copy the run elsewhere or choose another --out");
            }
        }
        RunSpec t = RunSpec.read(teacherRun);
        if (new Checkpoints(RunSpec.checkpointsDir(teacherRun), 1).latest().isEmpty()) throw new UserError(teacherRun + ": no checkpoint");
        if (t.model().classes() < 2) throw new UserError("--teacher " + teacherRun + ": needs a class-conditional teacher");
    }

    /** Bytes of the training state: student parameters, AdamW's two moments, and the EMA target when there is one. */
    private static long stateBytes(TurboRuns.Opened o) {
        long params = 0;
        for (Tensor p : o.student().module().namedParameters().values()) params += 4L * p.numel();
        long extra = 0;
        for (var x : o.trainer().extraState()) for (Tensor v : x.stateDict().values()) extra += (v.dtype() == DType.FLOAT32 ? 4L : 8L) * v.numel();
        return 3 * params + extra;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        return sum;
    }
}
