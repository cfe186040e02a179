package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.eval.OutputFolder;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.train.CaptionSpec;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.LossChart;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.BackendSection;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SampleWriter;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code vdiff demo}: the whole pipeline on a fresh machine, no data and no GPU needed.
 * <ol>
 *   <li>held-out real clips: a reference set for the metric and a second set, the metric's noise floor;</li>
 *   <li>the untrained network generates the evaluation clips (its metric: where training starts);</li>
 *   <li>training ({@link Trainer}) with a progress bar, checkpoints in {@code OUT/run};</li>
 *   <li>the trained network (EMA weights) generates the same labels from the same noise;</li>
 *   <li>{@code OUT/samples/<class>.gif|.mp4|.png}, {@code OUT/loss.png}, {@code OUT/metrics.json},
 *       {@code OUT/report.md}.</li>
 * </ol>
 * With {@link DemoConfig#captions()} ({@code --condition captions}) the network reads the clips' captions instead of
 * class labels, the data holds some shape x direction compositions out ({@link DemoConfig#HELD_OUT}), the evaluation
 * clips are asked for by caption, the held-out compositions are sampled too, and the report measures whether the
 * samples follow their captions ({@link CaptionFollowing}).
 * {@code OUT} is an {@link OutputFolder}: a new or empty folder, or one an earlier demo wrote (whose files a rerun
 * replaces); anything else is refused before any work.
 */
public final class Demo {
    /** Seed of the sampling noise (the same noise for the untrained and the trained network). */
    static final long SAMPLE_SEED = 1234;

    /** The command that owns the output folder, and what it writes there ({@link OutputFolder}). */
    public static final String COMMAND = "vdiff demo";
    public static final List<String> OWNED = List.of("run", "samples", "loss.png", "metrics.json", "report.md");

    private Demo() {}

    /** What a demo run measured. */
    public record Result(double trained, double untrained, double data, List<Double> losses, long parameters, Timings time, Path report,
                         List<CaptionFollowing.Score> captionFollowing, Backgrounds backgrounds, Objects objects) {
        /** A class-conditioned demo's result (no caption measurements), without background and object statistics. */
        public Result(double trained, double untrained, double data, List<Double> losses, long parameters, Timings time, Path report) {
            this(trained, untrained, data, losses, parameters, time, report, List.of(), null, null);
        }
    }

    /** The backgrounds ({@link BackgroundStats}) of the trained and the untrained network's evaluation clips and of as many held-out real clips. */
    public record Backgrounds(BackgroundStats.Summary trained, BackgroundStats.Summary untrained, BackgroundStats.Summary data) {}

    /**
     * Whether the asked-for objects are there ({@link ObjectPresence}) in the trained and the untrained network's
     * evaluation clips, and in as many held-out real clips (the measure's ceiling).
     */
    public record Objects(ObjectPresence.Summary trained, ObjectPresence.Summary untrained, ObjectPresence.Summary data) {}

    /** Seconds spent in each phase. */
    public record Timings(double data, double untrainedSampling, double training, double trainedSampling, double writing, double total) {}

    public static Result run(DemoConfig cfg, Path out, PrintStream log) throws IOException {
        return run(cfg, Device.JVM, out, log);
    }

    /** The demo with the network's parameters on {@code device} ({@code vdiff demo --backend}). */
    public static Result run(DemoConfig cfg, Device device, Path out, PrintStream log) throws IOException {
        long start = System.nanoTime();
        RunSpec run = cfg.run();
        DataSpec d = run.data();
        int classes = d.classes();
        boolean captioned = cfg.captions();
        Path runDir = out.resolve("run"), samples = out.resolve("samples");
        OutputFolder folder = OutputFolder.claim(out, COMMAND, OWNED);
        log.printf(Locale.ROOT, "vdiff demo: %s; %d threads%n", cfg == null ? "" : describe(cfg), Parallel.threads());

        // 1. Held-out real clips: the metric's reference, and a second set of the evaluation size (noise floor).
        log.println("[1/5] held-out data for the metric");
        long t = System.nanoTime();
        VideoDataset data = d.open();
        if (captioned) {
            // The text encoder's vocabulary: the words of the training captions (CaptionSpec, as `vdiff train --condition captions`).
            run = CaptionSpec.into(run, CaptionSpec.fromData(data, run.train().trainClips()));
            cfg = cfg.withRun(run);
            log.println("      " + CaptionSpec.of(run).describe() + "; held out of training: " + d.heldOut());
        }
        List<Tensor> reference = data.videos(DataSpec.HELD_OUT_A, cfg.referenceClips());
        long[] labels = VideoGenerator.balancedLabels(classes, cfg.evalPerClass());
        List<Tensor> heldOut = data.videos(DataSpec.HELD_OUT_B, labels.length);
        SampleQuality quality = new SampleQuality(reference);
        double dData = quality.distance(heldOut);
        double tData = seconds(t);

        // 2. The untrained network.
        log.printf(Locale.ROOT, "[2/5] untrained network: %d videos (%s)%n", labels.length, cfg.sampler().describe());
        t = System.nanoTime();
        Denoiser model = Models.moveTo(Models.build(run, DType.FLOAT32, Rng.seed(run.train().seed()).split(Trainer.MODEL_INIT)), device);
        if (!device.isJvm()) log.println("      backend " + device.name() + " (" + device.kernels().description() + ")");
        VideoGenerator gen = new VideoGenerator(model, run.objective(), run.schedule(), cfg.sampler(), 8);
        // Caption mode: each evaluation clip asks for its class's shape and colour moving in one of the shape's trained directions.
        List<CaptionFollowing.Prompt> seen = captioned ? CaptionFollowing.seen(d, cfg.evalPerClass()) : List.of();
        List<CaptionFollowing.Prompt> held = captioned ? CaptionFollowing.heldOut(d, cfg.evalPerClass()) : List.of();
        java.util.function.Supplier<List<Tensor>> evalSet = () -> captioned
            ? gen.generateCaptioned(CaptionFollowing.captions(seen), d.frames(), 3, d.height(), d.width(), Rng.seed(SAMPLE_SEED), counter(log, labels.length))
            : gen.generate(labels, d.frames(), 3, d.height(), d.width(), Rng.seed(SAMPLE_SEED), counter(log, labels.length));
        List<Tensor> untrained = evalSet.get();
        double dUntrained = quality.distance(untrained);
        double tUntrained = seconds(t);
        log.printf(Locale.ROOT, "      %s: untrained %.3f, held-out data %.3f%n", SampleQuality.METRIC, dUntrained, dData);

        // 3. Training.
        log.printf(Locale.ROOT, "[3/5] training: %d steps of %d clips, %,d parameters%n", run.train().steps(), run.train().batchSize(), model.module().parameterCount());
        t = System.nanoTime();
        BackendSection.into(run, device).write(runDir);
        Trainer trainer = new Trainer(model, data, run.train(), run.objective(), run.schedule(), TimestepSampler.ofRun(run));
        Checkpoints checkpoints = new Checkpoints(RunSpec.checkpointsDir(runDir), run.train().keepCheckpoints());
        long trainStart = System.nanoTime();
        double budget = cfg.maxTrainSeconds();
        try (TrainProgress progress = new TrainProgress("train", log, 0, run.train().steps(), Duration.ZERO, 15)) {
            trainer.run(run.train().steps(), checkpoints, progress, () -> budget > 0 && seconds(trainStart) > budget);
        }
        double tTrain = seconds(t);
        if (trainer.stepsDone() < run.train().steps()) {
            log.printf(Locale.ROOT, "      stopped after %d of %d steps: the training time budget of %.0f s is spent (--max-train-minutes)%n",
                trainer.stepsDone(), run.train().steps(), budget);
        }

        // 4. The trained network (EMA weights), same labels, same noise.
        log.printf(Locale.ROOT, "[4/5] trained network (EMA weights): %d videos%n", labels.length);
        t = System.nanoTime();
        List<Tensor> trained = trainer.withEmaWeights(evalSet::get);
        List<Tensor> heldOutSamples = List.of();
        if (!held.isEmpty()) {
            log.printf(Locale.ROOT, "      held-out compositions: %d videos%n", held.size());
            heldOutSamples = trainer.withEmaWeights(() -> gen.generateCaptioned(CaptionFollowing.captions(held), d.frames(), 3, d.height(), d.width(),
                Rng.seed(SAMPLE_SEED + 1), counter(log, held.size())));
        }
        double dTrained = quality.distance(trained);
        double tTrained = seconds(t);
        log.printf(Locale.ROOT, "      %s: trained %.3f, untrained %.3f, held-out data %.3f%n", SampleQuality.METRIC, dTrained, dUntrained, dData);
        // What a viewer sees first, which the distance barely weighs: the backgrounds' colour, flatness and drift.
        Backgrounds backgrounds = new Backgrounds(BackgroundStats.of(trained), BackgroundStats.of(untrained), BackgroundStats.of(heldOut));
        log.printf(Locale.ROOT, "      backgrounds: trained %s%n      backgrounds: held-out data %s%n", backgrounds.trained().describe(), backgrounds.data().describe());
        // What the distance rewards and a viewer does not: an object that fades out (its frames change little and evenly).
        List<ObjectPresence.Asked> asked = captioned ? asked(seen) : ObjectPresence.ofClasses(labels);
        Objects objects = new Objects(ObjectPresence.of(trained, asked), ObjectPresence.of(untrained, asked),
            ObjectPresence.of(heldOut, ObjectPresence.ofData(data, DataSpec.HELD_OUT_B, heldOut.size())));
        log.printf(Locale.ROOT, "      objects: trained %s%n", objects.trained().describe());
        for (ObjectPresence.Row row : objects.trained().perObject()) log.printf(Locale.ROOT, "        %s: %s%n", row.what(), row.describe());
        log.printf(Locale.ROOT, "      objects: held-out data %s%n", objects.data().describe());

        // 5. Files.
        log.println("[5/5] writing videos, chart, metrics and report");
        t = System.nanoTime();
        List<String> classNames = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            String name = d.className(c).replace(' ', '-');
            classNames.add(name);
            SampleWriter.write(samples, name, trained.subList(c * cfg.evalPerClass(), c * cfg.evalPerClass() + cfg.shownPerClass()), cfg.scale(), cfg.fps());
        }
        SampleWriter.write(samples, "untrained", firstOfEachClass(untrained, classes, cfg.evalPerClass()), cfg.scale(), cfg.fps());
        SampleWriter.write(samples, "data", firstOfEachLabel(data, heldOut.size(), classes), cfg.scale(), cfg.fps());
        LossChart.write(out.resolve("loss.png"), trainer.losses(), "vdiff demo: training loss");
        List<CaptionFollowing.Score> following = new ArrayList<>();
        String captionSection = "";
        if (captioned) {
            int per = cfg.evalPerClass();
            for (int i = 0; i < held.size(); i += per) {
                SampleWriter.write(samples, "held-out-" + held.get(i).fileName(), heldOutSamples.subList(i, i + cfg.shownPerClass()), cfg.scale(), cfg.fps());
            }
            for (int c = 0; c < classes; c++) {
                following.add(CaptionFollowing.score("\"a " + d.className(c) + " moving ...\" (" + per + " trained directions)", false, d, seen, trained, c * per, (c + 1) * per));
            }
            for (int i = 0; i < held.size(); i += per) following.add(CaptionFollowing.score("\"" + held.get(i).caption() + "\"", true, d, held, heldOutSamples, i, i + per));
            following.add(CaptionFollowing.score("all seen, untrained network", false, d, seen, untrained, 0, seen.size()));
            following.add(CaptionFollowing.score("all seen, trained network", false, d, seen, trained, 0, seen.size()));
            if (!held.isEmpty()) following.add(CaptionFollowing.score("all held out, trained network", true, d, held, heldOutSamples, 0, held.size()));
            following.add(CaptionFollowing.real(d, data, DataSpec.HELD_OUT_B, 64));
            captionSection = CaptionFollowing.markdown(d, seen, per, held, per, cfg.shownPerClass(), following);
            for (CaptionFollowing.Score r : following) {
                log.printf(Locale.ROOT, "      %s%s: class %.0f%%, direction %.0f%% of %d%n", r.what(), r.heldOut() ? " [held out]" : "", 100 * r.classAccuracy(), 100 * r.directionAccuracy(), r.n());
            }
        }
        double tWrite = seconds(t);
        Timings time = new Timings(tData, tUntrained, tTrain, tTrained, tWrite, seconds(start));
        Result result = new Result(dTrained, dUntrained, dData, trainer.losses(), model.module().parameterCount(), time, out.resolve("report.md"), following, backgrounds, objects);
        DemoReport.write(out, cfg, result, classNames, Parallel.threads(), device, captionSection);
        folder.finish();
        log.printf(Locale.ROOT, "vdiff demo: done in %.0f s: %s%n", time.total(), result.report());
        return result;
    }

    /** The objects that caption prompts ask for. */
    private static List<ObjectPresence.Asked> asked(List<CaptionFollowing.Prompt> prompts) {
        List<ObjectPresence.Asked> out = new ArrayList<>();
        for (CaptionFollowing.Prompt p : prompts) out.add(new ObjectPresence.Asked(p.shape(), p.color()));
        return out;
    }

    /** The first generated video of each class (one row per class in the "untrained" files). */
    private static List<Tensor> firstOfEachClass(List<Tensor> videos, int classes, int perClass) {
        List<Tensor> out = new ArrayList<>();
        for (int c = 0; c < Math.max(1, classes); c++) out.add(videos.get(c * perClass));
        return out;
    }

    /** One real held-out clip of each class, for comparison. */
    private static List<Tensor> firstOfEachLabel(VideoDataset data, int n, int classes) {
        Tensor[] found = new Tensor[Math.max(1, classes)];
        int missing = found.length;
        for (long i = 0; i < 100L * n + 1000 && missing > 0; i++) {
            var c = data.clip(DataSpec.HELD_OUT_B + i);
            int y = Math.max(0, c.label());
            if (y < found.length && found[y] == null) {
                found[y] = c.video();
                missing--;
            }
        }
        List<Tensor> out = new ArrayList<>();
        for (Tensor v : found) if (v != null) out.add(v);
        return out;
    }

    private static java.util.function.IntConsumer counter(PrintStream log, int total) {
        long t0 = System.nanoTime();
        return k -> log.printf(Locale.ROOT, "      %d/%d videos, %.0f s%n", k, total, seconds(t0));
    }

    static String describe(DemoConfig cfg) {
        RunSpec r = cfg.run();
        DataSpec d = r.data();
        return String.format(Locale.ROOT, "%d classes of moving shapes%s, %d frames of %dx%d pixels; UNet %s; recipe %s: %s, %d steps of %d clips",
            d.classes(), cfg.captions() ? " conditioned on their captions" : "", d.frames(), d.height(), d.width(), r.model().describe(), cfg.recipe().cliName, r.noise().describe(), r.train().steps(), r.train().batchSize());
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) * 1e-9;
    }
}
