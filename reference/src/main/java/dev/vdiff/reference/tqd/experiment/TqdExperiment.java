package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.tqd.DropoutMode;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.score.ClipQuality;
import dev.vdiff.reference.tqd.train.ClipScores;
import dev.vdiff.reference.tqd.train.TimestepSettings;
import dev.vdiff.reference.tqd.train.TqdTraining;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vdiff experiment tqd}: does TQD (SPEC §2.4: per-clip Beta timesteps, SPEC §2.2, with quality dropout by
 * rejection, SPEC §2.3) train a better model than uniform timesteps on quality-imbalanced data (the paper's claim,
 * Set-B), and on golden-only and all data? Per regime ({@link RegimeData}): score every training clip with our
 * MQ/VQ scorers and normalise over the set (SPEC §2.1); per seed, train the arms "uniform" and "tqd" from the same
 * initialisation with the same steps, data order seed and network; evaluate the EMA weights on held-out golden
 * clips: denoising loss per timestep bucket ({@link HeldOutLoss}, fixed clips and noise) and sample quality
 * ({@link SampleQuality} against the held-out golden clips, same labels and noise for every arm).
 */
public final class TqdExperiment {
    static final String UNIFORM = "uniform", TQD = "tqd";
    /** Seeds of the fixed evaluation inputs and of the sampling noise (the same for every arm and regime). */
    static final long EVAL_SEED = 4242, SAMPLE_SEED = 1234, DATA_SEED = 0;
    static final Objective OBJECTIVE = Objective.V;

    private TqdExperiment() {}

    /** One regime's runs and its training set's scores. */
    public record RegimeResult(String name, int clips, Map<ClipKind, double[]> meanScores, Map<ClipKind, Integer> counts, List<ArmRun> runs) {}

    /** Everything measured, for the report. */
    public record Result(ExperimentConfig config, boolean quick, int[] edges, double floorDistance, double heldOutMq, double heldOutVq,
                         List<RegimeResult> regimes, double seconds, int threads) {}

    /** The command that owns the output folder and the files it writes there ({@link dev.vdiff.reference.eval.OutputFolder}). */
    public static final String COMMAND = "vdiff experiment tqd";
    public static final List<String> OWNED = List.of("metrics.json", "report.md", ExperimentCharts.BUCKETS, ExperimentCharts.RATIO, ExperimentCharts.TRAINING);

    public static Result run(ExperimentConfig cfg, boolean quick, Path out, PrintStream log) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(out);
        NoiseSchedule schedule = NoiseSchedule.videoCrafter2();
        var base = RegimeData.base(DATA_SEED, cfg.frames(), cfg.size());
        int samples = ExperimentConfig.CLASSES * cfg.samplesPerClass();
        log.printf(Locale.ROOT, "vdiff experiment tqd%s: regimes %s, %d frames of %dx%d, UNet %s, %d steps of %d clips per run, %d runs, %d threads%n",
            quick ? " --quick" : "", cfg.regimes(), cfg.frames(), cfg.size(), cfg.size(), cfg.model().describe(), cfg.steps(), cfg.batch(),
            cfg.totalSteps() / cfg.steps(), Parallel.threads());

        // Held-out golden clips: the metric's reference, the loss clips, and a second set (the metric's noise floor).
        log.println("[eval] held-out golden clips");
        RegimeData heldOut = RegimeData.heldOutGolden(base, cfg.referenceClips(), RegimeData.HELD_OUT);
        List<Tensor> reference = heldOut.videos(0, (int) heldOut.size());
        long[] referenceLabels = labels(heldOut);
        SampleQuality quality = new SampleQuality(reference);
        double floor = quality.distance(RegimeData.heldOutGolden(base, samples, RegimeData.FLOOR).videos(0, samples));
        HeldOutLoss lossEval = new HeldOutLoss(reference.subList(0, cfg.lossClips()), java.util.Arrays.copyOf(referenceLabels, cfg.lossClips()),
            OBJECTIVE, schedule, cfg.buckets(), EVAL_SEED);
        double[] heldOutQuality = meanQuality(reference);

        long[] sampleLabels = new long[samples];
        for (int i = 0; i < samples; i++) sampleLabels[i] = i / cfg.samplesPerClass();

