package dev.vdiff.reference.tqd;

/**
 * The two knobs of TQD's timestep law (SPEC §2.2): the concentration of the Beta law when motion and visual
 * quality agree, and the concentration it grows to when they disagree completely.
 *
 * <pre>{@code
 * TqdConfig.DEFAULT;                 // kappa_base 2, kappa_max 8
 * new TqdConfig(4, 8);               // a base model trained with logit-normal t
 * }</pre>
 *
 * @param kappaBase {@code kappa_base > 0}: at {@code m = v} the law is {@code Beta(kappa_base/2, kappa_base/2)}.
 *                  2 (the default) makes it uniform, the choice for base models trained with uniform {@code t};
 *                  4 makes it {@code Beta(2, 2)}, the choice for base models trained with logit-normal {@code t}
 *                  [SPEC §2.2, SECONDARY].
 * @param kappaMax  {@code kappa_max >= kappa_base}: the concentration at {@code |m - v| = 1}. The paper tunes it per
 *                  model and its value was not found; 8 follows the KREA re-implementation [SPEC §2.2, RECONSTRUCTED].
 */
public record TqdConfig(double kappaBase, double kappaMax) {
    /** {@code kappa_base = 2, kappa_max = 8} (SPEC §2.2, §2.5b). */
    public static final TqdConfig DEFAULT = new TqdConfig(2, 8);

    public TqdConfig {
        if (!(kappaBase > 0) || Double.isInfinite(kappaBase)) throw new IllegalArgumentException("TqdConfig: kappa_base must be a finite number > 0, got " + kappaBase);
        if (!(kappaMax >= kappaBase) || Double.isInfinite(kappaMax)) throw new IllegalArgumentException("TqdConfig: kappa_max must be finite and >= kappa_base (" + kappaBase + "), got " + kappaMax);
    }
}
