package dev.vdiff.cli;

import dev.vdiff.reference.mcm.McmRunSettings;
import dev.vdiff.reference.mcm.McmStudentRun;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunFolder;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The MCM part of {@code vdiff distill} ({@code --method mcm}, SPEC §4): its own options (a picocli mixin of
 * {@link DistillCommand}) and the run, through {@link McmStudentRun}. Options shared with the other method
 * ({@code --teacher --teacher-checkpoint --out --resume --steps --batch --lr --seed --omega-min --omega-max --target
 * --checkpoint-every --keep-checkpoints --threads}) are read from the command; the other method's own options are
 * refused with {@code --method mcm}, and these with the other method ({@link #refuseUnless}).
 */
public final class McmDistillOptions {
    /** The options of {@code DistillCommand} that {@code --method mcm} reads. */
    static final Set<String> SHARED = Set.of("--method", "--teacher", "--teacher-checkpoint", "--out", "--resume", "--steps", "--batch", "--lr", "--seed",
        "--omega-min", "--omega-max", "--target", "--checkpoint-every", "--keep-checkpoints", "--threads");
    /** The options declared here. */
    static final Set<String> OWN = Set.of("--images", "--image-clips", "--representation", "--lora-rank", "--lora-alpha", "--lora-temporal", "--p-gen",
        "--disc-loss", "--lambda-adv", "--lambda-gp", "--adaptive-gp", "--disc-lr");

    @Option(names = "--images", paramLabel = "DIR|synthetic", description = "mcm: the high-quality images of the frame discriminator: synthetic (clean frames of the generator at the teacher's size and classes) "
        + "or a folder of image files (png, jpg, bmp; resized to the teacher's frame size), labelled by DIR/captions.csv (path,caption,label) or class subfolders "
        + "(DIR/0/..., DIR/circle/...), or unlabelled (images directly in DIR serve every class) (default: synthetic)")
    String images;
    @Option(names = "--image-clips", description = "mcm: synthetic clips rendered, or image files read (the first in path order), once as the image pool (default: 200)")
    Integer imageClips;
    @Option(names = "--representation", description = "mcm: the motion representation g: raw (plain LCM), diff, freq_low, freq_high, learn (the released head, EMA 0.95) (default: learn)")
    String representation;
    @Option(names = "--lora-rank", description = "mcm: LoRA rank of the student's linear and conv layers; 0 = train the whole student (default: 8; released 64)")
    Integer loraRank;
    @Option(names = "--lora-alpha", description = "mcm: LoRA alpha, scale alpha / rank (default: the rank)")
    Double loraAlpha;
    @Option(names = "--lora-temporal", description = "mcm: also adapt the temporal layers (released: no)")
    boolean loraTemporal;
    @Option(names = "--p-gen", description = "mcm: mixed trajectories, chance per step that the clean clip is the student's one-step generation (default: 0.5)")
    Double pGen;
    @Option(names = "--disc-loss", description = "mcm: wgan (clipped, released) or hinge (default: wgan)")
    String discLoss;
    @Option(names = "--lambda-adv", description = "mcm: weight of the adversarial loss; 0 = no discriminator (default: 1)")
    Double lambdaAdv;
    @Option(names = "--lambda-gp", description = "mcm: gradient-penalty weight (default: 1e-5)")
    Double lambdaGp;
    @Option(names = "--adaptive-gp", negatable = true, description = "mcm: multiply lambda_gp by 5 when GP >= 100, at most every 500 steps (default: on)")
    Boolean adaptiveGp;
    @Option(names = "--disc-lr", description = "mcm: the discriminator's AdamW learning rate (default: 1e-4)")
    Double discLr;

    /** Refuses this mixin's options when the method is not mcm (an option is never accepted and ignored). */
    static void refuseUnless(String method, CommandLine.Model.CommandSpec spec) {
        List<String> given = matched(spec, OWN);
        if (!given.isEmpty()) throw new UserError(String.join(", ", given) + " belong to --method mcm, not --method " + method);
    }

    private static List<String> matched(CommandLine.Model.CommandSpec spec, Set<String> names) {
        List<String> out = new ArrayList<>();
        for (var o : spec.options()) {
            String n = o.longestName();
            if (names.contains(n) && spec.commandLine().getParseResult().hasMatchedOption(n)) out.add(n);
        }
        return out;
    }

    /** Runs {@code vdiff distill --method mcm} with the command's shared options. */
    int run(DistillCommand c) throws IOException {
        CommandLine.Model.CommandSpec spec = c.spec;
        List<String> foreign = new ArrayList<>();
        for (var o : spec.options()) {
            String n = o.longestName();
            if (!SHARED.contains(n) && !OWN.contains(n) && spec.commandLine().getParseResult().hasMatchedOption(n)) foreign.add(n);
        }
        if (!foreign.isEmpty()) throw new UserError(String.join(", ", foreign) + " do not apply to --method mcm");
        if ((c.out == null) == (c.resume == null)) throw new UserError("give either --out DIR (a new student) or --resume DIR (continue one)");
        PrintStream err = System.err;
        McmStudentRun run;
        if (c.resume != null) {
            List<String> given = new ArrayList<>(matched(spec, OWN));
            for (String n : matched(spec, SHARED)) if (!List.of("--resume", "--steps", "--threads", "--method").contains(n)) given.add(n);
            if (!given.isEmpty()) throw new UserError(String.join(", ", given) + " cannot change on --resume (the settings are in " + c.resume.resolve(McmRunSettings.FILE) + "); only --steps and --threads may be given");
            run = McmStudentRun.resume(c.resume, c.steps);
            err.printf(Locale.ROOT, "vdiff distill: resuming %s at step %d of %d%n", c.resume, run.trainer().stepsDone(), run.settings().steps());
        } else {
            if (c.teacher == null) throw new UserError("--teacher RUN is required for a new student");
            if (!Files.exists(c.out.resolve(McmRunSettings.FILE))) RunFolder.checkNew(c.out, "--out");   // a user's files: refused before anything is written
            McmRunSettings s = settings(c);
            try {
                run = McmStudentRun.create(c.out, s, Checkpoints.emaWeights(teacherCheckpoint(c)));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            err.printf(Locale.ROOT, "vdiff distill: MCM student of %s, g = %s, LoRA %s, p_gen %s, discriminator %s (lambda_adv %s, lambda_gp %s%s), target %s, %d steps of %d clips, %d threads%n",
                s.teacher(), s.representation(), s.loraRank() == 0 ? "off (whole student)" : "rank " + s.loraRank() + " alpha " + s.loraAlpha(), s.pGen(), s.loss(),
                s.lambdaAdv(), s.lambdaGp(), s.adaptiveGp() ? " adaptive" : "", s.target(), s.steps(), s.batch(), Parallel.threads());
        }
        run.run(err);
        spec.commandLine().getOut().printf(Locale.ROOT, "distilled %d steps; checkpoints in %s%n", run.trainer().stepsDone(), (c.out != null ? c.out : c.resume).resolve("checkpoints"));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private McmRunSettings settings(DistillCommand c) throws IOException {
        RunSpec t;
        try {
            t = RunSpec.read(c.teacher);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError("--teacher " + c.teacher + ": not a vdiff train run (no " + RunSpec.FILE + ")");
        }
        if (t.objective() != Objective.EPSILON && t.objective() != Objective.V) throw new UserError("--teacher " + c.teacher + ": the teacher must predict eps or v (vdiff train --objective eps|v), it uses " + t.objective().cliName);
        for (var m : Catalog.trainingMethods(null)) {
            if (m.sampler(t) != null || m.network(t, Map.of()) != null) throw new UserError("--teacher " + c.teacher + ": the teacher must be a plain vdiff train run; it is a '" + m.section() + "' run");
        }
        if (t.model().classes() < 1) throw new UserError("--teacher " + c.teacher + ": the teacher is unconditional; classifier-free guidance and the discriminator's projection need class labels");
        String img = images == null ? "synthetic" : images;
        if (!"synthetic".equals(img) && !Files.isDirectory(Path.of(img))) throw new UserError("--images " + img + ": neither 'synthetic' nor a folder");
        int rank = loraRank == null ? 8 : loraRank;
        if (rank < 0) throw new UserError("--lora-rank must be >= 0, got " + rank);
        McmRunSettings s = new McmRunSettings(c.teacher.toAbsolutePath().normalize().toString(), t.model(), t.data(), img, imageClips == null ? 200 : imageClips,
            c.steps == null ? 500 : c.steps, c.batch, c.checkpointEvery, c.keepCheckpoints, representation == null ? "learn" : representation, rank,
            loraAlpha == null ? rank : loraAlpha, loraTemporal, pGen == null ? 0.5 : pGen, discLoss == null ? "wgan" : discLoss, lambdaAdv == null ? 1 : lambdaAdv,
            lambdaGp == null ? 1e-5 : lambdaGp, adaptiveGp == null || adaptiveGp, c.target, c.lr, discLr == null ? 1e-4 : discLr, c.omegaMin, c.omegaMax, c.seed,
            t.objective(), t.noise());
        try {
            s.config();   // every option checked now, with its own message
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (s.steps() < 1 || s.batch() < 1 || s.imageClips() < 1 || s.keepCheckpoints() < 1 || s.checkpointEvery() < 0) {
            throw new UserError("--steps, --batch, --image-clips and --keep-checkpoints must be >= 1 and --checkpoint-every >= 0");
        }
        return s;
    }

    private static Path teacherCheckpoint(DistillCommand c) throws IOException {
        Checkpoints tc = new Checkpoints(RunSpec.checkpointsDir(c.teacher), 1);
        Path ckpt = c.teacherCheckpoint == null ? tc.latest().orElseThrow(() -> new UserError("--teacher " + c.teacher + ": no checkpoint (train it first)"))
            : tc.dir().resolve(Checkpoints.name(c.teacherCheckpoint));
        if (!Files.isDirectory(ckpt)) throw new UserError("--teacher-checkpoint " + c.teacherCheckpoint + ": no " + ckpt);
        return ckpt;
    }
}
