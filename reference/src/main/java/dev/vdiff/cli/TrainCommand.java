package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.tqd.DropoutMode;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.tqd.train.TimestepSettings;
import dev.vdiff.reference.tpdiff.PyramidConfig;
import dev.vdiff.reference.tpdiff.PyramidJson;
import dev.vdiff.reference.train.BackendSection;
import dev.vdiff.reference.train.CaptionSpec;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.Conditioning;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.LossChart;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunFolder;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.ScheduleSpec;
import dev.vdiff.reference.train.StopOnSignal;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingMethod;
import dev.vdiff.reference.train.TrainingSetup;
import dev.vdiff.reference.train.TrainingDivergedException;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.parallel.Parallel;
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
    description = "Trains a small video diffusion model (epsilon/v-prediction DDPM or flow matching; conditioned on captions, class labels or nothing, decided from the data) "
        + "with AdamW, gradient clipping, EMA and warm-up; checkpoints atomically; --resume continues bit for bit.")
public final class TrainCommand implements CliCommand {
    @Option(names = "--out", paramLabel = "DIR", description = "new run folder (run.json, checkpoints/, loss.png)")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run in DIR from its newest checkpoint")
    Path resume;

    @Option(names = "--data", paramLabel = "SRC", defaultValue = "synthetic", description = "'synthetic' (built-in moving shapes) or a folder of videos: every mp4, m4v, mov, mkv, webm, avi, gif, mpg, mpeg, ogv, flv, wmv or ts file under it; "
        + "--frames frames from the start, centre-cropped and resized to --size; captions and labels from FOLDER/captions.csv (rows path,caption[,label]) or --captions; see docs/DATA.md (default: ${DEFAULT-VALUE})")
    String data;
    @Option(names = "--size", defaultValue = "16", description = "clip height and width in pixels (default: ${DEFAULT-VALUE})")
    int size;
    @Option(names = "--frames", defaultValue = "8", description = "frames per clip (default: ${DEFAULT-VALUE})")
    int frames;
    @Option(names = "--condition", defaultValue = "auto", description = "what the model is conditioned on: captions (text encoder + cross-attention), labels, none, "
        + "or auto: labels for synthetic data; for a folder captions if its CSV has any, else labels if any, else none (default: ${DEFAULT-VALUE}); see docs/DATA.md")
    String condition;
    @Option(names = "--captions", paramLabel = "FILE.csv", description = "a folder's captions and labels, rows path,caption[,label] with paths relative to the --data folder (default: DATA/captions.csv if present)")
    Path captions;
    @Option(names = "--classes", description = "class labels: synthetic 1..5 (shape) or 10..35 (shape x colour), default 5; a folder's labels come from its CSV (default: largest + 1); 0 = unconditional")
    Integer classes;
    @Option(names = "--backgrounds", defaultValue = "flat,gradient", split = ",", description = "synthetic backgrounds allowed: flat, gradient, stripes, noise (default: ${DEFAULT-VALUE})")
    List<String> backgrounds;
    @Option(names = "--color-by-class", description = "synthetic: each shape kind in its own colour (square red, circle green, ...) instead of a random one")
    boolean colorByClass;
    @Option(names = "--data-seed", defaultValue = "0", description = "synthetic data seed (default: ${DEFAULT-VALUE})")
    long dataSeed;

    @Option(names = "--patch", defaultValue = "1", description = "pixels per side folded into channels before the UNet, 1 = none (default: ${DEFAULT-VALUE}; "
        + "2 makes a step about 2.4x cheaper but learned about 3x slower per step in the demo's runs, and an eps run with 2x2 patches samples a checkerboard)")
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
    @Option(names = "--zero-terminal-snr", description = "rescale the noise schedule so that t = 999 is pure noise (Lin et al. 2024, Algorithm 1); needs --objective v. "
        + "Without it the network can read a clip's mean colour from the 7%% of signal left at t = 999, which sampling from pure noise lacks")
    boolean zeroTerminalSnr;

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

