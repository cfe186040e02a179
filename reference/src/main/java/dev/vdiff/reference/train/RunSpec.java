package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.tpdiff.PyramidConfig;
import dev.vdiff.reference.tpdiff.PyramidJson;
import dev.vdiff.reference.tqd.train.TimestepSettings;
import dev.vdiff.tensor.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a training run, saved as {@code RUN/run.json} next to {@code RUN/checkpoints/}: the
 * network, the data, the objective, the noise schedule (always the scaled-linear schedule of SPEC §1.1 here),
 * the {@link TrainConfig} and how timesteps are drawn ({@link TimestepSettings}: uniform, or TQD's per-clip law
 * with quality dropout; absent in older run files, which read as uniform). {@code vdiff sample} and {@code vdiff train --resume} read it back.
 *
 * <pre>
 * RUN/run.json
 * RUN/checkpoints/step-00000500/{model,ema,optimizer}.safetensors, state.json
 * RUN/loss.png
 * RUN/scores.csv       per-clip quality scores, for TQD timesteps or quality dropout
 * </pre>
 *
 * <p>{@code pyramid} (may be null = vanilla training): a TPDiff temporal pyramid (SPEC §5), stored as the optional
 * {@code "pyramid"} object ({@link PyramidJson}); run files without it read as vanilla runs.
 */
public record RunSpec(ModelSpec model, DataSpec data, Objective objective, TrainConfig train, TimestepSettings timesteps, PyramidConfig pyramid) {
    public static final String FILE = "run.json", CHECKPOINTS = "checkpoints";
    private static final String FORMAT = "vdiff-run";

    public RunSpec {
        if (timesteps == null) timesteps = TimestepSettings.UNIFORM;
    }

    /** A run with uniform timesteps and no quality dropout (plain DDPM training). */
    public RunSpec(ModelSpec model, DataSpec data, Objective objective, TrainConfig train) {
        this(model, data, objective, train, TimestepSettings.UNIFORM, null);
    }

    /** A run with the given timestep settings, not a pyramid. */
    public RunSpec(ModelSpec model, DataSpec data, Objective objective, TrainConfig train, TimestepSettings timesteps) {
        this(model, data, objective, train, timesteps, null);
    }

    /** The training noise schedule: scaled-linear, T = 1000, beta 0.00085 .. 0.012 (SPEC §1.1). */
    public NoiseSchedule schedule() {
        return NoiseSchedule.videoCrafter2();
    }

    public RunSpec withTrain(TrainConfig t) {
        return new RunSpec(model, data, objective, t, timesteps, pyramid);
    }

    /** This run trained as a temporal pyramid (null: vanilla). */
    public RunSpec withPyramid(PyramidConfig p) {
        return new RunSpec(model, data, objective, train, timesteps, p);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", 1L);
        m.put("model", model.toJson());
        m.put("data", data.toJson());
        m.put("objective", objective.cliName);
        Map<String, Object> sch = new LinkedHashMap<>();
        sch.put("beta_schedule", "scaled_linear");
        sch.put("num_train_timesteps", 1000L);
        sch.put("beta_start", 0.00085);
        sch.put("beta_end", 0.012);
        m.put("schedule", sch);
        m.put("train", train.toJson());
        m.put("timesteps", timesteps.toJson());
        if (pyramid != null) m.put("pyramid", PyramidJson.toJson(pyramid));
        return m;
    }

    /** Writes {@code dir/run.json} (atomically), creating {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Checkpoints.writeText(dir.resolve(FILE), Json.write(toJson()));
    }

    /** Reads {@code dir/run.json}; a missing or malformed file is an error naming it and what is wrong. */
    public static RunSpec read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException(dir + " is not a training run (no " + FILE + "; make one with vdiff train --out " + dir + ")");
        try {
            Map<String, Object> m = Json.parseObject(Files.readAllBytes(f));
            if (!FORMAT.equals(m.get("format"))) throw new IllegalArgumentException("not a vdiff run file (format " + m.get("format") + ")");
            Objective objective = Objective.parse(JsonFields.stringOf(m, "objective"));
            RunSpec run = new RunSpec(ModelSpec.fromJson(JsonFields.objectOf(m, "model")), DataSpec.fromJson(JsonFields.objectOf(m, "data")),
                objective, TrainConfig.fromJson(JsonFields.objectOf(m, "train")),
                m.containsKey("timesteps") ? TimestepSettings.fromJson(JsonFields.objectOf(m, "timesteps")) : TimestepSettings.UNIFORM);
            if (!m.containsKey("pyramid")) return run;
            return run.withPyramid(PyramidJson.fromJson(JsonFields.objectOf(m, "pyramid"), PyramidJson.form(objective, run.schedule())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage());
        }
    }

    public static Path checkpointsDir(Path runDir) {
        return runDir.resolve(CHECKPOINTS);
    }
}
