package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.tqd.DropoutMode;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.train.JsonFields;
import dev.vdiff.reference.train.RunSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a run draws its training timesteps and uses quality scores, saved in {@code run.json} under
 * {@code "timesteps"}: uniform (DDPM, Ho et al. 2020, Algorithm 1) or TQD's per-clip Beta law (SPEC §2.2), and
 * the quality dropout (SPEC §2.3: none, rejection at the data loader, or loss weights). A run file without the
 * key is a uniform run without dropout ({@link #UNIFORM}).
 *
 * <pre>
 * "timesteps": {"sampler": "tqd", "kappa_base": 2.0, "kappa_max": 8.0, "quality_dropout": "rejection",
 *               "score_normalization": "percentile", "scores": "scores.csv"}
 * </pre>
 *
 * @param sampler       uniform or tqd
 * @param tqd           {@code kappa_base}, {@code kappa_max} (used by {@link Sampler#TQD})
 * @param dropout       quality dropout (SPEC §2.3); {@link DropoutMode#NONE} for none
 * @param normalization how raw scores were normalised to [0, 1] (SPEC §2.1, RECONSTRUCTED)
 * @param scores        the run's score table, relative to the run folder ({@code path,mq,vq}), or null when no
 *                      scores are needed
 */
public record TimestepSettings(Sampler sampler, TqdConfig tqd, DropoutMode dropout, ScoreNormalization normalization, String scores) {
    /** The key of these settings in {@code run.json}. */
    public static final String SECTION = "timesteps";

    /** The run-file file name of the scores a run trains with. */
    public static final String SCORES_FILE = "scores.csv";

    /** Uniform timesteps, no dropout, no scores: plain DDPM training. */
    public static final TimestepSettings UNIFORM = new TimestepSettings(Sampler.UNIFORM, TqdConfig.DEFAULT, DropoutMode.NONE, ScoreNormalization.PERCENTILE, null);

    /** The timestep law. */
    public enum Sampler {
        UNIFORM("uniform"),
        TQD("tqd");

        public final String cliName;

        Sampler(String cliName) {
            this.cliName = cliName;
        }

        public static Sampler parse(String name) {
            for (Sampler s : values()) if (s.cliName.equalsIgnoreCase(name.strip())) return s;
            throw new IllegalArgumentException("unknown timestep sampler '" + name + "' (expected uniform or tqd)");
        }
    }

    public TimestepSettings {
        if (sampler == null || tqd == null || dropout == null || normalization == null) throw new IllegalArgumentException("TimestepSettings: null field");
        boolean needs = sampler == Sampler.TQD || dropout != DropoutMode.NONE;   // needsScores(): fields are not set yet
        if (needs && (scores == null || scores.isBlank())) throw new IllegalArgumentException("TimestepSettings: " + sampler.cliName + " timesteps with " + dropout.cliName + " dropout need a scores file");
    }

    /** A run's settings: its {@code "timesteps"} section, or {@link #UNIFORM} when it has none; a malformed section is an error naming the key. */
    public static TimestepSettings of(RunSpec run) {
        return run.readSection(SECTION, TimestepSettings::fromJson, UNIFORM);
    }

    /** {@code run} with these settings as its {@code "timesteps"} section. */
    public RunSpec into(RunSpec run) {
        return run.withSection(SECTION, toJson());
    }

    /** Whether the run reads per-clip quality scores (TQD timesteps or any dropout). */
    public boolean needsScores() {
        return sampler == Sampler.TQD || dropout != DropoutMode.NONE;
    }

    /** A short description for logs and reports. */
    public String describe() {
        String t = sampler == Sampler.TQD ? "TQD Beta timesteps (kappa_base " + tqd.kappaBase() + ", kappa_max " + tqd.kappaMax() + ")" : "uniform timesteps";
        return t + (dropout == DropoutMode.NONE ? "" : ", quality dropout " + dropout.cliName);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampler", sampler.cliName);
        m.put("kappa_base", tqd.kappaBase());
        m.put("kappa_max", tqd.kappaMax());
        m.put("quality_dropout", dropout.cliName);
        m.put("score_normalization", normalization.cliName);
        if (scores != null) m.put("scores", scores);
        return m;
    }

    /** Reads {@link #toJson()}'s form; a missing or invalid entry is an error naming it. */
    public static TimestepSettings fromJson(Map<?, ?> m) {
        return new TimestepSettings(Sampler.parse(JsonFields.stringOf(m, "sampler")),
            new TqdConfig(JsonFields.doubleOf(m, "kappa_base"), JsonFields.doubleOf(m, "kappa_max")),
            DropoutMode.parse(JsonFields.stringOf(m, "quality_dropout")), ScoreNormalization.parse(JsonFields.stringOf(m, "score_normalization")),
            m.containsKey("scores") ? JsonFields.stringOf(m, "scores") : null);
    }
}