    @Option(names = "--steps", description = "optimizer steps in total (default: " + TrainConfig.DEFAULT_STEPS + ")")
    Long steps;
    @Option(names = "--batch", defaultValue = "" + TrainConfig.DEFAULT_BATCH_SIZE, description = "clips per step (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--lr", defaultValue = "" + TrainConfig.DEFAULT_LR, description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--warmup", description = "linear warm-up steps (default: " + TrainConfig.DEFAULT_WARMUP_STEPS + ", or a tenth of --steps when that is fewer, so that a short run reaches its learning rate)")
    Long warmup;
    @Option(names = "--weight-decay", defaultValue = "" + TrainConfig.DEFAULT_WEIGHT_DECAY, description = "AdamW weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--grad-clip", defaultValue = "" + TrainConfig.DEFAULT_GRAD_CLIP, description = "max global gradient norm, 0 = off (default: ${DEFAULT-VALUE})")
    double gradClip;
    @Option(names = "--ema-decay", defaultValue = "" + TrainConfig.DEFAULT_EMA_DECAY, description = "EMA decay (default: ${DEFAULT-VALUE})")
    double emaDecay;
    @Option(names = "--class-dropout", defaultValue = "" + TrainConfig.DEFAULT_CLASS_DROPOUT, description = "probability of training a clip unconditionally, for guidance (default: ${DEFAULT-VALUE})")
    double classDropout;
    @Option(names = "--min-snr-gamma", defaultValue = "0", description = "weight each sample's loss by min(SNR+1, gamma)/(SNR+1) for v, min(SNR, gamma)/SNR for eps, capping the "
        + "low-noise timesteps (after Min-SNR-gamma, Hang et al. 2023; 5 is their choice); 0 = off (default: ${DEFAULT-VALUE})")
    double minSnrGamma;
    @Option(names = "--seed", defaultValue = "" + TrainConfig.DEFAULT_SEED, description = "seed of the run: initialisation, data order, noise (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--train-clips", defaultValue = "" + TrainConfig.DEFAULT_TRAIN_CLIPS, description = "size of the training set (default: ${DEFAULT-VALUE})")
    int trainClips;
    @Option(names = "--checkpoint-every", defaultValue = "" + TrainConfig.DEFAULT_CHECKPOINT_EVERY, description = "steps between checkpoints, 0 = only at the end (default: ${DEFAULT-VALUE})")
    long checkpointEvery;
    @Option(names = "--keep-checkpoints", defaultValue = "" + TrainConfig.DEFAULT_KEEP_CHECKPOINTS, description = "newest checkpoints kept (default: ${DEFAULT-VALUE})")
    int keepCheckpoints;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;
    @Option(names = "--backend", defaultValue = "jvm", paramLabel = "jvm|tornado", description = BackendOption.DESCRIPTION
        + "; may be given with --resume, which continues bit for bit on the backend the run started on")
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Options that define a run and so cannot be given with --resume. */
    private static final List<String> RUN_OPTIONS = List.of("--data", "--condition", "--captions", "--size", "--frames", "--classes", "--backgrounds", "--color-by-class", "--data-seed", "--patch", "--ch0", "--ch1",
        "--heads", "--groups", "--emb", "--temporal-attention-level0", "--objective", "--zero-terminal-snr", "--batch", "--lr", "--warmup", "--weight-decay", "--grad-clip", "--ema-decay", "--class-dropout", "--min-snr-gamma",
        "--seed", "--train-clips", "--checkpoint-every", "--keep-checkpoints", "--timesteps", "--scores", "--kappa-base", "--kappa-max", "--quality-dropout",
        "--score-normalization", "--pyramid", "--stages", "--step-weights", "--no-alignment", "--renoising", "--renoise-coefficient", "--stage-sampling",
        "--global-time", "--data-downsampling", "--noise-downsampling");

    @Override
    public Integer call() throws IOException {
        ThreadsOption.apply(threads);
        Device device = BackendOption.device(backend);
        if ((out == null) == (resume == null)) throw new UserError("give either --out DIR (a new run) or --resume DIR (continue a run)");
        Path dir;
        RunSpec run;
        if (resume != null) {
            List<String> given = new ArrayList<>();
            for (String o : RUN_OPTIONS) if (spec.commandLine().getParseResult().hasMatchedOption(o)) given.add(o);
            if (!given.isEmpty()) throw new UserError(String.join(", ", given) + " cannot change on --resume (the run's settings are in " + resume.resolve(RunSpec.FILE) + "); only --steps and --threads may be given");
            dir = resume;
            run = RunFolder.withSteps(UserInput.check(null, () -> RunSpec.read(dir)), steps);
        } else {
            dir = out;
            RunFolder.checkNew(dir, "--out");
            run = BackendSection.into(UserInput.check(null, this::newRun), device);
        }
        PrintStream err = System.err;
        // Everything that can fail on bad input happens before the first file is written.
        RunSpec r = run;
        VideoDataset dataset = opened != null ? opened : UserInput.check(null, () -> r.data().open());
        if (decided == null) decided = Conditioning.of(run);
        Checkpoints checkpoints = new Checkpoints(RunSpec.checkpointsDir(dir), run.train().keepCheckpoints());
        Optional<Path> latest = resume == null ? Optional.empty() : checkpoints.latest();
        // The methods' plug-ins (TQD's scores, timesteps and dropout; TPDiff's loss), from the run's sections.
        TrainingSetup setup = new TrainingSetup(run, dataset, dir, latest.isPresent(), err);
        for (TrainingMethod m : Catalog.trainingMethods(scores)) UserInput.check(null, () -> {
            m.configure(setup);
            return null;
        });
        Denoiser model = Models.moveTo(Models.build(run, DType.FLOAT32, Rng.seed(run.train().seed()).split(Trainer.MODEL_INIT)), device);
        if (!device.isJvm()) err.println("vdiff train: backend " + device.name() + " (" + device.kernels().description() + ")");
        Trainer trainer = UserInput.check(null, () -> setup.build(model));
        int stale = checkpoints.removeUnfinished();
        if (stale > 0) err.println("vdiff train: removed " + stale + " unfinished checkpoint folder(s) left by a killed run in " + checkpoints.dir());
        if (latest.isPresent()) {
            UserInput.check(null, () -> {
                Checkpoints.load(latest.get(), trainer);
                return null;
            });
            if (steps != null) run.write(dir);   // the new total is part of the run from now on
            err.println("vdiff train: resuming " + latest.get() + " at step " + trainer.stepsDone() + " of " + run.train().steps());
            String w = BackendSection.resumeWarning(run, device);
            if (w != null) err.println(w);
        } else {
            run.write(dir);
            if (resume != null) err.println("vdiff train: " + checkpoints.dir() + " holds no checkpoint yet; starting " + dir + " from step 0");
            err.printf(Locale.ROOT, "vdiff train: %s, %,d parameters, %s data %dx%dx%d, %d steps of %d clips, %s, %s, %d threads%n", run.model().describe(),
                model.module().parameterCount(), run.data().source(), run.data().frames(), run.data().height(), run.data().width(),
                run.train().steps(), run.train().batchSize(), describeTimesteps(run), run.noise().describe(), Parallel.threads());
            String w = epsPatchWarning(run);
            if (w != null) err.println(w);
            PyramidConfig p = PyramidJson.of(run);
            if (p != null) err.println("vdiff train: temporal pyramid " + p.stages());
        }
        err.println("vdiff train: " + decided.describe() + (CaptionSpec.of(run) == null ? "" : "; " + CaptionSpec.of(run).describe()));
        try (StopOnSignal stop = new StopOnSignal(err, 600)) {
            try (TrainProgress progress = new TrainProgress("train", err, trainer.stepsDone(), run.train().steps(),
                    Duration.ofMillis((long) (trainer.elapsedSeconds() * 1000)), 10)) {
                trainer.run(run.train().steps(), checkpoints, progress, stop);
            } catch (TrainingDivergedException e) {
                throw new UserError(e.getMessage());
            }
            if (stop.getAsBoolean()) {
                err.println("vdiff train: stopped at step " + trainer.stepsDone() + " of " + run.train().steps() + "; checkpoint " + checkpoints.latest().map(Path::toString).orElse("-")
                    + "; continue with: vdiff train --resume " + dir);
            }
            finish(dir, trainer, checkpoints);
        }
        return 0;
    }

    /**
     * The one-line warning for an eps-prediction run with {@code p x p} patches ({@code p >= 2}), or null. Measured
     * (docs/experiments/turbo.md): {@code --objective eps} with 2x2 patches samples a period-2 checkerboard of
     * saturated colours, the same run with {@code --patch 1} (or {@code --objective v}) draws shapes. Leading
     * explanation: x0 = (z - s_t eps) / a_t multiplies the predicted noise's error by s_T / a_T (about 15 for the
     * scaled-linear schedule) at the first sampling steps, and a patched network's error differs by position inside
     * the patch (one output channel per position), so it repeats with the patch's period.
     */
    static String epsPatchWarning(RunSpec run) {
        if (run.objective() != Objective.EPSILON || run.model().patch() < 2) return null;
        int p = run.model().patch();
        return "vdiff train: warning: --objective eps with --patch " + p + " is known to sample a period-" + p + " checkerboard (the eps error, amplified ~15x "
            + "into x0 at high noise, repeats with the patch); prefer --patch 1 or --objective v (docs/experiments/turbo.md)";
    }

    private void finish(Path dir, Trainer trainer, Checkpoints checkpoints) throws IOException {
        if (!trainer.losses().isEmpty()) LossChart.write(dir.resolve("loss.png"), trainer.losses(), "training loss");
        List<Double> l = trainer.losses();
        double last = 0;
        int n = Math.min(50, l.size());
        for (int i = l.size() - n; i < l.size(); i++) last += l.get(i) / n;
        spec.commandLine().getOut().printf(Locale.ROOT, "trained %d steps in %.0f s; mean loss of the last %d steps %.4f; checkpoint %s%n",
            trainer.stepsDone(), trainer.elapsedSeconds(), n, last, checkpoints.latest().map(Path::toString).orElse("-"));
        spec.commandLine().getOut().flush();
    }

    /** What conditions the run (decided for a new run, read back on resume). */
    private Conditioning decided;

    /** The data set opened while deciding a new run (reused so that a folder is probed once). */
    private VideoDataset opened;

    private RunSpec newRun() throws IOException {
        List<BackgroundKind> bg = new ArrayList<>();
        for (String b : backgrounds) bg.add(DataSpec.parseBackground(b));
        int k = classes == null ? 0 : classes;
        if (captions != null && data.equals(DataSpec.SYNTHETIC)) throw new UserError("--captions is for a folder of videos; synthetic clips caption themselves (use --condition captions)");
        if (captions != null && !Files.isRegularFile(captions)) throw new UserError("--captions " + captions + ": no such file");
        DataSpec d = data.equals(DataSpec.SYNTHETIC)
            ? DataSpec.synthetic(frames, size, size).withClasses(k).withSeed(dataSeed).withSpeeds(0.6 * size / 16, 1.2 * size / 16).withStaticProbability(0)
                .withBackgrounds(bg).withColorByClass(colorByClass)
            : DataSpec.folder(folder(data), frames, size, size, k, 1).withCaptionsFile(captions);
        TimestepSettings ts = timestepSettings();
        refuseOptionsThatDoNotApply(d.isSynthetic(), ts);
        // What conditions the model, from the data (captions? labels?) and --condition/--classes: before anything is written.
        VideoDataset ds = d.open();
        long n = Math.min(trainClips, ds.size());
        decided = Conditioning.decide(condition, classes, d, ds, n);
        d = d.withClasses(decided.classes());
        opened = d.isSynthetic() ? null : ds;
        ModelSpec m = ModelSpec.defaults().withFrames(frames).withPatch(patch).withCh0(ch0).withCh1(ch1).withHeads(heads)
            .withGroups(groups).withClasses(decided.classes()).withEmbDim(emb).withTemporal0(temporal0);
        Models.config(m);   // size errors now, before anything is written
        Models.checkSize(m, size, size);
        long total = steps == null ? TrainConfig.DEFAULT_STEPS : steps;
        TrainConfig t = TrainConfig.defaults().withSteps(total).withBatchSize(batch).withLr(lr)
            .withWarmupSteps(warmup != null ? warmup : Math.min(TrainConfig.DEFAULT_WARMUP_STEPS, total / 10)).withWeightDecay(weightDecay)
            .withGradClip(gradClip).withEmaDecay(emaDecay).withClassDropout(classDropout).withMinSnrGamma(minSnrGamma)
            .withSeed(seed).withTrainClips(trainClips).withCheckpointEvery(checkpointEvery).withKeepCheckpoints(keepCheckpoints);
        RunSpec run = ts.into(new RunSpec(m, d, Objective.parse(objective), zeroTerminalSnr ? ScheduleSpec.ZERO_TERMINAL_SNR : ScheduleSpec.VC2, t, java.util.Map.of()));
        if (decided.kind() == Conditioning.Kind.CAPTIONS) run = CaptionSpec.into(run, CaptionSpec.fromData(ds, n));
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

    private static String describeTimesteps(RunSpec run) {
        return TimestepSettings.of(run).describe();
    }

    /** An option the run would not use is an error, never silently ignored. */
    private void refuseOptionsThatDoNotApply(boolean synthetic, TimestepSettings ts) {
        if (!synthetic) {
            List<String> given = given("--backgrounds", "--color-by-class", "--data-seed");
            if (!given.isEmpty()) throw new UserError(String.join(", ", given) + (given.size() == 1 ? " applies" : " apply") + " to --data synthetic only, not to the video folder " + data);
        }
        if (ts.sampler() != TimestepSettings.Sampler.TQD) {
            List<String> given = given("--kappa-base", "--kappa-max");
            if (!given.isEmpty()) throw new UserError(String.join(", ", given) + " shape" + (given.size() == 1 ? "s" : "") + " TQD's timestep law and need" + (given.size() == 1 ? "s" : "") + " --timesteps tqd (this run draws uniform timesteps)");
        }
        if (!ts.needsScores() && !given("--score-normalization").isEmpty()) {
            throw new UserError("--score-normalization applies to quality scores: it needs --timesteps tqd or a --quality-dropout (this run uses neither)");
        }
    }

    /** The options among {@code names} that the user gave. */
    private List<String> given(String... names) {
        List<String> l = new ArrayList<>();
        for (String o : names) if (spec.commandLine().getParseResult().hasMatchedOption(o)) l.add(o);
        return l;
    }

    /** The data folder as an absolute path, so that run.json resolves from any working directory. */
    private static Path folder(String s) {
        Path p = Path.of(s);
        if (!Files.isDirectory(p)) throw new UserError("--data " + s + ": not 'synthetic' and not a folder");
        return p.toAbsolutePath().normalize();
    }
}
