package dev.vdiff.cli;

import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.LossChart;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunFolder;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingDivergedException;
import dev.vdiff.reference.turbo.TurboRuns;
import dev.vdiff.reference.turbo.TurboMethod;
import dev.vdiff.reference.turbo.TurboSettings;
import dev.vdiff.reference.turbo.reward.RewardCheckpoint;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.parallel.Parallel;
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
import java.util.Map;

/**
 * {@code vdiff distill --method turbo --teacher RUN --out DIR}: distils a few-step student from a teacher that
 * {@code vdiff train} made (T2V-Turbo-v2, SPEC §3), through the generic trainer ({@link TurboMethod} supplies the
 * loss): the student run folder has the layout of a training run ({@code run.json} with a {@code "turbo"}
 * section, {@code checkpoints/}, {@code loss.png}) plus copies of the teacher's weights and the reward models, and
 * {@code vdiff sample --run DIR --sampler lcm --steps 4} samples it. {@code --resume DIR} continues bit for bit.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Distils a few-step student from a vdiff train run (T2V-Turbo-v2: CFG- and motion-guided DDIM solver, consistency loss "
        + "without target network, differentiable rewards); sample it with vdiff sample --run DIR --sampler lcm --steps 1|2|4|8.")
public final class DistillCommand implements CliCommand {
    @Option(names = "--method", required = true, description = "the distillation method: turbo (T2V-Turbo-v2) or mcm (MCM; its options are marked mcm:)")
    String method;
    @Option(names = "--teacher", paramLabel = "RUN", description = "the teacher: a vdiff train run folder (eps objective, scaled-linear schedule)")
    Path teacher;
    @Option(names = "--teacher-checkpoint", paramLabel = "STEP", description = "the teacher checkpoint's step (default: the newest); its EMA weights are used")
    Long teacherCheckpoint;
    @Option(names = "--out", paramLabel = "DIR", description = "a new student run folder (new or empty)")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "continue a student run (only --steps and --threads may be given with it)")
    Path resume;

    @Option(names = "--grid-points", defaultValue = "50", description = "N, the DDIM grid of the solver; one solver step (the skip k) is 1000/N timesteps; the paper's 200 (default: ${DEFAULT-VALUE}, toy scale)")
    int gridPoints;
    @Option(names = "--omega-min", defaultValue = "5", description = "omega ~ U[omega-min, omega-max] per sample, LCM convention x_c + omega (x_c - x_u) = Imagen scale - 1 (default: ${DEFAULT-VALUE})")
    double omegaMin;
    @Option(names = "--omega-max", defaultValue = "15", description = "(default: ${DEFAULT-VALUE})")
    double omegaMax;
    @Option(names = "--motion-strength", defaultValue = "0.05", description = "lambda_in of the motion guidance, fed to the solver and the student; the energy's 10^4 makes it the paper's lambda = 500; 0 = off (default: ${DEFAULT-VALUE})")
    double motionStrength;
    @Option(names = "--tau", defaultValue = "0.5", description = "motion guidance only for grid indices n >= (1 - tau) N (default: ${DEFAULT-VALUE})")
    double tau;
    @Option(names = "--motion-term", defaultValue = "released", description = "released (the code's e_T -= lambda sqrt(1 - sqrt(abar)) g) or paper (eq. 8: z_prev -= lambda g) (default: ${DEFAULT-VALUE})")
    String motionTerm;
    @Option(names = "--motion-layers", defaultValue = "decoder", description = "temporal attention layers of the energy: decoder, all, or names such as dec1_tattn,dec0_tattn (default: ${DEFAULT-VALUE})")
    String motionLayers;
    @Option(names = "--motion-threshold", defaultValue = "0", description = "clips whose optical-flow motion (mean Farnebäck flow length, pixels per frame; eval.FlowMotion) is below this get no motion guidance; 0 = all clips (default: ${DEFAULT-VALUE})")
    double motionThreshold;
    @Option(names = "--inversion-stride", defaultValue = "5", description = "DDIM inversion for z_ref over every stride-th grid point; 1 = all, as the code (default: ${DEFAULT-VALUE})")
    int inversionStride;
    @Option(names = "--target", defaultValue = "online", description = "online (v2: the student under stop-gradient, eq. 9) or ema (v1: an EMA target network, eq. 4) (default: ${DEFAULT-VALUE})")
    String target;
    @Option(names = "--target-decay", defaultValue = "0.95", description = "mu of the EMA target (default: ${DEFAULT-VALUE})")
    double targetDecay;
    @Option(names = "--image-reward", paramLabel = "FILE", description = "image reward model (vdiff reward train --kind image); without it the image reward is off")
    Path imageReward;
    @Option(names = "--video-reward", paramLabel = "FILE", description = "video reward model (vdiff reward train --kind video); without it the video reward is off")
    Path videoReward;
    @Option(names = "--beta-img", defaultValue = "0.2", description = "beta_img of J (eq. 10), with --image-reward (default: ${DEFAULT-VALUE})")
    double betaImg;
    @Option(names = "--beta-vid", defaultValue = "0.5", description = "beta_vid of J (eq. 10), with --video-reward (default: ${DEFAULT-VALUE})")
    double betaVid;
    @Option(names = "--image-frames", defaultValue = "2", description = "M, random frames the image reward scores (default: ${DEFAULT-VALUE})")
    int imageFrames;
    @Option(names = "--embedding-dim", defaultValue = "32", description = "D of emb(omega) and emb(lambda); the paper's 256 (default: ${DEFAULT-VALUE})")
    int embeddingDim;
    @Option(names = "--sample-omega", defaultValue = "7.5", description = "omega vdiff sample feeds the student by default (default: ${DEFAULT-VALUE})")
    double sampleOmega;
    @Option(names = "--sample-motion-strength", defaultValue = "0.05", description = "lambda vdiff sample feeds by default in the noisiest steps (default: ${DEFAULT-VALUE})")
    double sampleMotionStrength;
    @Option(names = "--sample-percentage", defaultValue = "0.3", description = "the noisiest fraction of the time range that gets it (default: ${DEFAULT-VALUE})")
    double samplePercentage;

    @Option(names = "--steps", description = "optimizer steps in total (default: 500)")
    Long steps;
    @Option(names = "--batch", defaultValue = "4", description = "clips per step (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--lr", defaultValue = "1e-4", description = "AdamW learning rate, constant; the paper's 1e-5 (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "max global gradient norm (default: ${DEFAULT-VALUE})")
    double gradClip;
    @Option(names = "--ema-decay", defaultValue = "0.99", description = "decay of the sampling EMA of the student's weights (default: ${DEFAULT-VALUE})")
    double emaDecay;
    @Option(names = "--seed", defaultValue = "0", description = "seed: student projections, data order, solver draws (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--train-clips", description = "size of the training set (default: the teacher's)")
    Integer trainClips;
    @Option(names = "--checkpoint-every", defaultValue = "100", description = "steps between checkpoints, 0 = only at the end (default: ${DEFAULT-VALUE})")
    long checkpointEvery;
    @Option(names = "--keep-checkpoints", defaultValue = "2", description = "newest checkpoints kept (default: ${DEFAULT-VALUE})")
    int keepCheckpoints;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @CommandLine.Mixin
    McmDistillOptions mcm;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ThreadsOption.apply(threads);
        if (method.equals("mcm")) return mcm.run(this);
        if (!method.equals("turbo")) throw new UserError("--method must be turbo (T2V-Turbo-v2) or mcm (MCM), got " + method);
        McmDistillOptions.refuseUnless(method, spec);
        if ((out == null) == (resume == null)) throw new UserError("give either --out DIR (a new student) or --resume DIR (continue one)");
        Path dir;
        if (resume != null) {
            List<String> given = new ArrayList<>();
            for (var o : spec.options()) {
                String n = o.longestName();
                if (spec.commandLine().getParseResult().hasMatchedOption(n) && !List.of("--resume", "--steps", "--threads", "--method").contains(n)) given.add(n);
            }
            if (!given.isEmpty()) throw new UserError(String.join(", ", given) + " cannot change on --resume (the settings are in " + resume.resolve(RunSpec.FILE) + "); only --steps and --threads may be given");
            dir = resume;
        } else {
            if (teacher == null) throw new UserError("--teacher RUN is required for a new student");
            dir = out;
            RunFolder.checkNew(dir, "--out");   // a run, or anything else (a user's files), is refused before anything is written
            newStudent(dir);
        }
        PrintStream err = System.err;
        TurboRuns.Opened o = TurboRuns.open(dir, resume != null, steps, err);
        RunSpec run = o.run();
        TurboSettings s = o.settings();
        Trainer trainer = o.trainer();
        Checkpoints checkpoints = o.checkpoints();
        if (resume != null) {
            err.println("vdiff distill: resuming at step " + trainer.stepsDone() + " of " + run.train().steps());
        } else {
            err.printf(Locale.ROOT, "vdiff distill: T2V-Turbo-v2 student of %s, %,d parameters, grid N = %d, omega ~ U[%s, %s], motion %s, target %s, rewards img %s vid %s, %d steps of %d clips, %d threads%n",
                s.teacher(), o.student().module().parameterCount(), s.gridPoints(), s.omegaMin(), s.omegaMax(), s.motionStrength() > 0 ? "lambda_in " + s.motionStrength() : "off",
                s.target(), s.betaImage(), s.betaVideo(), run.train().steps(), run.train().batchSize(), Parallel.threads());
        }
        try (TrainProgress progress = new TrainProgress("distill", err, trainer.stepsDone(), run.train().steps(),
                Duration.ofMillis((long) (trainer.elapsedSeconds() * 1000)), 10)) {
            trainer.run(run.train().steps(), checkpoints, progress);
        } catch (TrainingDivergedException e) {
            throw new UserError(e.getMessage());
        }
        if (!trainer.losses().isEmpty()) LossChart.write(dir.resolve("loss.png"), trainer.losses(), "distillation loss L = L_CD - J");
        spec.commandLine().getOut().printf(Locale.ROOT, "distilled %d steps in %.0f s; last loss %.5f; checkpoint %s%n", trainer.stepsDone(), trainer.elapsedSeconds(),
            trainer.losses().isEmpty() ? Double.NaN : trainer.losses().get(trainer.losses().size() - 1), checkpoints.latest().map(Path::toString).orElse("-"));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Checks the teacher, writes run.json and copies the teacher's and reward models' weights into {@code dir}. */
    private RunSpec newStudent(Path dir) throws IOException {
        RunSpec t;
        try {
            t = RunSpec.read(teacher);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError("--teacher " + teacher + ": not a vdiff train run (no " + RunSpec.FILE + ")");
        }
        if (t.objective() != Objective.EPSILON) throw new UserError("--teacher " + teacher + ": the teacher must predict epsilon (vdiff train --objective eps), it uses " + t.objective().cliName);
        for (var m : Catalog.trainingMethods(null)) {   // a teacher is sampled by the standard DDIM: no pyramid, no student
            if (m.sampler(t) != null || m.network(t, Map.of()) != null) {
                throw new UserError("--teacher " + teacher + ": the teacher must be a plain vdiff train run (eps objective, scaled-linear schedule); it is a '" + m.section() + "' run");
            }
        }
        if (t.model().classes() < 1) throw new UserError("--teacher " + teacher + ": the teacher is unconditional; classifier-free guidance needs class labels");
        Checkpoints tc = new Checkpoints(RunSpec.checkpointsDir(teacher), 1);
        Path ckpt = teacherCheckpoint == null ? tc.latest().orElseThrow(() -> new UserError("--teacher " + teacher + ": no checkpoint (train it first)"))
            : tc.dir().resolve(Checkpoints.name(teacherCheckpoint));
        if (!Files.isDirectory(ckpt)) throw new UserError("--teacher-checkpoint " + teacherCheckpoint + ": no " + ckpt);
        if (imageReward == null && spec.commandLine().getParseResult().hasMatchedOption("--beta-img") && betaImg > 0) throw new UserError("--beta-img needs --image-reward FILE");
        if (videoReward == null && spec.commandLine().getParseResult().hasMatchedOption("--beta-vid") && betaVid > 0) throw new UserError("--beta-vid needs --video-reward FILE");
        RewardCheckpoint.Loaded image = imageReward == null ? null : RewardCheckpoint.load(imageReward);
        RewardCheckpoint.Loaded video = videoReward == null ? null : RewardCheckpoint.load(videoReward);
        if (image != null && image.kind() != RewardCheckpoint.Kind.IMAGE) throw new UserError("--image-reward " + imageReward + " is a video reward model");
        if (video != null && video.kind() != RewardCheckpoint.Kind.VIDEO) throw new UserError("--video-reward " + videoReward + " is an image reward model");
        for (RewardCheckpoint.Loaded r : new RewardCheckpoint.Loaded[] {image, video}) {
            if (r != null && r.classes() != t.model().classes()) throw new UserError("reward model has " + r.classes() + " classes, the teacher " + t.model().classes());
        }
        if (video != null && t.data().frames() % video.frames() != 0) throw new UserError("--video-reward sees " + video.frames() + " frames, which must divide the clips' " + t.data().frames());
        GuidedDdimSolver.MotionTerm term;
        switch (motionTerm) {
            case "released": term = GuidedDdimSolver.MotionTerm.RELEASED_CODE; break;
            case "paper": term = GuidedDdimSolver.MotionTerm.PAPER_EQ8; break;
            default: throw new UserError("--motion-term must be released or paper, got " + motionTerm);
        }
        TurboSettings s;
        try {
            s = new TurboSettings(teacher.toAbsolutePath().normalize() + "/" + RunSpec.CHECKPOINTS + "/" + ckpt.getFileName(), gridPoints, omegaMin, omegaMax,
                motionStrength, tau, term, motionLayers, motionThreshold, inversionStride, target, targetDecay, image == null ? 0 : betaImg, video == null ? 0 : betaVid,
                imageFrames, video == null ? 4 : video.frames(), image == null ? "" : TurboSettings.IMAGE_REWARD_FILE, video == null ? "" : TurboSettings.VIDEO_REWARD_FILE,
                embeddingDim, sampleOmega, sampleMotionStrength, samplePercentage);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        TrainConfig tt = t.train();
        TrainConfig config = new TrainConfig(steps == null ? 500 : steps, batch, lr, 0, 0.0, gradClip, emaDecay, 0.0, seed,
            trainClips == null ? tt.trainClips() : trainClips, checkpointEvery, keepCheckpoints);
        RunSpec run = TurboRuns.create(dir, t, ckpt, s, config, imageReward, videoReward);
        return run;
    }
}
