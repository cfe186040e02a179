package dev.vdiff.reference.train;

import java.util.Locale;

/**
 * How to generate videos from a trained network.
 *
 * @param kind           {@link Kind#DDIM} (SPEC §1.3) or {@link Kind#LCM} multistep (SPEC §1.5) for epsilon models,
 *                       {@link Kind#FLOW} Euler (SPEC §1.6) for flow-matching models
 * @param steps          sampling steps (network evaluations per sample without guidance)
 * @param guidance       classifier-free guidance scale s in the Imagen form {@code e_u + s (e_c - e_u)}
 *                       (SPEC §1.4); 1 = no guidance (one pass per step)
 * @param eta            DDIM stochasticity (0 = deterministic); must be 0 for the other samplers
 * @param clipX0         DDIM: clamp the predicted clean video to [-clipX0, clipX0] (pixel space: 1); infinity = off
 * @param lcmOriginSteps LCM: the distillation grid size O (SPEC §1.5; 50 in T2V-Turbo)
 * @param flowShift      flow Euler: the SD3 timestep shift (1 = none)
 * @param guidanceRescale DDIM/LCM: guidance rescale phi (Lin et al. 2024, §3.4; {@code ClassifierFreeGuidance.rescale}),
 *                       0 = off (default)
 */
public record SamplerSettings(Kind kind, int steps, double guidance, double eta, double clipX0, int lcmOriginSteps, double flowShift, double guidanceRescale) {
    public enum Kind {
        DDIM, LCM, FLOW;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown sampler '" + s + "' (expected ddim, lcm or flow)");
            }
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SamplerSettings {
        if (kind == null) throw new IllegalArgumentException("sampler kind is required");
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("sampling steps must be in 1..1000, got " + steps);
        if (!(guidance >= 0) || !Double.isFinite(guidance)) throw new IllegalArgumentException("guidance scale must be >= 0, got " + guidance);
        if (!(eta >= 0) || !Double.isFinite(eta)) throw new IllegalArgumentException("eta must be >= 0, got " + eta);
        if (eta != 0 && kind != Kind.DDIM) throw new IllegalArgumentException("eta applies to the ddim sampler only, not " + kind.cliName() + " (got eta " + eta + ")");
        if (!(clipX0 > 0)) throw new IllegalArgumentException("x0 clip must be > 0 (infinity = off), got " + clipX0);
        if (lcmOriginSteps < 1 || lcmOriginSteps > 1000) throw new IllegalArgumentException("LCM origin steps must be in 1..1000, got " + lcmOriginSteps);
        if (kind == Kind.LCM && steps > lcmOriginSteps) throw new IllegalArgumentException("LCM needs steps <= origin steps (" + lcmOriginSteps + "), got " + steps);
        if (!(flowShift > 0) || !Double.isFinite(flowShift)) throw new IllegalArgumentException("flow shift must be > 0, got " + flowShift);
        if (!(guidanceRescale >= 0 && guidanceRescale <= 1)) throw new IllegalArgumentException("guidance rescale must be in [0, 1], got " + guidanceRescale);
        if (guidanceRescale != 0 && kind == Kind.FLOW) throw new IllegalArgumentException("guidance rescale applies to the ddim and lcm samplers, not flow");
    }

    /** Settings without guidance rescale (the positional form older callers use). */
    public SamplerSettings(Kind kind, int steps, double guidance, double eta, double clipX0, int lcmOriginSteps, double flowShift) {
        this(kind, steps, guidance, eta, clipX0, lcmOriginSteps, flowShift, 0);
    }

    /** These settings with guidance rescale {@code phi}. */
    public SamplerSettings withGuidanceRescale(double phi) {
        return new SamplerSettings(kind, steps, guidance, eta, clipX0, lcmOriginSteps, flowShift, phi);
    }

    /** Deterministic DDIM with guidance and x0 clipping to [-1, 1]. */
    public static SamplerSettings ddim(int steps, double guidance) {
        return new SamplerSettings(Kind.DDIM, steps, guidance, 0, 1, 50, 1);
    }

    public static SamplerSettings lcm(int steps, double guidance) {
        return new SamplerSettings(Kind.LCM, steps, guidance, 0, 1, 50, 1);
    }

    public static SamplerSettings flow(int steps, double guidance) {
        return new SamplerSettings(Kind.FLOW, steps, guidance, 0, 1, 50, 1);
    }

    /** One line for reports: {@code ddim, 25 steps, guidance 3.0, eta 0.0}. */
    public String describe() {
        String s = kind.cliName() + ", " + steps + " steps, guidance " + guidance + (guidanceRescale == 0 ? "" : " rescaled " + guidanceRescale);
        return switch (kind) {
            case DDIM -> s + ", eta " + eta + (Double.isInfinite(clipX0) ? "" : ", x0 clipped to +-" + clipX0);
            case LCM -> s + ", origin steps " + lcmOriginSteps;
            case FLOW -> s + ", shift " + flowShift;
        };
    }
}
