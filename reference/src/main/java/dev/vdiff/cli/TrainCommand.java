package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.tqd.DropoutMode;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.tqd.train.TimestepSettings;
import dev.vdiff.reference.tpdiff.PyramidJson;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.LossChart;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingMethod;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.reference.train.TrainingDivergedException;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Parallel;
import dev.vdiff.tensor.random.Rng;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code vdiff train}: trains a video UNet on the synthetic moving shapes (or a folder of videos) with the
 * {@link Trainer}, writing {@code OUT/run.json}, checkpoints under {@code OUT/checkpoints/} and
 * {@code OUT/loss.png}. {@code --resume OUT} continues the newest checkpoint bit for bit; only {@code --steps}
 * (and {@code --threads}) may be given with it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Trains a small video diffusion model (epsilon-prediction DDPM or flow matching, class-conditioned) "
        + "with AdamW, gradient clipping, EMA and warm-up; checkpoints atomically; --resume continues bit for bit.")
public final class TrainCommand implements CliCommand {
    @Option(names = "--out", paramLabel = "DIR", description = "new run folder (run.json, checkpoints/, loss.png)")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run in DIR from its newest checkpoint")
    Path resume;

    @Option(names = "--data", paramLabel = "SRC", defaultValue = "synthetic", description = "'synthetic' (built-in moving shapes) or a folder of videos (default: ${DEFAULT-VALUE})")
    String data;
    @Option(names = "--size", defaultValue = "16", description = "clip height and width in pixels (default: ${DEFAULT-VALUE})")
    int size;
    @Option(names = "--frames", defaultValue = "8", description = "frames per clip (default: ${DEFAULT-VALUE})")
    int frames;
    @Option(names = "--classes", defaultValue = "5", description = "class labels: synthetic 1..5 (shape) or 10..35 (shape x colour); a folder's labels come from its captions.csv, 0 = unconditional (default: ${DEFAULT-VALUE})")
    int classes;
    @Option(names = "--backgrounds", defaultValue = "flat,gradient", split = ",", description = "synthetic backgrounds allowed: flat, gradient, stripes, noise (default: ${DEFAULT-VALUE})")
    List<String> backgrounds;
    @Option(names = "--color-by-class", description = "synthetic: each shape kind in its own colour (square red, circle green, ...) instead of a random one")
    boolean colorByClass;
    @Option(names = "--data-seed", defaultValue = "0", description = "synthetic data seed (default: ${DEFAULT-VALUE})")
    long dataSeed;

