package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.Tensor;

/**
 * The motion representation on both sides of {@code L_MCD = huber(g(F_s), g^-(F_t))} (SPEC §4.2): the
 * student side {@code g} is differentiated, the target side {@code g^-} is not. Latents arrive in the
 * model's layout, {@code [B, C, F, H, W]} or (the project's video UNet) {@code [B, F, C, H, W]}.
 */
public interface MotionTarget {
    /** {@code g(x)}, recorded (the student's gradient flows through it). */
    Tensor student(Tensor x);

    /** {@code g^-(x)}, evaluated without a gradient. */
    Tensor target(Tensor x);

    /** Where the frames sit in the latents that {@link MotionTarget}s receive. */
    enum Layout {
        /** {@code [B, C, F, H, W]}: MCM's own layout. */
        BCFHW,
        /** {@code [B, F, C, H, W]}: the project's video UNet. */
        BFCHW;

        /** A {@code [B, C, F, H, W]} view of {@code x}. */
        public Tensor toBcfhw(Tensor x) {
            return this == BCFHW ? x : x.permute(0, 2, 1, 3, 4);
        }
    }

    /** A fixed representation ({@code raw, diff, freq_low, freq_high}): the same function on both sides. */
    static MotionTarget fixed(MotionRepresentation kind, ButterworthFilter filter, Layout layout) {
        return new MotionTarget() {
            @Override
            public Tensor student(Tensor x) {
                return kind.apply(layout.toBcfhw(x), filter);
            }

            @Override
            public Tensor target(Tensor x) {
                return kind.apply(layout.toBcfhw(x), filter);
            }
        };
    }

    /** The learnable head {@code g_phi} on the student side, its EMA copy {@code g_phi^-} on the target side. */
    static MotionTarget learned(LearnedMotionHead online, LearnedMotionHead ema, Layout layout) {
        return new MotionTarget() {
            @Override
            public Tensor student(Tensor x) {
                return online.apply(layout.toBcfhw(x));
            }

            @Override
            public Tensor target(Tensor x) {
                return ema.apply(layout.toBcfhw(x));
            }
        };
    }
}
