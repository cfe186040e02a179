package dev.vdiff.reference.tpdiff.experiment;

import dev.vdiff.reference.bench.MachineLoad;
import dev.vdiff.reference.bench.PairedTimes;
import dev.vdiff.reference.data.PrerenderedVideos;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.eval.OutputFolder;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.tpdiff.PyramidLoss;
import dev.vdiff.reference.tpdiff.PyramidVideoSampler;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SampleWriter;
import dev.vdiff.reference.train.TimestepSampler;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code vdiff experiment tpdiff}: TPDiff's claim (SPEC §5; TPDiff §4, Tab. 1) that a temporal pyramid trains and
 * samples faster at the same quality, measured on one machine in one run.
 * <ol>
 *   <li>data: the training clips rendered up front ({@link PrerenderedVideos}), held-out clips for the metric;</li>
 *   <li>training: the vanilla and the pyramid arm from the same initial weights, seed, clips and noise draws,
 *       one step each in alternation ({@link PairedTimes}), every step timed;</li>
 *   <li>sampling: both arms' EMA weights generate the same labels from the same seeds with the same total number
 *       of denoising steps, chunk by chunk in alternation, every chunk timed;</li>
 *   <li>quality: {@link SampleQuality} of both sample sets and of held-out real clips (the noise floor);</li>
 *   <li>files: {@code metrics.json}, {@code report.md}, {@code timings.png}, {@code loss.png},
 *       {@code samples/{vanilla,pyramid,data}.gif|mp4|png}.</li>
 * </ol>
 */
public final class TpdiffExperiment {
    /** Seed of the sampling noise (shared by both arms). */
    static final long SAMPLE_SEED = 4321;

    private TpdiffExperiment() {}

    /** Everything measured. Times in milliseconds; inference per generated video. */
    public record Result(PairedTimes train, PairedTimes sample, double qualityVanilla, double qualityPyramid, double qualityData,
                         List<Double> lossVanilla, List<Double> lossPyramid, long parameters, int threads, String load, double totalSeconds) {
        public double trainSpeedup() {
            return train.speedup();
        }

        public double inferenceSpeedup() {
            return sample.speedup();
        }
    }

    /** The command that owns the output folder and what it writes there ({@link OutputFolder}: a rerun replaces them, anything else is refused). */
    public static final String COMMAND = "vdiff experiment tpdiff";
    public static final List<String> OWNED = List.of("metrics.json", "report.md", "timings.png", "loss.png", "samples");

