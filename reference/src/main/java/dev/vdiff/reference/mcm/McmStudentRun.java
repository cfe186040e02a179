package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.ImageFolder;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.LossChart;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.TrainProgress;
import dev.vdiff.reference.train.Trainer;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A student run folder of {@code vdiff distill --method mcm}: {@code mcm.json} ({@link McmRunSettings}),
 * {@code teacher.safetensors} (the frozen teacher's weights, copied), {@code checkpoints/step-NNNNNNNN.safetensors}
 * (the whole {@link McmDistillation#stateDict()} plus the loss history, written atomically, the newest kept),
 * {@code lora.safetensors} (the adapters by layer name, with LoRA), {@code loss.png}. A run resumed from its newest
 * checkpoint continues bit for bit: every step depends only on the seed, the step number, the data and the state.
 */
public final class McmStudentRun {
    static final String CHECKPOINTS = "checkpoints", HISTORY = "history.";
    private static final String[] HISTORY_KEYS = {"loss_mcd", "loss_adv", "loss_d", "gradient_penalty"};

    private final Path dir;
    private final McmRunSettings settings;
    private final McmDistillation distillation;
    private final VideoDataset clips;
    private final ImagePool images;
    private final Map<String, List<Double>> history = new LinkedHashMap<>();

    private McmStudentRun(Path dir, McmRunSettings settings, Map<String, Tensor> teacherWeights) {
        this.dir = dir;
        this.settings = settings;
        McmConfig config = settings.config();
        VideoUNet unet = VideoUNet.load(Models.config(settings.model()), teacherWeights, DType.FLOAT32);
        this.distillation = new McmDistillation(new FrozenTeacher(unet), settings.objective().predictionType(), settings.noise().schedule(), config);
        this.clips = settings.data().open();
        this.images = imagePool(settings, System.err);
        for (String k : HISTORY_KEYS) history.put(k, new ArrayList<>());
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
     * Writes a finished distillation made outside this class (the experiment's students) as a run folder: {@code mcm.json},
     * {@code teacher.safetensors}, {@code checkpoints/step-N.safetensors} (state and loss history, as {@link #checkpoint()}
     * writes it), {@code lora.safetensors}; {@code vdiff sample --run dir} then samples it. {@code dir} must not hold a run.
     */
    public static void save(Path dir, McmRunSettings settings, Map<String, Tensor> teacherWeights, McmDistillation d, List<McmDistillation.StepResult> log) throws IOException {
        if (Files.exists(dir.resolve(McmRunSettings.FILE))) throw new IllegalArgumentException(dir + " already holds an MCM run");
        if (!settings.config().equals(d.config())) throw new IllegalArgumentException("MCM: the settings do not describe this distillation's configuration");
        Files.createDirectories(dir.resolve(CHECKPOINTS));
        Safetensors.write(dir.resolve(McmRunSettings.TEACHER_WEIGHTS), teacherWeights, Map.of("format", "pt"));
        Map<String, Tensor> state = new LinkedHashMap<>(d.stateDict());
        double[][] h = new double[HISTORY_KEYS.length][log.size()];
        for (int i = 0; i < log.size(); i++) {
            McmDistillation.StepResult r = log.get(i);
            h[0][i] = r.lossMcd();
            h[1][i] = r.lossAdv();
            h[2][i] = r.lossD();
            h[3][i] = r.gradientPenalty();
        }
        for (int k = 0; k < HISTORY_KEYS.length; k++) state.put(HISTORY + HISTORY_KEYS[k], Tensor.of(h[k], log.size()));
        Safetensors.write(dir.resolve(CHECKPOINTS).resolve(String.format("step-%08d.safetensors", d.stepCount())), state, Map.of("format", "vdiff-mcm"));
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
        McmStudentRun run = new McmStudentRun(dir, s, Safetensors.read(dir.resolve(McmRunSettings.TEACHER_WEIGHTS)));
        Path latest = run.latestCheckpoint();
        if (latest != null) {
            Map<String, Tensor> state = Safetensors.read(latest);
            run.distillation.loadStateDict(state);
            for (String k : HISTORY_KEYS) {
                Tensor t = state.get(HISTORY + k);
                if (t != null) for (double v : t.toDoubleArray()) run.history.get(k).add(v);
            }
        }
        return run;
    }

    public McmDistillation distillation() {
        return distillation;
    }

    public McmRunSettings settings() {
        return settings;
    }

    /** Runs to {@code settings.steps()}, with progress on {@code log}, checkpoints every {@code checkpointEvery} steps and at the end. */
    public void run(PrintStream log) throws IOException {
        long total = settings.steps();
        try (TrainProgress bar = new TrainProgress("distill mcm", log, distillation.stepCount(), total, Duration.ZERO, 10)) {
            while (distillation.stepCount() < total) {
                McmDistillation.StepResult r = distillation.step(batch(distillation.stepCount()));
                history.get("loss_mcd").add(r.lossMcd());
                history.get("loss_adv").add(r.lossAdv());
                history.get("loss_d").add(r.lossD());
                history.get("gradient_penalty").add(r.gradientPenalty());
                bar.onStep(new Trainer.StepResult(r.step() + 1, r.lossG(), r.gradNorm(), settings.lr()));
                long done = distillation.stepCount();
                if (done == total || settings.checkpointEvery() > 0 && done % settings.checkpointEvery() == 0) checkpoint();
            }
        }
        if (!history.get("loss_mcd").isEmpty()) LossChart.write(dir.resolve("loss.png"), history.get("loss_mcd"), "MCM: L_MCD per step");
    }

    /**
     * The batch of step {@code s}: clips {@code s B .. s B + B - 1} of the teacher's data source (a folder cycles; the
     * synthetic generator has no end, so every step sees new clips), 2 images per clip of its class.
     */
    McmDistillation.Batch batch(long s) {
        int b = settings.batch(), k = distillation.config().discFrames();
        DataSpec d = settings.data();
        long n = Math.min(clips.size(), (long) Integer.MAX_VALUE);
        Tensor[] v = new Tensor[b];
        long[] y = new long[b];
        List<Tensor> imgs = new ArrayList<>();
        Rng r = Rng.seed(settings.seed()).split(1_000_000_000L + s);
        for (int i = 0; i < b; i++) {
            Clip c = clips.clip(Math.floorMod(s * b + i, n));
            v[i] = c.video().reshape(1, d.frames(), 3, d.height(), d.width());          // [1, F, C, H, W]
            y[i] = Math.max(0, c.label());
            for (int j = 0; j < k; j++) imgs.add(images.draw((int) y[i], r));
        }
        return new McmDistillation.Batch(Concat.cat(0, v), Tensor.ofLongs(y, b), Concat.cat(0, imgs.toArray(new Tensor[0])));
    }

    /** Writes the state and the loss history as {@code checkpoints/step-NNNNNNNN.safetensors} (atomically), the LoRA file, and prunes old checkpoints. */
    void checkpoint() throws IOException {
        Path cdir = dir.resolve(CHECKPOINTS);
        Files.createDirectories(cdir);
        Map<String, Tensor> state = new LinkedHashMap<>(distillation.stateDict());
        for (var e : history.entrySet()) {
            double[] h = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            state.put(HISTORY + e.getKey(), Tensor.of(h, h.length));
        }
        Safetensors.write(cdir.resolve(String.format("step-%08d.safetensors", distillation.stepCount())), state, Map.of("format", "vdiff-mcm"));
        if (distillation.lora() != null) distillation.lora().save(dir.resolve("lora.safetensors"));
        List<Path> all = checkpoints();
        for (int i = 0; i + settings.keepCheckpoints() < all.size(); i++) Files.deleteIfExists(all.get(i));
    }

    Path latestCheckpoint() throws IOException {
        List<Path> all = checkpoints(dir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * The checkpoint of run {@code dir} after {@code step} optimizer steps (null: the newest); an
     * {@link IllegalArgumentException} names what is missing and what the folder has.
     */
    static Path checkpoint(Path dir, Long step) throws IOException {
        List<Path> all = checkpoints(dir);
        if (all.isEmpty()) throw new IllegalArgumentException("no checkpoint in " + dir.resolve(CHECKPOINTS) + " (distill first)");
        if (step == null) return all.get(all.size() - 1);
        Path p = dir.resolve(CHECKPOINTS).resolve(String.format("step-%08d.safetensors", step));
        if (!all.contains(p)) {
            List<String> have = new ArrayList<>();
            for (Path c : all) have.add(c.getFileName().toString());
            throw new IllegalArgumentException("--checkpoint " + step + ": no " + p + " (have: " + String.join(", ", have) + ")");
        }
        return p;
    }

    private List<Path> checkpoints() throws IOException {
        return checkpoints(dir);
    }

    private static List<Path> checkpoints(Path dir) throws IOException {
        Path cdir = dir.resolve(CHECKPOINTS);
        if (!Files.isDirectory(cdir)) return List.of();
        try (Stream<Path> s = Files.list(cdir)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d{8}\\.safetensors")).sorted().toList();
        }
    }

    private static void text(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }
}
