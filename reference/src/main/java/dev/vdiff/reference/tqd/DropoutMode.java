package dev.vdiff.reference.tqd;

/**
 * How TQD's quality-based dropout (SPEC §2.3) is applied.
 * <ul>
 *   <li>{@link #REJECTION} (default, our reading of the paper): a sample is kept with probability {@code max(m, v)},
 *       a dropped one is replaced by the next candidate ({@link QualityDropout}).</li>
 *   <li>{@link #LOSS_WEIGHT} (KREA's approximation): every sample is used, its loss weighted by
 *       {@code max(m, v) / mean_batch(max(m, v))} ({@link QualityDropout#lossWeights}).</li>
 *   <li>{@link #NONE}: no dropout (for ablations).</li>
 * </ul>
 */
public enum DropoutMode {
    REJECTION("rejection"),
    LOSS_WEIGHT("loss-weight"),
    NONE("none");

    /** The name used on the command line. */
    public final String cliName;

    DropoutMode(String cliName) {
        this.cliName = cliName;
    }

    public static DropoutMode parse(String name) {
        for (DropoutMode d : values()) if (d.cliName.equalsIgnoreCase(name.strip())) return d;
        throw new IllegalArgumentException("unknown dropout mode '" + name + "' (expected rejection, loss-weight or none)");
    }
}