    public static Result run(TpdiffExperimentConfig cfg, Path out, PrintStream log) throws IOException {
        long start = System.nanoTime();
        OutputFolder folder = OutputFolder.claim(out, COMMAND, OWNED);
        RunSpec run = cfg.run();
        DataSpec d = run.data();
        String loadBefore = MachineLoad.describe();
        log.printf(Locale.ROOT, "vdiff experiment tpdiff: %s; %d threads; %s%n", describe(cfg), Parallel.threads(), loadBefore);

        // 1. Data.
        log.printf(Locale.ROOT, "[1/4] rendering %d training clips and %d + %d held-out clips%n", cfg.trainClips(), cfg.referenceClips(), cfg.classes() * cfg.evalPerClass());
        VideoDataset source = d.open();
        VideoDataset train = new PrerenderedVideos(source, cfg.trainClips());
        SampleQuality quality = new SampleQuality(source.videos(DataSpec.HELD_OUT_A, cfg.referenceClips()));
        long[] labels = VideoGenerator.balancedLabels(cfg.classes(), cfg.evalPerClass());
        List<Tensor> heldOut = source.videos(DataSpec.HELD_OUT_B, labels.length);
        double qData = quality.distance(heldOut);

        // 2. Training, alternating the arms step by step.
        // The same initial weights for both arms (the stream vdiff train uses).
        Denoiser vanillaNet = Models.build(run.model(), DType.FLOAT32, Rng.seed(run.train().seed()).split(Trainer.MODEL_INIT));
        Denoiser pyramidNet = Models.build(run.model(), DType.FLOAT32, Rng.seed(run.train().seed()).split(Trainer.MODEL_INIT));
        TimestepSampler uniform = TimestepSampler.uniform(run.schedule().numTrainTimesteps());
        Trainer vanilla = new Trainer(vanillaNet, train, run.train(), run.objective(), run.schedule(), uniform);
        Trainer pyramid = new Trainer(pyramidNet, train, run.train(), run.objective(), run.schedule(), uniform, new PyramidLoss(cfg.pyramid(), run.objective()));
        long steps = run.train().steps();
        log.printf(Locale.ROOT, "[2/4] training both arms: %d steps of %d clips each, %,d parameters, %s%n", steps, run.train().batchSize(),
            vanillaNet.module().parameterCount(), cfg.pyramid().stages());
        PairedTimes trainTimes = new PairedTimes();
        try (TrainProgress bar = new TrainProgress("train (2 arms)", log, 0, 2 * steps, Duration.ZERO, 15)) {
            for (long i = 0; i < steps; i++) {
                double[] ms = new double[2];
                Trainer.StepResult[] res = new Trainer.StepResult[2];
                for (int arm : order(i)) {
                    long t0 = System.nanoTime();
                    res[arm] = (arm == 0 ? vanilla : pyramid).step();
                    ms[arm] = (System.nanoTime() - t0) * 1e-6;
                    bar.onStep(new Trainer.StepResult(2 * i + (res[1 - arm] == null ? 1 : 2), res[arm].loss(), res[arm].gradNorm(), res[arm].lr()));
                }
                if (i >= cfg.timingWarmup()) trainTimes.add(ms[0], ms[1]);
            }
        }
        log.printf(Locale.ROOT, "      mean training step: vanilla %.0f ms, pyramid %.0f ms: %.2fx%n", trainTimes.vanillaMean(), trainTimes.pyramidMean(), trainTimes.speedup());

        // 3. Sampling with the EMA weights, alternating the arms chunk by chunk.
        Denoiser vanillaEma = emaCopy(vanilla, run), pyramidEma = emaCopy(pyramid, run);
        VideoGenerator genVanilla = new VideoGenerator(vanillaEma, run.objective(), run.schedule(), cfg.sampler(), cfg.chunk());
        VideoGenerator genPyramid = new VideoGenerator(pyramidEma, run.objective(), run.schedule(), cfg.sampler(), cfg.chunk(),
            new PyramidVideoSampler(cfg.pyramid(), run.objective()));
        int chunks = (labels.length + cfg.chunk() - 1) / cfg.chunk();
        log.printf(Locale.ROOT, "[3/4] sampling %d videos per arm (%s, %s for the pyramid), chunks of %d%n", labels.length, cfg.sampler().describe(),
            Arrays.toString(cfg.pyramid().stages().allocation(cfg.sampleSteps())) + " steps per stage", cfg.chunk());
        // One untimed warm-up chunk per arm (JIT of the sampling path).
        long[] warm = Arrays.copyOf(labels, Math.min(labels.length, 1));
        genVanilla.generate(warm, d.frames(), 3, d.height(), d.width(), Rng.seed(0), null);
        genPyramid.generate(warm, d.frames(), 3, d.height(), d.width(), Rng.seed(0), null);
        List<Tensor> vanillaVideos = new ArrayList<>(), pyramidVideos = new ArrayList<>();
        PairedTimes sampleTimes = new PairedTimes();
        try (SampleProgress bar = new SampleProgress("sample (2 arms)", log, 2L * labels.length)) {
            for (int c = 0; c < chunks; c++) {
                long[] ys = Arrays.copyOfRange(labels, c * cfg.chunk(), Math.min(labels.length, (c + 1) * cfg.chunk()));
                Rng rng = Rng.seed(SAMPLE_SEED).split(c);
                double[] ms = new double[2];
                List<List<Tensor>> got = new ArrayList<>(List.of(List.of(), List.of()));
                for (int arm : order(c)) {
                    long t0 = System.nanoTime();
                    got.set(arm, (arm == 0 ? genVanilla : genPyramid).generate(ys, d.frames(), 3, d.height(), d.width(), rng, null));
                    ms[arm] = (System.nanoTime() - t0) * 1e-6 / ys.length;
                    bar.stepBy(ys.length);
                }
                vanillaVideos.addAll(got.get(0));
                pyramidVideos.addAll(got.get(1));
                sampleTimes.add(ms[0], ms[1]);
            }
        }
        log.printf(Locale.ROOT, "      sampling one video: vanilla %.0f ms, pyramid %.0f ms: %.2fx%n", sampleTimes.vanillaMean(), sampleTimes.pyramidMean(), sampleTimes.speedup());

        // 4. Quality and files.
        double qVanilla = quality.distance(vanillaVideos), qPyramid = quality.distance(pyramidVideos);
        log.printf(Locale.ROOT, "[4/4] %s: vanilla %.3f, pyramid %.3f, held-out data %.3f; writing files%n", SampleQuality.METRIC, qVanilla, qPyramid, qData);
        Path samples = out.resolve("samples");
        SampleWriter.write(samples, "vanilla", shown(vanillaVideos, cfg), 4, 6);
        SampleWriter.write(samples, "pyramid", shown(pyramidVideos, cfg), 4, 6);
        SampleWriter.write(samples, "data", shown(heldOut, cfg), 4, 6);
        TpdiffCharts.timings(out.resolve("timings.png"), trainTimes, sampleTimes);
        TpdiffCharts.losses(out.resolve("loss.png"), vanilla.losses(), pyramid.losses());
        Result r = new Result(trainTimes, sampleTimes, qVanilla, qPyramid, qData, vanilla.losses(), pyramid.losses(), vanillaNet.module().parameterCount(),
            Parallel.threads(), loadBefore + "; after: " + MachineLoad.describe(), (System.nanoTime() - start) * 1e-9);
        TpdiffReport.write(out, cfg, r);
        folder.finish();
        log.printf(Locale.ROOT, "vdiff experiment tpdiff: done in %.0f s: training %.2fx, inference %.2fx faster; %s%n", r.totalSeconds(), r.trainSpeedup(),
            r.inferenceSpeedup(), out.resolve("report.md"));
        return r;
    }