    @Option(names = "--patch", defaultValue = "2", description = "pixels per side folded into channels before the UNet, 1 = none (default: ${DEFAULT-VALUE})")
    int patch;
    @Option(names = "--ch0", defaultValue = "32", description = "UNet channels at full resolution (default: ${DEFAULT-VALUE})")
    int ch0;
    @Option(names = "--ch1", defaultValue = "64", description = "UNet channels at half resolution, with attention (default: ${DEFAULT-VALUE})")
    int ch1;
    @Option(names = "--heads", defaultValue = "4", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads;
    @Option(names = "--groups", defaultValue = "16", description = "GroupNorm groups (default: ${DEFAULT-VALUE})")
    int groups;
    @Option(names = "--emb", defaultValue = "128", description = "time/label embedding width (default: ${DEFAULT-VALUE})")
    int emb;
    @Option(names = "--temporal-attention-level0", description = "temporal attention at full resolution too (needs --ch0 = --ch1)")
    boolean temporal0;
    @Option(names = "--objective", defaultValue = "eps", description = "eps (DDPM epsilon-prediction) or v (v-prediction), both sampled with ddim/lcm; or flow (rectified flow, sampled with flow) (default: ${DEFAULT-VALUE})")
    String objective;

    @Option(names = "--timesteps", defaultValue = "uniform", description = "training timesteps: uniform, or tqd (each clip's Beta law from its quality scores, SPEC §2.2) (default: ${DEFAULT-VALUE})")
    String timesteps;
    @Option(names = "--scores", paramLabel = "FILE.csv", description = "per-clip quality scores in vdiff score's CSV format (path,mq,vq or path,mq_raw,vq_raw; synthetic clips are named synthetic/<index>); default: score the training clips with vdiff's scorers")
    Path scores;
    @Option(names = "--kappa-base", defaultValue = "2", description = "TQD: Beta concentration where MQ = VQ; 2 = uniform there (default: ${DEFAULT-VALUE})")
    double kappaBase;
    @Option(names = "--kappa-max", defaultValue = "8", description = "TQD: concentration at |MQ - VQ| = 1 (default: ${DEFAULT-VALUE})")
    double kappaMax;
    @Option(names = "--quality-dropout", description = "none, rejection (keep a clip with probability max(MQ, VQ), redraw otherwise) or loss-weight (default: rejection with --timesteps tqd, else none)")
    String qualityDropout;
    @Option(names = "--score-normalization", defaultValue = "percentile", description = "how raw scores are mapped to [0, 1]: percentile or rank (default: ${DEFAULT-VALUE})")
    String scoreNormalization;

    @CommandLine.ArgGroup(exclusive = false, heading = "%nTPDiff temporal pyramid (SPEC §5):%n")
    PyramidOptions pyramidOptions;

    @Option(names = "--steps", description = "optimizer steps in total (default: 2000)")
    Long steps;
    @Option(names = "--batch", defaultValue = "8", description = "clips per step (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--warmup", defaultValue = "100", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    long warmup;
    @Option(names = "--weight-decay", defaultValue = "0.0", description = "AdamW weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "max global gradient norm, 0 = off (default: ${DEFAULT-VALUE})")
    double gradClip;
    @Option(names = "--ema-decay", defaultValue = "0.995", description = "EMA decay (default: ${DEFAULT-VALUE})")
    double emaDecay;
    @Option(names = "--class-dropout", defaultValue = "0.1", description = "probability of training a clip unconditionally, for guidance (default: ${DEFAULT-VALUE})")
    double classDropout;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the run: initialisation, data order, noise (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--train-clips", defaultValue = "4096", description = "size of the training set (default: ${DEFAULT-VALUE})")
    int trainClips;
    @Option(names = "--checkpoint-every", defaultValue = "500", description = "steps between checkpoints, 0 = only at the end (default: ${DEFAULT-VALUE})")
    long checkpointEvery;
    @Option(names = "--keep-checkpoints", defaultValue = "2", description = "newest checkpoints kept (default: ${DEFAULT-VALUE})")
    int keepCheckpoints;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Options that define a run and so cannot be given with --resume. */
    private static final List<String> RUN_OPTIONS = List.of("--data", "--size", "--frames", "--classes", "--backgrounds", "--color-by-class", "--data-seed", "--patch", "--ch0", "--ch1",
        "--heads", "--groups", "--emb", "--temporal-attention-level0", "--objective", "--batch", "--lr", "--warmup", "--weight-decay", "--grad-clip", "--ema-decay", "--class-dropout",
        "--seed", "--train-clips", "--checkpoint-every", "--keep-checkpoints", "--timesteps", "--scores", "--kappa-base", "--kappa-max", "--quality-dropout",
        "--score-normalization", "--pyramid", "--stages", "--step-weights", "--no-alignment", "--renoising", "--renoise-coefficient", "--stage-sampling",
        "--global-time", "--data-downsampling", "--noise-downsampling");

    @Override
    public Integer call() throws IOException {
        ThreadsOption.apply(threads);
        if ((out == null) == (resume == null)) throw new UserError("give either --out DIR (a new run) or --resume DIR (continue a run)");
        Path dir;
        RunSpec run;
        if (resume != null) {
            List<String> given = new ArrayList<>();
            for (String o : RUN_OPTIONS) if (spec.commandLine().getParseResult().hasMatchedOption(o)) given.add(o);
            if (!given.isEmpty()) throw new UserError(String.join(", ", given) + " cannot change on --resume (the run's settings are in " + resume.resolve(RunSpec.FILE) + "); only --steps and --threads may be given");
            dir = resume;
            run = RunSpec.read(dir);
            if (steps != null) run = run.withTrain(run.train().withSteps(steps));
        } else {
            dir = out;
            if (Files.exists(dir.resolve(RunSpec.FILE))) throw new UserError(dir + " already holds a run; continue it with --resume " + dir + " or choose another --out");
            run = newRun();
        }
        PrintStream err = System.err;
        VideoDataset dataset = run.data().open();
        // The methods' plug-ins (TQD's scores, timesteps and dropout; TPDiff's loss), from the run's sections.
        TrainingSetup setup = new TrainingSetup(run, dataset, dir, resume != null, err);
        for (TrainingMethod m : Catalog.trainingMethods(scores)) m.configure(setup);
        Denoiser model = Models.build(run.model(), DType.FLOAT32, Rng.seed(run.train().seed()).split(Trainer.MODEL_INIT));
        Trainer trainer = setup.build(model);
        Checkpoints checkpoints = new Checkpoints(RunSpec.checkpointsDir(dir), run.train().keepCheckpoints());
        if (resume != null) {
            Optional<Path> latest = checkpoints.latest();
            if (latest.isEmpty()) throw new UserError("no checkpoint to resume in " + checkpoints.dir());
            Checkpoints.load(latest.get(), trainer);
            err.println("vdiff train: resuming " + latest.get() + " at step " + trainer.stepsDone() + " of " + run.train().steps());
        } else {
            run.write(dir);
            err.printf(Locale.ROOT, "vdiff train: %s, %,d parameters, %s data %dx%dx%d, %d steps of %d clips, %s, %d threads%n", run.model().describe(),
                model.module().parameterCount(), run.data().source(), run.data().frames(), run.data().height(), run.data().width(),
                run.train().steps(), run.train().batchSize(), TimestepSettings.of(run).describe(), Parallel.threads());
            if (PyramidJson.of(run) != null) err.println("vdiff train: temporal pyramid " + PyramidJson.of(run).stages());
        }
        try (TrainProgress progress = new TrainProgress("train", err, trainer.stepsDone(), run.train().steps(),
                Duration.ofMillis((long) (trainer.elapsedSeconds() * 1000)), 10)) {
            trainer.run(run.train().steps(), checkpoints, progress);
        } catch (TrainingDivergedException e) {
            throw new UserError(e.getMessage());
        }
        if (!trainer.losses().isEmpty()) LossChart.write(dir.resolve("loss.png"), trainer.losses(), "training loss");
        List<Double> l = trainer.losses();
        double last = 0;
        int n = Math.min(50, l.size());
        for (int i = l.size() - n; i < l.size(); i++) last += l.get(i) / n;
        spec.commandLine().getOut().printf(Locale.ROOT, "trained %d steps in %.0f s; mean loss of the last %d steps %.4f; checkpoint %s%n",
            trainer.stepsDone(), trainer.elapsedSeconds(), n, last, checkpoints.latest().map(Path::toString).orElse("-"));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private RunSpec newRun() {
        List<BackgroundKind> bg = new ArrayList<>();
        for (String b : backgrounds) bg.add(DataSpec.parseBackground(b));
        DataSpec d = data.equals(DataSpec.SYNTHETIC)
            ? DataSpec.synthetic(frames, size, size, classes, dataSeed, 0.6 * size / 16, 1.2 * size / 16, 0.0, bg, colorByClass)
            : DataSpec.folder(folder(data), frames, size, size, classes, 1);
        if (d.isSynthetic() && classes < 1) throw new UserError("--classes must be >= 1 for synthetic data, got " + classes);
        ModelSpec m = new ModelSpec(frames, 3, patch, ch0, ch1, heads, groups, classes, 64, emb, temporal0);
        Models.config(m);   // size errors now, before anything is written
        Models.checkSize(m, size, size);
        TrainConfig t = new TrainConfig(steps == null ? 2000 : steps, batch, lr, warmup, weightDecay, gradClip, emaDecay, classDropout, seed,
            trainClips, checkpointEvery, keepCheckpoints);
        TimestepSettings ts = timestepSettings();
        RunSpec run = ts.into(new RunSpec(m, d, Objective.parse(objective), t));
        if (pyramidOptions == null) return run;
        if (ts.sampler() != TimestepSettings.Sampler.UNIFORM || ts.dropout() == DropoutMode.LOSS_WEIGHT) {
            throw new UserError("--pyramid draws its own stages and times: it cannot be combined with --timesteps tqd or --quality-dropout loss-weight");
        }
        return PyramidJson.into(run, pyramidOptions.config(run));
    }

    /** --timesteps, --kappa-base, --kappa-max, --quality-dropout, --score-normalization, checked. */
    private TimestepSettings timestepSettings() {
        TimestepSettings.Sampler sampler;
        DropoutMode dropout;
        ScoreNormalization norm;
        try {
            sampler = TimestepSettings.Sampler.parse(timesteps);
        } catch (IllegalArgumentException e) {
            throw new UserError("--timesteps must be uniform or tqd, got " + timesteps);
        }
        try {
            dropout = qualityDropout == null ? (sampler == TimestepSettings.Sampler.TQD ? DropoutMode.REJECTION : DropoutMode.NONE) : DropoutMode.parse(qualityDropout);
        } catch (IllegalArgumentException e) {
            throw new UserError("--quality-dropout must be none, rejection or loss-weight, got " + qualityDropout);
        }
        try {
            norm = ScoreNormalization.parse(scoreNormalization);
        } catch (IllegalArgumentException e) {
            throw new UserError("--score-normalization must be percentile or rank, got " + scoreNormalization);
        }
        if (!(kappaBase > 0) || Double.isInfinite(kappaBase)) throw new UserError("--kappa-base must be a finite number > 0, got " + kappaBase);
        if (!(kappaMax >= kappaBase) || Double.isInfinite(kappaMax)) throw new UserError("--kappa-max must be finite and >= --kappa-base (" + kappaBase + "), got " + kappaMax);
        boolean needs = sampler == TimestepSettings.Sampler.TQD || dropout != DropoutMode.NONE;
        if (!needs && scores != null) throw new UserError("--scores is only used with --timesteps tqd or a --quality-dropout; this run uses neither");
        if (scores != null && !Files.isRegularFile(scores)) throw new UserError("--scores " + scores + ": no such file");
        return new TimestepSettings(sampler, new TqdConfig(kappaBase, kappaMax), dropout, norm, needs ? TimestepSettings.SCORES_FILE : null);
    }

    private static Path folder(String s) {
        Path p = Path.of(s);
        if (!Files.isDirectory(p)) throw new UserError("--data " + s + ": not 'synthetic' and not a folder");
        return p;
    }
}
