package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.sampling.LcmSampler;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.bench.MachineLoad;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.eval.OutputFolder;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.mcm.ImagePool;
import dev.vdiff.reference.mcm.McmDistillation;
import dev.vdiff.reference.mcm.McmTraining;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.SampleWriter;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vdiff experiment mcm}: MCM's claim (SPEC §4; MCM §4) that a student distilled with disentangled motion
 * distillation, a frame discriminator on high-quality images and mixed trajectories keeps the teacher's motion while
 * its frames look like the images, not like the teacher's low-quality videos.
 * <ol>
 *   <li>data: degraded clips for the teacher, clean clips as the high-quality image set and as the quality reference
 *       ({@link QualityVideos});</li>
 *   <li>teacher: the project's video UNet trained on the degraded clips (the {@code vdiff train} trainer, eps objective),
 *       frozen, its EMA weights; reference samples by DDIM with guidance;</li>
 *   <li>students: every arm of {@link McmExperimentConfig#arms()} distilled from the same teacher with the same seed,
 *       clips, images and steps ({@link McmDistillation}), timed;</li>
 *   <li>sampling: each student by LCM multistep (S = 4) at 1/2/4/8 steps, the same labels and noise for all;</li>
 *   <li>measures ({@link FrameScores}): frame visual quality (the no-reference VQ scorer) and the distance of the frame
 *       statistics to the clean images, motion (mean frame difference) against the teacher's, the sample-quality
 *       distance to clean clips, sampling time;</li>
 *   <li>files: {@code metrics.json}, {@code report.md}, {@code quality.png}, {@code motion.png}, {@code loss.png},
 *       {@code samples/*.gif|mp4|png}.</li>
 * </ol>
 */
public final class McmExperiment {
    static final long SAMPLE_SEED = 8642;
    /** The images of distillation step {@code s} come from {@code Rng.seed(seed).split(IMAGE_STREAM + s)}. */
    static final long IMAGE_STREAM = 1_000_000;

    private McmExperiment() {}

    /**
     * The scores of one sample set; {@code noiseFrames} and {@code backgroundFlicker} are {@link FrameCoherence}'s checks
     * (the fraction of per-pixel-noise frames, the mean frame-to-frame change of the background colour).
     */
    public record Scores(FrameScores.Summary frames, double motion, double motionStdError, double sampleQuality, double msPerVideo, double noiseFrames,
                         double backgroundFlicker) {}

    /** The teacher's reference samples at one DDIM eta. */
    public record TeacherRow(double eta, Scores scores) {
        /** {@code teacher} for the first row's eta 0 (the paper's baseline), {@code teacher_eta1} etc. otherwise. */
        public String name(boolean first) {
            return first && eta == 0 ? "teacher" : "teacher_eta" + (eta == Math.rint(eta) ? Long.toString((long) eta) : Double.toString(eta));
        }
    }

    /** One student: training time and losses, scores per sampling-step count. */
    public record ArmResult(McmExperimentConfig.Arm arm, double trainSeconds, List<McmDistillation.StepResult> log, Map<Integer, Scores> bySteps) {}

    /** Everything measured. */
    public record Result(List<TeacherRow> teachers, Scores degradedData, Scores cleanData, List<ArmResult> arms, double teacherTrainSeconds, List<Double> teacherLosses,
                         long parameters, int threads, String load, double totalSeconds) {
        /** The goals' teacher: the first sampling row (DDIM eta 0 in the default configuration, the paper's baseline). */
        public Scores teacher() {
            return teachers.get(0).scores();
        }

        public ArmResult arm(String name) {
            for (ArmResult a : arms) if (a.arm().name().equals(name)) return a;
            return null;
        }
    }

    /** The command that owns the output folder and what it writes there ({@link OutputFolder}: a rerun replaces them, anything else is refused). */
    public static final String COMMAND = "vdiff experiment mcm";
    public static final List<String> OWNED = List.of("metrics.json", "report.md", "quality.png", "motion.png", "loss.png", "samples", "teacher", "students");
    /** The teacher as a {@code vdiff train} run folder, the students as {@code vdiff distill --method mcm} folders: {@code vdiff sample --run} takes either. */
    static final String TEACHER_DIR = "teacher", STUDENTS_DIR = "students";

    public static Result run(McmExperimentConfig cfg, Path out, PrintStream log) throws IOException {
        long start = System.nanoTime();
        OutputFolder folder = OutputFolder.claim(out, COMMAND, OWNED);
        String loadBefore = MachineLoad.describe();
        log.printf(Locale.ROOT, "vdiff experiment mcm: %s; %d threads; %s%n", describe(cfg), Parallel.threads(), loadBefore);
        NoiseSchedule schedule = cfg.teacherNoise().schedule();   // SPEC §1.1's, or rescaled to zero terminal SNR (Lin et al. 2024)

        // 1. Data: degraded clips (teacher), clean clips (images and reference).
        VideoDataset degraded = new QualityVideos(cfg.frames(), cfg.height(), cfg.width(), cfg.classes(), cfg.minSpeed(), cfg.maxSpeed(), cfg.seed(), cfg.degradation());
        VideoDataset clean = new QualityVideos(cfg.frames(), cfg.height(), cfg.width(), cfg.classes(), cfg.minSpeed(), cfg.maxSpeed(), cfg.seed() + 1, null);
        log.printf(Locale.ROOT, "[1/4] rendering %d clean image clips and %d reference clips%n", cfg.imagePool(), cfg.referenceClips());
        ImagePool images = new ImagePool(clean, 1_000_000_000L, cfg.imagePool(), cfg.classes());
        List<Tensor> reference = clean.videos(2_000_000_000L, cfg.referenceClips());
        SampleQuality quality = new SampleQuality(reference);
        long[] labels = VideoGenerator.balancedLabels(cfg.classes(), cfg.perClass());
        List<Tensor> degradedHeldOut = degraded.videos(3_000_000_000L, labels.length), cleanHeldOut = clean.videos(3_000_000_000L, labels.length);
        // a noise frame: energy above twice the largest of the held-out degraded clips' frames (FrameCoherence)
        FrameScores frameScores = new FrameScores(images.allFrames(), FrameCoherence.threshold(degradedHeldOut));

        // 2. Teacher on degraded clips.
        Denoiser teacherNet = Models.build(cfg.model(), DType.FLOAT32, Rng.seed(cfg.teacherTrain().seed()).split(Trainer.MODEL_INIT));
        Trainer trainer = new Trainer(teacherNet, degraded, cfg.teacherTrain(), cfg.teacherObjective(), schedule, TimestepSampler.uniform(schedule.numTrainTimesteps()));
        long steps = cfg.teacherTrain().steps();
        log.printf(Locale.ROOT, "[2/4] teacher: %d steps of %d degraded clips, %,d parameters, %s objective, %s%n", steps, cfg.teacherTrain().batchSize(),
            teacherNet.module().parameterCount(), cfg.teacherObjective().cliName, cfg.teacherNoise().describe());
        long t0 = System.nanoTime();
        try (TrainProgress bar = new TrainProgress("teacher", log, 0, steps, Duration.ZERO, 15)) {
            for (long i = 0; i < steps; i++) bar.onStep(trainer.step());
        }
        double teacherSeconds = (System.nanoTime() - t0) * 1e-9;
        Path teacherDir = out.resolve(TEACHER_DIR);
        McmRunFolders.saveTeacher(teacherDir, cfg, trainer);
        Map<String, Tensor> teacherWeights = trainer.ema().stateDict();
        VideoUNet teacherUnet = VideoUNet.load(Models.config(cfg.model()), teacherWeights, DType.FLOAT32);
        FrozenTeacher teacher = new FrozenTeacher(teacherUnet);
        List<TeacherRow> teacherRows = new ArrayList<>();
        Map<String, List<Tensor>> shown = new LinkedHashMap<>();
        shown.put("data_degraded", shownOf(degradedHeldOut, cfg));
        shown.put("data_clean", shownOf(cleanHeldOut, cfg));
        for (double eta : cfg.teacherEtas()) {
            // DDIM with guidance and x0 clipping, eta 0 (deterministic, the paper's baseline) or > 0 (fresh noise each step, SPEC §1.3)
            SamplerSettings ss = new SamplerSettings(SamplerSettings.Kind.DDIM, cfg.teacherSteps(), cfg.teacherGuidance(), eta, 1, 50, 1);
            VideoGenerator teacherGen = new VideoGenerator(Models.wrap(teacherUnet), cfg.teacherObjective(), schedule, ss, 6);
            long s0 = System.nanoTime();
            List<Tensor> teacherVideos = teacherGen.generate(labels, cfg.frames(), 3, cfg.height(), cfg.width(), Rng.seed(SAMPLE_SEED), null);
            double teacherMs = (System.nanoTime() - s0) * 1e-6 / labels.length;
            TeacherRow row = new TeacherRow(eta, scores(frameScores, quality, clamped(teacherVideos), teacherMs));
            teacherRows.add(row);
            shown.put(row.name(teacherRows.size() == 1), shownOf(clamped(teacherVideos), cfg));
            Scores ts = row.scores();
            log.printf(Locale.ROOT, "      teacher (DDIM %d steps, eta %.1f, guidance %.1f): frame VQ %.3f, motion %.4f, noise frames %.1f%%, background flicker %.4f, %s %.2f%n",
                cfg.teacherSteps(), eta, cfg.teacherGuidance(), ts.frames().vq(), ts.motion(), 100 * ts.noiseFrames(), ts.backgroundFlicker(), SampleQuality.METRIC, ts.sampleQuality());
        }

        // 3. Students, one after the other, each from the same teacher, seed and data.
        List<ArmResult> arms = new ArrayList<>();
        int armNo = 0;
        for (McmExperimentConfig.Arm arm : cfg.arms()) {
            armNo++;
            log.printf(Locale.ROOT, "[3/4] student %d of %d, %s: %s; %d steps of %d clips%n", armNo, cfg.arms().size(), arm.name(), arm.description(), cfg.distillSteps(), cfg.batch());
            McmDistillation d = new McmDistillation(teacher, cfg.teacherObjective().predictionType(), schedule, arm.config());
            Trainer armTrainer = McmTraining.trainer(d, cfg.teacherObjective(), degraded, cfg.teacherTrain().trainClips(), new McmTraining.Images(images, cfg.seed(), IMAGE_STREAM),
                new McmTraining.Loop(cfg.distillSteps(), cfg.batch(), 0, 1));
            List<McmDistillation.StepResult> stepLog = new ArrayList<>();
            long a0 = System.nanoTime();
            try (TrainProgress bar = new TrainProgress(arm.name(), log, 0, cfg.distillSteps(), Duration.ZERO, 15)) {
                armTrainer.run(cfg.distillSteps(), null, r -> {
                    stepLog.add(McmDistillation.StepResult.of(r));
                    bar.onStep(r);
                });
            }
            double armSeconds = (System.nanoTime() - a0) * 1e-9;
            McmRunFolders.saveStudent(out.resolve(STUDENTS_DIR).resolve(arm.name()), teacherDir, cfg, arm, teacherWeights, d, armTrainer);
            Map<Integer, Scores> bySteps = new LinkedHashMap<>();
            dev.vdiff.diffusion.Denoiser student = d.studentDenoiser();
            for (int n : cfg.samplingSteps()) {
                long b0 = System.nanoTime();
                List<Tensor> videos = sampleStudent(student, schedule, n, labels, cfg);
                Scores sc = scores(frameScores, quality, videos, (System.nanoTime() - b0) * 1e-6 / labels.length);
                bySteps.put(n, sc);
                if (n == 4 || n == cfg.samplingSteps()[cfg.samplingSteps().length - 1] && !byStepsHas4(cfg)) shown.put(arm.name() + "_" + n + "step", shownOf(videos, cfg));
                log.printf(Locale.ROOT, "      %s, %d step%s: frame VQ %.3f, frame-statistics distance %.2f, motion %.4f, %s %.2f, %.0f ms/video%n", arm.name(), n, n == 1 ? "" : "s",
                    sc.frames().vq(), sc.frames().distanceToImages(), sc.motion(), SampleQuality.METRIC, sc.sampleQuality(), sc.msPerVideo());
            }
            arms.add(new ArmResult(arm, armSeconds, stepLog, bySteps));
        }

        // 4. Files.
        log.printf(Locale.ROOT, "[4/4] writing files%n");
        Path samples = out.resolve("samples");
        for (var e : shown.entrySet()) SampleWriter.write(samples, e.getKey(), e.getValue(), 6, 4);
        Result r = new Result(teacherRows, scores(frameScores, quality, degradedHeldOut, 0), scores(frameScores, quality, cleanHeldOut, 0), arms, teacherSeconds,
            trainer.losses(), teacherNet.module().parameterCount(), Parallel.threads(), loadBefore + "; after: " + MachineLoad.describe(), (System.nanoTime() - start) * 1e-9);
        McmCharts.write(out, cfg, r);
        McmReport.write(out, cfg, r, new ArrayList<>(shown.keySet()));
        folder.finish();
        log.printf(Locale.ROOT, "vdiff experiment mcm: done in %.0f s; %s%n", r.totalSeconds(), out.resolve("report.md"));
        return r;
    }

    private static boolean byStepsHas4(McmExperimentConfig cfg) {
        for (int n : cfg.samplingSteps()) if (n == 4) return true;
        return false;
    }

    /** LCM multistep sampling of the student (S = 4, the 50-point grid), the same noise per video for every arm and step count. */
    static List<Tensor> sampleStudent(dev.vdiff.diffusion.Denoiser student, NoiseSchedule schedule, int steps, long[] labels, McmExperimentConfig cfg) {
        LcmSampler sampler = new LcmSampler(schedule, LcmBoundary.MCM, steps, 50);
        List<Tensor> out = new ArrayList<>();
        int chunk = 6;
        Rng rng = Rng.seed(SAMPLE_SEED);
        for (int start = 0; start < labels.length; start += chunk) {
            int n = Math.min(chunk, labels.length - start);
            Tensor[] noise = new Tensor[n];
            for (int i = 0; i < n; i++) noise[i] = rng.split(start + i).normal(DType.FLOAT32, 1, cfg.frames(), 3, cfg.height(), cfg.width());
            Tensor y = Tensor.ofLongs(java.util.Arrays.copyOfRange(labels, start, start + n), n);
            Tensor videos;
            try (var g = Autograd.noGrad()) {
                videos = sampler.sample(student, Concat.cat(0, noise), y, rng.split(-1 - start));
            }
            // the data range: pixels in [-1, 1], as when a sample is written as an image
            for (int i = 0; i < n; i++) out.add(Pointwise.clamp(videos.narrow(0, i, 1).reshape(cfg.frames(), 3, cfg.height(), cfg.width()), -1, 1).contiguous());
        }
        return out;
    }

    static Scores scores(FrameScores frames, SampleQuality quality, List<Tensor> videos, double msPerVideo) {
        double[] m = new double[videos.size()];
        double mean = 0;
        for (int i = 0; i < m.length; i++) {
            m[i] = dev.vdiff.reference.eval.FrameMotion.of(videos.get(i));
            mean += m[i] / m.length;
        }
        double var = 0;
        for (double x : m) var += (x - mean) * (x - mean) / Math.max(1, m.length - 1);
        return new Scores(frames.summary(videos), mean, Math.sqrt(var / m.length), quality.distance(videos), msPerVideo,
            FrameCoherence.noiseFrameFraction(videos, frames.noiseThreshold()), FrameCoherence.backgroundFlicker(videos));
    }

    /** The data range: pixels in [-1, 1], as when a sample is written as an image (the students' samples are clamped the same way). */
    private static List<Tensor> clamped(List<Tensor> videos) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor v : videos) out.add(Pointwise.clamp(v, -1, 1).contiguous());
        return out;
    }

    /** The first {@code shownPerClass} videos of every class (labels are grouped by class). */
    private static List<Tensor> shownOf(List<Tensor> videos, McmExperimentConfig cfg) {
        List<Tensor> out = new ArrayList<>();
        for (int c = 0; c < cfg.classes(); c++) out.addAll(videos.subList(c * cfg.perClass(), c * cfg.perClass() + cfg.shownPerClass()));
        return out;
    }

    static String describe(McmExperimentConfig cfg) {
        return String.format(Locale.ROOT, "%d classes of moving shapes, %d frames of %dx%d; UNet %s; teacher %d steps on degraded clips; %d students of %d steps of %d clips; sampling %s steps",
            cfg.classes(), cfg.frames(), cfg.height(), cfg.width(), cfg.model().describe(), cfg.teacherTrain().steps(), cfg.arms().size(), cfg.distillSteps(), cfg.batch(),
            java.util.Arrays.toString(cfg.samplingSteps()));
    }
}