    /** Arm order of measurement {@code i}: 0 = vanilla, 1 = pyramid. */
    private static int[] order(long i) {
        return PairedTimes.pyramidFirst(i) ? new int[] {1, 0} : new int[] {0, 1};
    }

    /** A network holding the trainer's EMA weights (the weights one samples with). */
    private static Denoiser emaCopy(Trainer t, RunSpec run) {
        Denoiser net = Models.build(run.model(), DType.FLOAT32, Rng.seed(0));
        net.module().loadStateDict(t.ema().stateDict());
        return net;
    }

    /** The first {@code shownPerClass} videos of every class (labels are grouped by class). */
    private static List<Tensor> shown(List<Tensor> videos, TpdiffExperimentConfig cfg) {
        List<Tensor> out = new ArrayList<>();
        for (int c = 0; c < cfg.classes(); c++) out.addAll(videos.subList(c * cfg.evalPerClass(), c * cfg.evalPerClass() + cfg.shownPerClass()));
        return out;
    }

    static String describe(TpdiffExperimentConfig cfg) {
        RunSpec r = cfg.run();
        DataSpec d = r.data();
        return String.format(Locale.ROOT, "%s objective; %d classes of moving shapes, %d frames of %dx%d; UNet %s; %d steps of %d clips per arm; %d sampling steps",
            r.objective().cliName, d.classes(), d.frames(), d.height(), d.width(), r.model().describe(), r.train().steps(), r.train().batchSize(), cfg.sampleSteps());
    }
}
