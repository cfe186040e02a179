package dev.vdiff.diffusion;

/**
 * What a denoising network predicts (diffusers' {@code prediction_type}); {@link Parameterization} converts
 * each into the clean sample and the noise (SPEC §1.2).
 */
public enum PredictionType {
    /** The noise {@code eps} (VideoCrafter2, SD 1.5; SPEC §1.1). */
    EPSILON("epsilon"),
    /** The clean sample {@code x0}. */
    SAMPLE("sample"),
    /** The velocity {@code v = a_t eps - s_t x0} (Salimans and Ho 2022, §4). */
    V_PREDICTION("v_prediction");

    /** The diffusers name. */
    public final String configName;

    PredictionType(String configName) {
        this.configName = configName;
    }

    /** Parses a diffusers name: {@code epsilon}, {@code sample} or {@code v_prediction}. */
    public static PredictionType parse(String name) {
        for (PredictionType p : values()) if (p.configName.equals(name)) return p;
        throw new IllegalArgumentException("unknown prediction_type '" + name + "' (expected epsilon, sample or v_prediction)");
    }

    @Override
    public String toString() {
        return configName;
    }
}