        List<RegimeResult> regimes = new ArrayList<>();
        try (ProgressBar bar = bar(cfg.totalSteps(), log)) {
            for (int r = 0; r < cfg.regimes().size(); r++) {
                String name = cfg.regimes().get(r);
                RegimeData data = regime(name, base, cfg.imbalanced());
                int n = (int) data.size();
                ClipScores scores = ClipScores.score(data, n, ScoreNormalization.PERCENTILE, null);
                List<ArmRun> runs = new ArrayList<>();
                for (int seed = 0; seed < cfg.seeds(r); seed++) {
                    for (String arm : List.of(UNIFORM, TQD)) {
                        String tag = name + "/" + arm + "/seed " + seed;
                        runs.add(train(cfg, schedule, data, scores, arm, seed, tag, bar, lossEval, quality, sampleLabels));
                    }
                }
                regimes.add(summarise(name, data, scores, runs));
            }
        }
        return new Result(cfg, quick, lossEval.edges(), floor, heldOutQuality[0], heldOutQuality[1], regimes, (System.nanoTime() - start) * 1e-9, Parallel.threads());
    }

    static RegimeData regime(String name, dev.vdiff.reference.data.SyntheticVideos base, int n) {
        return switch (name) {
            case "imbalanced" -> RegimeData.imbalanced(base, n);
            case "golden" -> RegimeData.golden(base, Math.max(4, n / 4));
            case "all" -> RegimeData.all(base, n, Math.max(1, n / 4));
            default -> throw new IllegalArgumentException("unknown regime " + name);
        };
    }

    /** The arm's settings: uniform timesteps, or TQD timesteps with rejection dropout (SPEC §2.4). */
    static TimestepSettings settings(String arm, ExperimentConfig cfg) {
        return arm.equals(UNIFORM) ? TimestepSettings.UNIFORM
            : new TimestepSettings(TimestepSettings.Sampler.TQD, cfg.tqd(), DropoutMode.REJECTION, ScoreNormalization.PERCENTILE, TimestepSettings.SCORES_FILE);
    }

    private static ArmRun train(ExperimentConfig cfg, NoiseSchedule schedule, RegimeData data, ClipScores scores, String arm, int seed, String tag,
                                ProgressBar bar, HeldOutLoss lossEval, SampleQuality quality, long[] sampleLabels) throws IOException {
        TrainConfig tc = TrainConfig.defaults().withSteps(cfg.steps()).withBatchSize(cfg.batch()).withLr(cfg.lr()).withWarmupSteps(cfg.warmup())
            .withEmaDecay(cfg.emaDecay()).withSeed(seed).withTrainClips((int) data.size()).withCheckpointEvery(0).withKeepCheckpoints(1);
        Denoiser model = Models.build(cfg.model(), DType.FLOAT32, Rng.seed(seed).split(Trainer.MODEL_INIT));
        TimestepSettings s = settings(arm, cfg);
        Trainer trainer = new Trainer(model, data, tc, OBJECTIVE, schedule, TqdTraining.sampler(s, scores, OBJECTIVE, schedule.numTrainTimesteps()));
        TqdTraining.configure(trainer, s, scores);
        double[] recent = new double[20];
        int[] seen = {0};
        trainer.run(cfg.steps(), null, res -> {
            recent[seen[0]++ % recent.length] = res.loss();
            double m = 0;
            int k = Math.min(seen[0], recent.length);
            for (int i = 0; i < k; i++) m += recent[i];
            bar.setExtraMessage(String.format(Locale.ROOT, " %s loss %.4f", tag, m / k));
            bar.step();
        });
        bar.setExtraMessage(" " + tag + ": evaluating");
        double[] buckets = trainer.withEmaWeights(() -> lossEval.evaluate(model));
        VideoGenerator gen = new VideoGenerator(model, OBJECTIVE, schedule, cfg.sampler(), 8);
        List<Tensor> videos = trainer.withEmaWeights(() -> gen.generate(sampleLabels, cfg.frames(), 3, cfg.size(), cfg.size(), Rng.seed(SAMPLE_SEED), null));
        double distance = quality.distance(videos);
        double[] q = meanQuality(videos);
        return new ArmRun(arm, seed, List.copyOf(trainer.losses()), buckets, distance, q[0], q[1], trainer.dataPosition(),
            trainer.stepsDone() * cfg.batch(), trainer.elapsedSeconds());
    }

    private static RegimeResult summarise(String name, RegimeData data, ClipScores scores, List<ArmRun> runs) {
        Map<ClipKind, double[]> sums = new EnumMap<>(ClipKind.class);
        Map<ClipKind, Integer> counts = new EnumMap<>(ClipKind.class);
        for (int i = 0; i < data.size(); i++) {
            ClipKind k = data.kind(i);
            double[] s = sums.computeIfAbsent(k, x -> new double[2]);
            s[0] += scores.mq()[i];
            s[1] += scores.vq()[i];
            counts.merge(k, 1, Integer::sum);
        }
        for (var e : sums.entrySet()) {
            e.getValue()[0] /= counts.get(e.getKey());
            e.getValue()[1] /= counts.get(e.getKey());
        }
        return new RegimeResult(name, (int) data.size(), sums, counts, runs);
    }

    /** Mean raw MQ and VQ of clips (our scorers). */
    static double[] meanQuality(List<Tensor> clips) {
        double[] m = new double[clips.size()], v = new double[clips.size()];
        Parallel.forRange(clips.size(), 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                ClipQuality q = ClipQuality.of(clips.get(i));
                m[i] = q.mqRaw();
                v[i] = q.vqRaw();
            }
        });
        double a = 0, b = 0;
        for (int i = 0; i < m.length; i++) {
            a += m[i] / m.length;
            b += v[i] / v.length;
        }
        return new double[] {a, b};
    }

    static long[] labels(VideoDataset data) {
        long[] y = new long[(int) data.size()];
        for (int i = 0; i < y.length; i++) y[i] = data.clip(i).label();
        return y;
    }

    private static ProgressBar bar(long total, PrintStream out) {
        boolean interactive = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("tqd").setInitialMax(total).setUnit(" steps", 1)
            .showSpeed(new java.text.DecimalFormat("0.0")).setSpeedUnit(ChronoUnit.SECONDS);
        if (interactive) b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(250);
        else b.setStyle(ProgressBarStyle.ASCII).setConsumer(new DelegatingProgressBarConsumer(out::println, 160)).setUpdateIntervalMillis(15_000);
        return b.build();
    }
}
