package dev.vdiff.reference.train;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Training checkpoints in a folder, one sub-folder per saved step:
 * <pre>
 *   DIR/step-00000500/model.safetensors       trained parameters (state-dict names)
 *                     ema.safetensors         their exponential moving average
 *                     optimizer.safetensors   AdamW moments and step counts ({@code <param>.exp_avg}, ...)
 *                     state.json              step, data position, epoch, RNG state, loss and gradient-norm
 *                                             histories (and the {@link AfterStep} values', "terms"), seconds
 *                                             trained, the {@link TrainConfig}
 *                     NAME.safetensors        each {@link CheckpointState} of the run (a method's extra state)
 * </pre>
 * A checkpoint is written into a hidden {@code .step-NNNNNNNN.<random>.tmp} folder (every file forced to disk) that is then
 * renamed to its final name in one atomic step, so a crash leaves either no checkpoint or a complete one, never
 * half of one. Only the newest {@code keep} checkpoints are kept. {@link #load} refuses a checkpoint whose
 * settings differ from the trainer's in anything but the total number of steps (a resumed run may be extended).
 */
public final class Checkpoints {
    static final String MODEL = "model.safetensors", EMA = "ema.safetensors", OPTIMIZER = "optimizer.safetensors", STATE = "state.json";
    private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");
    private static final Pattern UNFINISHED = Pattern.compile("\\.step-\\d{8,}\\.(tmp|old)-[0-9a-z]+");
    private static final String FORMAT = "vdiff-train-state";
    private static final long VERSION = 1;

    private final Path dir;
    private final int keep;

    public Checkpoints(Path dir, int keep) {
        if (keep < 1) throw new IllegalArgumentException("Checkpoints: keep must be >= 1, got " + keep);
        this.dir = dir;
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    /** The folder name of the checkpoint after {@code step} steps. */
    public static String name(long step) {
        return String.format("step-%08d", step);
    }

    /** Writes the trainer's state as {@code DIR/step-NNNNNNNN} (atomically) and prunes old checkpoints; returns its folder. */
    public Path save(Trainer tr) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(name(tr.stepsDone()));
        Path tmp = AtomicWrite.temporaryFor(target);   // .step-NNNNNNNN.<random>.tmp: never listed as a checkpoint
        Files.createDirectory(tmp);
        try {
            Safetensors.write(tmp.resolve(MODEL), tr.model().module().stateDict(), Map.of("format", "pt"));
            Safetensors.write(tmp.resolve(EMA), tr.ema().stateDict(), Map.of("format", "pt"));
            Safetensors.write(tmp.resolve(OPTIMIZER), tr.optimizer().stateDict());
            for (CheckpointState x : tr.extraState()) Safetensors.write(tmp.resolve(extraFile(x)), x.stateDict());
            writeText(tmp.resolve(STATE), Json.write(state(tr)));
            replace(tmp, target);
        } finally {
            deleteTree(tmp);
        }
        prune();
        return target;
    }

    private static Map<String, Object> state(Trainer tr) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("step", tr.stepsDone());
        m.put("data_position", tr.dataPosition());
        m.put("epoch", tr.epoch());
        Rng.State s = tr.rng().state();
        m.put("rng", Map.of("key", s.key(), "stream", s.stream(), "counter", s.counter()));
        m.put("elapsed_seconds", tr.elapsedSeconds());
        m.put("objective", tr.objective().cliName);
        m.put("config", tr.config().toJson());
        m.put("losses", toArray(tr.losses()));
        m.put("grad_norms", toArray(tr.gradNorms()));
        if (!tr.terms().isEmpty()) {   // absent: a run without AfterStep values (every run before them)
            Map<String, Object> t = new LinkedHashMap<>();
            for (var e : tr.terms().entrySet()) t.put(e.getKey(), toArray(e.getValue()));
            m.put("terms", t);
        }
        return m;
    }

    /**
     * Deletes the hidden {@code .step-*.tmp-*} and {@code .step-*.old-*} folders that a process killed in
     * {@link #save} leaves behind (this class's own names; nothing else is touched); returns how many.
     */
    public int removeUnfinished() throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (UNFINISHED.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) stale.add(p);
        }
        for (Path p : stale) deleteTree(p);
        return stale.size();
    }

    /** The newest complete checkpoint in this folder, if any. */
    public Optional<Path> latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Complete checkpoints (those with a state file), oldest first. */
    public List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p.resolve(STATE))) out.add(p);
            }
        }
        out.sort(Comparator.comparingLong(Checkpoints::stepOf));
        return out;
    }

    private static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Loads a checkpoint folder into {@code tr}: parameters, EMA, optimizer state, step, data position and
     * histories. The checkpoint's settings must equal the trainer's apart from the total step count.
     */
    public static void load(Path checkpoint, Trainer tr) throws IOException {
        Map<String, Object> st = readState(checkpoint);
        TrainConfig saved = TrainConfig.fromJson(JsonFields.objectOf(st, "config"));
        TrainConfig mine = tr.config();
        if (!saved.withSteps(mine.steps()).equals(mine)) {
            throw new IllegalArgumentException(checkpoint + ": the checkpoint was trained with other settings (" + differences(saved.toJson(), mine.toJson())
                + "); only the number of steps may change on resume");
        }
        String objective = JsonFields.stringOf(st, "objective");
        if (!objective.equals(tr.objective().cliName)) throw new IllegalArgumentException(checkpoint + ": the checkpoint was trained with objective " + objective + ", this run uses " + tr.objective().cliName);
        Map<?, ?> rng = JsonFields.objectOf(st, "rng");
        Rng.State s = new Rng.State(JsonFields.longOf(rng, "key"), JsonFields.longOf(rng, "stream"), JsonFields.longOf(rng, "counter"));
        if (!s.equals(tr.rng().state())) throw new IllegalArgumentException(checkpoint + ": RNG state " + s + " does not match this run's " + tr.rng().state());
        long step = JsonFields.longOf(st, "step");
        if (step > mine.steps()) throw new IllegalArgumentException(checkpoint + ": the checkpoint is at step " + step + ", past the requested " + mine.steps() + " steps");
        try {
            tr.model().module().loadStateDict(Safetensors.read(checkpoint.resolve(MODEL)));
            tr.ema().loadStateDict(Safetensors.read(checkpoint.resolve(EMA)));
            tr.optimizer().loadStateDict(Safetensors.read(checkpoint.resolve(OPTIMIZER)));
            for (CheckpointState x : tr.extraState()) x.loadStateDict(Safetensors.read(checkpoint.resolve(extraFile(x))));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(checkpoint + ": incomplete checkpoint, " + Path.of(e.getFile()).getFileName() + " is missing");
        }
        Map<String, List<Double>> terms = new LinkedHashMap<>();
        if (st.containsKey("terms")) {
            Map<?, ?> t = JsonFields.objectOf(st, "terms");
            for (Object k : t.keySet()) terms.put(String.valueOf(k), boxed(JsonFields.doublesOf(t, String.valueOf(k))));
        }
        tr.restore(step, JsonFields.longOf(st, "data_position"), boxed(JsonFields.doublesOf(st, "losses")),
            boxed(JsonFields.doublesOf(st, "grad_norms")), terms, JsonFields.doubleOf(st, "elapsed_seconds"));
    }

    /** The parsed {@code state.json} of a checkpoint, checked for its format tag. */
    public static Map<String, Object> readState(Path checkpoint) throws IOException {
        Path f = checkpoint.resolve(STATE);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException(checkpoint + " is not a checkpoint (no " + STATE + ")");
        Map<String, Object> st;
        try {
            st = Json.parseObject(Files.readAllBytes(f));
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException(f + ": not valid JSON: " + e.getMessage());
        }
        if (!FORMAT.equals(st.get("format"))) throw new IllegalArgumentException(f + ": not a vdiff training state (format " + st.get("format") + ")");
        return st;
    }

    /** The EMA weights of a checkpoint (what samplers use by default). */
    public static Map<String, Tensor> emaWeights(Path checkpoint) throws IOException {
        return Safetensors.read(checkpoint.resolve(EMA));
    }

    /** The trained (non-averaged) weights of a checkpoint. */
    public static Map<String, Tensor> modelWeights(Path checkpoint) throws IOException {
        return Safetensors.read(checkpoint.resolve(MODEL));
    }

    // ---------------------------------------------------------------- helpers

    private static final Pattern EXTRA_NAME = Pattern.compile("[a-z0-9_-]+");

    /** {@code NAME.safetensors}; a name that could clash with the standard files or leave the folder is a bug. */
    private static String extraFile(CheckpointState x) {
        String n = x.name();
        if (!EXTRA_NAME.matcher(n).matches() || List.of("model", "ema", "optimizer", "state").contains(n)) {
            throw new IllegalStateException("CheckpointState name '" + n + "' must be lower-case letters, digits, _ or - and not model, ema, optimizer or state");
        }
        return n + ".safetensors";
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) deleteTree(all.get(i));
    }

    /**
     * Renames {@code tmp} to {@code target} atomically ({@link AtomicWrite#rename}: no non-atomic fallback, the
     * directory synced); an existing {@code target} (same step saved again) is renamed aside to a temporary name first.
     */
    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = AtomicWrite.temporaryFor(target);
            AtomicWrite.rename(target, old);
        }
        AtomicWrite.rename(tmp, target);
        if (old != null) deleteTree(old);
    }

    static void writeText(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(q);
        }
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    private static List<Double> boxed(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) l.add(v);
        return l;
    }

    private static String differences(Map<String, Object> a, Map<String, Object> b) {
        List<String> d = new ArrayList<>();
        for (var e : a.entrySet()) {
            if (e.getKey().equals("steps")) continue;
            Object other = b.get(e.getKey());
            if (!String.valueOf(e.getValue()).equals(String.valueOf(other))) d.add(e.getKey() + " " + e.getValue() + " vs " + other);
        }
        return String.join(", ", d);
    }
}
