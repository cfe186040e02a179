package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

import java.util.Locale;

/**
 * MCM's fixed motion representations {@code g} (SPEC §4.2, the released {@code --cd_target}), applied to a
 * video latent {@code [B, C, F, H, W]} on both sides of the distillation loss
 * {@code L_MCD = huber(g(F_s), g(F_t))}. The learnable one is {@link LearnedMotionHead}.
 *
 * <pre>{@code
 * MotionRepresentation.DIFF.apply(x, ButterworthFilter.MCM);       // [B, C, F-1, H, W]: x[:, :, f+1] - x[:, :, f]
 * MotionRepresentation.FREQ_LOW.apply(x, ButterworthFilter.MCM);   // Butterworth low-pass over (F, H, W)
 * }</pre>
 * Every representation is a linear map built from recorded ops, so the student's gradient flows through it.
 */
public enum MotionRepresentation {
    /** {@code g(x) = x}: plain LCM distillation ({@code raw}). */
    RAW,
    /** {@code g(x) = x[:, :, 1:] - x[:, :, :-1]}: frame differences ({@code diff}), F-1 frames. */
    DIFF,
    /** Low-frequency part of the 3-D spectrum ({@code freql}), see {@link ButterworthFilter}. */
    FREQ_LOW,
    /** High-frequency part ({@code freqh}): {@code x - FREQ_LOW(x)} up to rounding. */
    FREQ_HIGH;

    /** {@code g(x)} for {@code x [B, C, F, H, W]}; {@code filter} is read by the frequency kinds only. */
    public Tensor apply(Tensor x, ButterworthFilter filter) {
        if (x.rank() != 5) throw new IllegalArgumentException("motion representation " + optionName() + ": expects a video latent [B, C, F, H, W], got " + java.util.Arrays.toString(x.shape()));
        switch (this) {
            case RAW: return x;
            case DIFF: {
                int f = x.shape(2);
                if (f < 2) throw new IllegalArgumentException("motion representation diff: needs at least 2 frames, got F = " + f);
                return Arithmetic.sub(x.narrow(2, 1, f - 1), x.narrow(2, 0, f - 1));
            }
            case FREQ_LOW: return filter.low(x);
            default: return filter.high(x);
        }
    }

    /** The option's name as the papers suite and the command line spell it ({@code raw, diff, freq_low, freq_high}). */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code raw, diff, freq_low, freq_high} (also MCM's {@code freql, freqh}); the error lists the choices. */
    public static MotionRepresentation parse(String s) {
        switch (s) {
            case "freql": return FREQ_LOW;
            case "freqh": return FREQ_HIGH;
            default:
                for (MotionRepresentation m : values()) if (m.optionName().equals(s)) return m;
                throw new IllegalArgumentException("unknown motion representation '" + s + "'; choose raw, diff, freq_low (freql), freq_high (freqh), or learn");
        }
    }
}
