package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.pyramid.NoiseAlignment;
import dev.vdiff.diffusion.pyramid.TemporalResampling.Downsampling;
import dev.vdiff.reference.train.JsonFields;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link PyramidConfig} as the {@code "pyramid"} object of a run's {@code run.json} (absent = vanilla training),
 * and the option names of {@code vdiff train --pyramid}. The diffusion form is not stored: it follows from the
 * run's objective ({@link #form}). Enum values are written in lower case with dashes ({@code anti-correlated}).
 *
 * <pre>
 * "pyramid": {"boundaries": [0, 0.333, 0.667, 1], "step_weights": [1, 1, 1], "alignment": "linear-assignment",
 *             "renoising": "anti-correlated", "coefficient": "ratio", "stage_sampling": "uniform",
 *             "global_time": "noise-level", "data_downsampling": "subsample", "noise_downsampling": "average-scaled",
 *             "timestep_scale": 1000}
 * </pre>
 */
public final class PyramidJson {
    private PyramidJson() {}

    /** The form of a run's objective: {@code flow} is flow matching, {@code eps} and {@code v} are DDIM/VP over {@code schedule} (SPEC §5.1, eq. 6). */
    public static DiffusionForm form(Objective objective, NoiseSchedule schedule) {
        return objective == Objective.FLOW ? new DiffusionForm.Flow() : new DiffusionForm.Vp(schedule);
    }

    /** The key of a pyramid run's section of {@code run.json}. */
    public static final String SECTION = "pyramid";

    /** The pyramid of a run, or null for a vanilla run (no {@code "pyramid"} section); a malformed section is an error naming the key. */
    public static PyramidConfig of(RunSpec run) {
        return run.readSection(SECTION, m -> fromJson(m, form(run.objective(), run.schedule())), null);
    }

    /** {@code run} trained as the pyramid {@code c} (null: vanilla). */
    public static RunSpec into(RunSpec run, PyramidConfig c) {
        return run.withSection(SECTION, c == null ? null : toJson(c));
    }

    public static Map<String, Object> toJson(PyramidConfig c) {
        if (c.frameAxis() != PyramidConfig.FRAME_AXIS_BFCHW) throw new IllegalArgumentException("PyramidJson: runs keep frames on axis 1, got " + c.frameAxis());
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> b = new ArrayList<>();
        for (double x : c.boundaries()) b.add(x);
        m.put("boundaries", b);
        List<Object> w = new ArrayList<>();
        for (int x : c.stepWeights()) w.add((long) x);
        m.put("step_weights", w);
        m.put("alignment", name(c.alignment()));
        m.put("renoising", name(c.renoising()));
        m.put("coefficient", name(c.coefficient()));
        m.put("stage_sampling", name(c.stageSampling()));
        m.put("global_time", name(c.globalTime()));
        m.put("data_downsampling", name(c.dataDownsampling()));
        m.put("noise_downsampling", name(c.noiseDownsampling()));
        m.put("timestep_scale", c.timestepScale());
        return m;
    }

    /** Reads {@link #toJson}'s form for a run of {@code form}; a missing or unknown value is an error naming its key. */
    public static PyramidConfig fromJson(Map<?, ?> m, DiffusionForm form) {
        double[] b = JsonFields.doublesOf(m, "boundaries");
        double[] wd = JsonFields.doublesOf(m, "step_weights");
        int[] w = new int[wd.length];
        for (int i = 0; i < w.length; i++) w[i] = (int) wd[i];
        return new PyramidConfig(form, b, w, PyramidConfig.FRAME_AXIS_BFCHW,
            parse(Downsampling.class, JsonFields.stringOf(m, "data_downsampling"), "data_downsampling"),
            parse(Downsampling.class, JsonFields.stringOf(m, "noise_downsampling"), "noise_downsampling"),
            parse(NoiseAlignment.Mode.class, JsonFields.stringOf(m, "alignment"), "alignment"),
            parse(PyramidConfig.Renoising.class, JsonFields.stringOf(m, "renoising"), "renoising"),
            parse(PyramidConfig.RenoiseCoefficient.class, JsonFields.stringOf(m, "coefficient"), "coefficient"),
            parse(PyramidConfig.StageSampling.class, JsonFields.stringOf(m, "stage_sampling"), "stage_sampling"),
            parse(PyramidConfig.GlobalTime.class, JsonFields.stringOf(m, "global_time"), "global_time"),
            JsonFields.doubleOf(m, "timestep_scale"));
    }

    /** {@code ANTI_CORRELATED} -> {@code anti-correlated}. */
    public static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant named {@code s} ({@link #name}'s form, case and {@code -}/{@code _} ignored); an unknown name is an error listing the choices. */
    public static <E extends Enum<E>> E parse(Class<E> type, String s, String what) {
        String key = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) if (e.name().equals(key)) return e;
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) names.add(name(e));
        throw new IllegalArgumentException(what + " must be one of " + String.join(", ", names) + ", got '" + s + "'");
    }
}
