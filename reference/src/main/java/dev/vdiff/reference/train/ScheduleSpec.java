package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training noise schedule of a run, {@code "schedule"} in {@code run.json}: always the scaled-linear schedule
 * of SPEC §1.1 (T = 1000, beta 0.00085 .. 0.012), optionally rescaled to zero terminal SNR.
 *
 * @param zeroTerminalSnr rescale the schedule so that {@code alpha_bar_999 = 0} (Lin et al. 2024, Algorithm 1;
 *                        {@link NoiseSchedule#rescaledToZeroTerminalSnr()}); needs the v objective. Default off
 *                        (SPEC §1.1 keeps VC2's terminal SNR); {@code vdiff train --zero-terminal-snr}.
 */
public record ScheduleSpec(boolean zeroTerminalSnr) {
    /** SPEC §1.1's schedule, unchanged. */
    public static final ScheduleSpec VC2 = new ScheduleSpec(false);
    /** SPEC §1.1's schedule rescaled to zero terminal SNR. */
    public static final ScheduleSpec ZERO_TERMINAL_SNR = new ScheduleSpec(true);

    public NoiseSchedule schedule() {
        NoiseSchedule vc2 = NoiseSchedule.videoCrafter2();
        return zeroTerminalSnr ? vc2.rescaledToZeroTerminalSnr() : vc2;
    }

    /** An {@link IllegalArgumentException} when the objective cannot be trained and sampled on this schedule. */
    public void check(Objective objective) {
        if (!zeroTerminalSnr) return;
        if (objective == Objective.EPSILON) {
            throw new IllegalArgumentException("zero terminal SNR needs the v objective: an epsilon network cannot be sampled from alpha_bar = 0 (x0 = (z - s eps) / a divides by a = 0)");
        }
        if (objective == Objective.FLOW) {
            throw new IllegalArgumentException("zero terminal SNR rescales the DDPM schedule; the flow objective does not use it (its noise level already reaches 1)");
        }
    }

    /** One line for logs and reports. */
    public String describe() {
        return "scaled-linear schedule (T = 1000, 0.00085..0.012)" + (zeroTerminalSnr ? " rescaled to zero terminal SNR" : "");
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("beta_schedule", "scaled_linear");
        m.put("num_train_timesteps", 1000L);
        m.put("beta_start", 0.00085);
        m.put("beta_end", 0.012);
        if (zeroTerminalSnr) m.put("rescale_zero_terminal_snr", true);   // absent in runs written before the option
        return m;
    }

    /** Reads {@link #toJson()}'s form; an absent object (runs written before it was read) is {@link #VC2}. */
    public static ScheduleSpec fromJson(Map<?, ?> m) {
        if (m == null) return VC2;
        if (!"scaled_linear".equals(m.get("beta_schedule")) || JsonFields.longOf(m, "num_train_timesteps") != 1000
            || JsonFields.doubleOf(m, "beta_start") != 0.00085 || JsonFields.doubleOf(m, "beta_end") != 0.012) {
            throw new IllegalArgumentException("\"schedule\": only the scaled-linear schedule T = 1000, 0.00085..0.012 is supported, got " + m);
        }
        return new ScheduleSpec(m.containsKey("rescale_zero_terminal_snr") && JsonFields.boolOf(m, "rescale_zero_terminal_snr"));
    }
}
