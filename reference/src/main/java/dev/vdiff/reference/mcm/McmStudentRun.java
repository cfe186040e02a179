package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.data.ImageFolder;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.LossChart;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.reference.train.TrainingDivergedException;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Safetensors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A student run folder of {@code vdiff distill --method mcm}: {@code mcm.json} ({@link McmRunSettings}),
 * {@code teacher.safetensors} (the frozen teacher's weights, copied), {@code checkpoints/step-NNNNNNNN/} (the generic
 * trainer's checkpoints, {@code train.Checkpoints}: the student's weights, the AdamW state of the adapters and the
 * head, the step, data position and histories with the loss terms, and {@code mcm.safetensors},
 * {@link McmDistillation#checkpointState()}; written atomically, the newest kept), {@code lora.safetensors} (the
 * adapters by layer name, with LoRA), {@code loss.png}. The loop is the trainer's ({@link McmTraining}); a run resumed
 * from its newest checkpoint continues bit for bit.
 */
public final class McmStudentRun {
    static final String CHECKPOINTS = "checkpoints";
    /** The stream offset of the images of step {@code s}: {@code Rng.seed(seed).split(IMAGE_STREAM + s)}. */
    static final long IMAGE_STREAM = 1_000_000_000L;

    private final Path dir;
    private final McmRunSettings settings;
    private final McmDistillation distillation;
    private final Trainer trainer;
    private final Checkpoints checkpoints;

    private McmStudentRun(Path dir, McmRunSettings settings, Map<String, Tensor> teacherWeights) {
        this.dir = dir;
        this.settings = settings;
        McmConfig config = settings.config();
        VideoUNet unet = VideoUNet.load(Models.config(settings.model()), teacherWeights, DType.FLOAT32);
        this.distillation = new McmDistillation(new FrozenTeacher(unet), settings.objective().predictionType(), settings.noise().schedule(), config);
        VideoDataset clips = settings.data().open();
        ImagePool images = imagePool(settings, System.err);
        int n = (int) Math.min(clips.size(), Integer.MAX_VALUE);
        this.trainer = McmTraining.trainer(distillation, settings.objective(), clips, n, new McmTraining.Images(images, settings.seed(), IMAGE_STREAM),
            new McmTraining.Loop(settings.steps(), settings.batch(), settings.checkpointEvery(), settings.keepCheckpoints()));
        this.checkpoints = new Checkpoints(dir.resolve(CHECKPOINTS), settings.keepCheckpoints());
    }

    /**
     * The high-quality image set: {@code synthetic} (clean frames of {@code imageClips} clips of the synthetic generator
     * at the teacher's size and classes, another seed), or the first {@code imageClips} image files (png, jpg, bmp) of a
     * folder, resized to the teacher's frame size, labelled by {@code captions.csv} or class subfolders, or unlabelled
     * ({@link ImageFolder}, {@link ImagePool#of}).
     */
    static ImagePool imagePool(McmRunSettings s, PrintStream log) {
        DataSpec d = s.data();
        int classes = Math.max(1, s.model().classes());
        if ("synthetic".equals(s.images())) {
            VideoDataset clean = DataSpec.synthetic(d.frames(), d.height(), d.width()).withClasses(Math.max(1, d.classes())).withSeed(d.seed() + 1).withSpeeds(d.minSpeed(), d.maxSpeed())
                .withStaticProbability(d.staticProbability()).withBackgrounds(d.backgrounds()).withColorByClass(d.colorByClass()).open();
            return new ImagePool(clean, 0, s.imageClips(), classes);
        }
        List<ImageFolder.Image> files = ImageFolder.read(Path.of(s.images()), d.height(), d.width(), s.imageClips(), classes, d::className,
            msg -> log.println("vdiff distill: warning: " + msg));
        try {
            return ImagePool.of(files, classes);
        } catch (IllegalArgumentException e) {
            throw new UserError("--images " + s.images() + ": " + e.getMessage());
        }
    }

    /** A new run in {@code dir} (which must not hold one): writes mcm.json and the teacher's weights. */
    public static McmStudentRun create(Path dir, McmRunSettings settings, Map<String, Tensor> teacherWeights) throws IOException {
        if (Files.exists(dir.resolve(McmRunSettings.FILE))) throw new UserError(dir + " already holds an MCM run; continue it with --resume " + dir + " or choose another --out");
        if (settings.model().patch() != 1) throw new UserError("--teacher " + settings.teacher() + ": MCM distils an unpatched UNet (patch 1), the teacher has patch " + settings.model().patch());
        McmStudentRun run = new McmStudentRun(dir, settings, teacherWeights);   // checks every option before anything is written
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(McmRunSettings.TEACHER_WEIGHTS), teacherWeights, Map.of("format", "pt"));
        text(dir.resolve(McmRunSettings.FILE), Json.write(settings.toJson()));
        return run;
    }

    /**
     * Writes a finished distillation made outside this class (the experiment's students, trained by {@code trainer} from
     * {@link McmTraining#trainer}) as a run folder: {@code mcm.json}, {@code teacher.safetensors}, the trainer's checkpoint,
     * {@code lora.safetensors}; {@code vdiff sample --run dir} then samples it. {@code dir} must not hold a run.
     */
    public static void save(Path dir, McmRunSettings settings, Map<String, Tensor> teacherWeights, McmDistillation d, Trainer trainer) throws IOException {
        if (Files.exists(dir.resolve(McmRunSettings.FILE))) throw new IllegalArgumentException(dir + " already holds an MCM run");
        if (!settings.config().equals(d.config())) throw new IllegalArgumentException("MCM: the settings do not describe this distillation's configuration");
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(McmRunSettings.TEACHER_WEIGHTS), teacherWeights, Map.of("format", "pt"));
        new Checkpoints(dir.resolve(CHECKPOINTS), 1).save(trainer);
        if (d.lora() != null) d.lora().save(dir.resolve("lora.safetensors"));
        text(dir.resolve(McmRunSettings.FILE), Json.write(settings.toJson()));   // last: a folder without it is not a run
    }

    /** The run in {@code dir} at its newest checkpoint (or at step 0), with {@code steps} as the new total when not null. */
    public static McmStudentRun resume(Path dir, Long steps) throws IOException {
        Path f = dir.resolve(McmRunSettings.FILE);
        if (!Files.isRegularFile(f)) throw new UserError(dir + " is not an MCM student run (no " + McmRunSettings.FILE + ")");
        McmRunSettings s = McmRunSettings.fromJson(Json.parseObject(Files.readAllBytes(f)));
        if (steps != null) {
            s = s.withSteps(steps);
            text(f, Json.write(s.toJson()));
        }
        refuseOldCheckpoints(dir);
        McmStudentRun run = new McmStudentRun(dir, s, Safetensors.read(dir.resolve(McmRunSettings.TEACHER_WEIGHTS)));
        run.checkpoints.removeUnfinished();
        var latest = run.checkpoints.latest();
        if (latest.isPresent()) Checkpoints.load(latest.get(), run.trainer);
        return run;
    }

    public McmDistillation distillation() {
        return distillation;
    }

    public McmRunSettings settings() {
        return settings;
    }

    /** The trainer that runs the distillation (steps done, losses, terms). */
    public Trainer trainer() {
        return trainer;
    }

    /** Runs to {@code settings.steps()}, with progress on {@code log}, checkpoints every {@code checkpointEvery} steps and at the end. */
    public void run(PrintStream log) throws IOException {
        long total = settings.steps();
        try (TrainProgress bar = new TrainProgress("distill mcm", log, trainer.stepsDone(), total, Duration.ofMillis((long) (trainer.elapsedSeconds() * 1000)), 10)) {
            trainer.run(total, checkpoints, bar);
        } catch (TrainingDivergedException e) {
            throw new UserError(e.getMessage());
        }
        if (distillation.lora() != null) distillation.lora().save(dir.resolve("lora.safetensors"));
        List<Double> mcd = trainer.terms().getOrDefault(McmDistillation.LOSS_MCD, List.of());
        if (!mcd.isEmpty()) LossChart.write(dir.resolve("loss.png"), mcd, "MCM: L_MCD per step");
    }

    /**
     * The checkpoint of run {@code dir} after {@code step} optimizer steps (null: the newest); an
     * {@link IllegalArgumentException} names what is missing and what the folder has.
     */
    static Path checkpoint(Path dir, Long step) throws IOException {
        refuseOldCheckpoints(dir);
        List<Path> all = checkpoints(dir);
        if (all.isEmpty()) throw new IllegalArgumentException("no checkpoint in " + dir.resolve(CHECKPOINTS) + " (distill first)");
        if (step == null) return all.get(all.size() - 1);
        Path p = dir.resolve(CHECKPOINTS).resolve(Checkpoints.name(step));
        if (!all.contains(p)) {
            List<String> have = new ArrayList<>();
            for (Path c : all) have.add(c.getFileName().toString());
            throw new IllegalArgumentException("--checkpoint " + step + ": no " + p + " (have: " + String.join(", ", have) + ")");
        }
        return p;
    }

    /**
     * Refuses a folder whose checkpoints are single {@code step-NNNNNNNN.safetensors} files, the layout of MCM's own loop
     * before it ran on the generic trainer: continuing it would silently start again from step 0.
     */
    private static void refuseOldCheckpoints(Path dir) throws IOException {
        Path cdir = dir.resolve(CHECKPOINTS);
        if (!Files.isDirectory(cdir)) return;
        try (var files = Files.list(cdir)) {
            if (files.anyMatch(p -> p.getFileName().toString().matches("step-\\d{8}\\.safetensors"))) {
                throw new UserError(cdir + " holds checkpoints of the MCM loop before it moved onto the generic trainer (step-N.safetensors files); "
                    + "this version reads only checkpoint folders (step-N/): distil the student again");
            }
        }
    }

    private static List<Path> checkpoints(Path dir) throws IOException {
        return new Checkpoints(dir.resolve(CHECKPOINTS), 1).list();
    }

    private static void text(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }
}
