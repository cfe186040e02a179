package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.tensor.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that defines a training run, saved as {@code RUN/run.json} next to {@code RUN/checkpoints/}: the
 * network, the data, the objective, the noise schedule (always the scaled-linear schedule of SPEC §1.1 here),
 * the {@link TrainConfig}, and one named section per {@link TrainingMethod} the run uses, which only that method
 * reads and writes: e.g. {@code "timesteps"} (TQD's timestep law and quality dropout; absent: uniform) and
 * {@code "pyramid"} (a TPDiff temporal pyramid; absent: vanilla). {@code vdiff sample} and
 * {@code vdiff train --resume} read it back.
 *
 * <pre>
 * RUN/run.json
 * RUN/checkpoints/step-00000500/{model,ema,optimizer}.safetensors, state.json
 * RUN/loss.png
 * RUN/scores.csv       per-clip quality scores, for TQD timesteps or quality dropout
 * </pre>
 *
 * @param sections the methods' settings by section name, each a JSON object (kept in insertion order)
 */
public record RunSpec(ModelSpec model, DataSpec data, Objective objective, ScheduleSpec noise, TrainConfig train, Map<String, Map<String, Object>> sections) {
    public static final String FILE = "run.json", CHECKPOINTS = "checkpoints";
    private static final String FORMAT = "vdiff-run";
    /** The keys of the generic part of {@code run.json}; every other key is a method's section. */
    private static final List<String> GENERIC = List.of("format", "version", "model", "data", "objective", "schedule", "train");

    public RunSpec {
        java.util.Objects.requireNonNull(noise, "noise schedule");
        noise.check(objective);
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        for (var e : sections.entrySet()) {
            if (GENERIC.contains(e.getKey())) throw new IllegalArgumentException("RunSpec: '" + e.getKey() + "' is not a method section name");
            copy.put(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue())));
        }
        sections = Collections.unmodifiableMap(copy);
    }

    /** A plain run: no method sections (uniform timesteps, the objective's loss, the standard samplers), SPEC §1.1's schedule. */
    public RunSpec(ModelSpec model, DataSpec data, Objective objective, TrainConfig train) {
        this(model, data, objective, ScheduleSpec.VC2, train, Map.of());
    }

    /** A run with method sections on SPEC §1.1's schedule. */
    public RunSpec(ModelSpec model, DataSpec data, Objective objective, TrainConfig train, Map<String, Map<String, Object>> sections) {
        this(model, data, objective, ScheduleSpec.VC2, train, sections);
    }

    /** The training noise schedule: scaled-linear, T = 1000, beta 0.00085 .. 0.012 (SPEC §1.1), optionally rescaled to zero terminal SNR ({@link ScheduleSpec}). */
    public NoiseSchedule schedule() {
        return noise.schedule();
    }

    public RunSpec withTrain(TrainConfig t) {
        return new RunSpec(model, data, objective, noise, t, sections);
    }

    public RunSpec withNoise(ScheduleSpec n) {
        return new RunSpec(model, data, objective, n, train, sections);
    }

    /** A method's section, or empty when the run does not use the method. */
    public Optional<Map<String, Object>> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    /**
     * A method's section parsed by {@code parse}, or {@code absent} when the run has none; an
     * {@link IllegalArgumentException} from {@code parse} is rethrown naming the file and the section.
     */
    public <T> T readSection(String name, java.util.function.Function<Map<String, Object>, T> parse, T absent) {
        Map<String, Object> m = sections.get(name);
        if (m == null) return absent;
        try {
            return parse.apply(m);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FILE + " \"" + name + "\": " + e.getMessage(), e);
        }
    }

    /** This run with section {@code name} set to {@code json} (null: removed). */
    public RunSpec withSection(String name, Map<String, Object> json) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>(sections);
        if (json == null) m.remove(name);
        else m.put(name, json);
        return new RunSpec(model, data, objective, noise, train, m);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", 1L);
        m.put("model", model.toJson());
        m.put("data", data.toJson());
        m.put("objective", objective.cliName);
        m.put("schedule", noise.toJson());
        m.put("train", train.toJson());
        m.putAll(sections);
        return m;
    }

    /** Writes {@code dir/run.json} (atomically), creating {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Checkpoints.writeText(dir.resolve(FILE), Json.write(toJson()));
    }

    /**
     * Reads {@code dir/run.json}; a missing or malformed file is an error naming it and what is wrong. Method
     * sections are kept as read; each method checks its own when it reads it.
     */
    @SuppressWarnings("unchecked")
    public static RunSpec read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException(dir + " is not a training run (no " + FILE + "; make one with vdiff train --out " + dir + ")");
        try {
            Map<String, Object> m = Json.parseObject(Files.readAllBytes(f));
            if (!FORMAT.equals(m.get("format"))) throw new IllegalArgumentException("not a vdiff run file (format " + m.get("format") + ")");
            Objective objective = Objective.parse(JsonFields.stringOf(m, "objective"));
            Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
            for (var e : m.entrySet()) {
                if (GENERIC.contains(e.getKey())) continue;
                JsonFields.objectOf(m, e.getKey());   // must be an object
                sections.put(e.getKey(), (Map<String, Object>) e.getValue());
            }
            return new RunSpec(ModelSpec.fromJson(JsonFields.objectOf(m, "model")), DataSpec.fromJson(JsonFields.objectOf(m, "data")),
                objective, ScheduleSpec.fromJson(m.containsKey("schedule") ? JsonFields.objectOf(m, "schedule") : null),
                TrainConfig.fromJson(JsonFields.objectOf(m, "train")), sections);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage());
        }
    }

    public static Path checkpointsDir(Path runDir) {
        return runDir.resolve(CHECKPOINTS);
    }
}
