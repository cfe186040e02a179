package dev.vdiff.reference.mcm.lora;

import java.util.regex.Pattern;

/**
 * Options of the low-rank adapters (Hu et al., 2021, "LoRA", eq. 3: {@code W = W0 + (alpha / r) B A}).
 * MCM's release trains rank 64, alpha 64 on the attention, linear and 2-D convolution layers of the student
 * and leaves its temporal 3-D convolutions out (SPEC §4.5).
 *
 * @param rank             r, the inner dimension of {@code B [out, r]} and {@code A [r, in * kernel]}
 * @param alpha            the scale numerator: the update is {@code (alpha / r) B A}
 * @param includeTemporal  whether temporal layers get adapters too (false: MCM's setting)
 * @param temporalNames    layers whose dotted name matches are temporal (the video UNet's temporal attention);
 *                         3-D convolutions whose kernel is {@code (k > 1, 1, 1)} are temporal whatever their name
 */
public record LoraConfig(int rank, double alpha, boolean includeTemporal, Pattern temporalNames) {
    /** MCM's release: r = 64, alpha = 64, temporal layers excluded, temporal attention named {@code *tattn*}. */
    public static final LoraConfig MCM = new LoraConfig(64, 64, false, Pattern.compile(".*(tattn|temporal).*"));

    public LoraConfig {
        if (rank < 1) throw new IllegalArgumentException("LoRA: rank must be >= 1, got " + rank);
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("LoRA: alpha must be a positive number, got " + alpha);
        if (temporalNames == null) throw new IllegalArgumentException("LoRA: a pattern for temporal layer names is required");
    }

    /** {@code alpha / r}. */
    public double scale() {
        return alpha / rank;
    }
}
