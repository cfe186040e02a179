package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;

/**
 * Per-timestep loss weights that cap the weight of the low-noise timesteps, after Min-SNR-gamma (Hang et al. 2023,
 * "Efficient Diffusion Training via Min-SNR Weighting Strategy", §3.4; not in SPEC). The paper weights the
 * clean-video error {@code ||x0 - x0_hat||^2} by {@code min(SNR_t, gamma)}, so that the many easy low-noise steps
 * ({@code SNR_t > gamma}) stop dominating the gradient. In terms of each objective's own loss:
 * <ul>
 *   <li>epsilon ({@code ||eps - eps_hat||^2 = SNR_t ||x0 - x0_hat||^2}): {@code w_t = min(SNR_t, gamma) / SNR_t}
 *       (the paper's eq. for epsilon);</li>
 *   <li>v ({@code ||v - v_hat||^2 = (SNR_t + 1) ||x0 - x0_hat||^2}): {@code w_t = min(SNR_t + 1, gamma) / (SNR_t + 1)}.
 *       RECONSTRUCTED/our choice: the paper's v form {@code min(SNR_t, gamma) / (SNR_t + 1)} also weights the
 *       high-noise steps down, to 0 at a zero-terminal-SNR {@code t = 999}, which is where a sampler starts and where
 *       the clip's mean colour is decided; with the {@code + 1} (as in diffusers' SDXL training scripts) the weight
 *       is 1 wherever {@code SNR_t + 1 <= gamma} and only the low-noise steps are capped.</li>
 * </ul>
 * Flow matching has no SNR of this form: refused.
 */
public final class MinSnrWeight {
    private MinSnrWeight() {}

    /** {@code w_t} for each timestep of {@code t} (see the class comment). */
    public static double[] of(long[] t, NoiseSchedule schedule, Objective objective, double gamma) {
        if (!(gamma > 0)) throw new IllegalArgumentException("min-SNR gamma must be > 0, got " + gamma);
        double[] w = new double[t.length];
        for (int i = 0; i < t.length; i++) w[i] = weight(schedule.snr((int) t[i]), objective, gamma);
        return w;
    }

    /** The weight at signal-to-noise ratio {@code snr}. */
    public static double weight(double snr, Objective objective, double gamma) {
        switch (objective) {
            case EPSILON: return snr == 0 ? 1 : Math.min(snr, gamma) / snr;
            case V: return Math.min(snr + 1, gamma) / (snr + 1);
            default: throw new IllegalArgumentException("min-SNR weighting applies to the eps and v objectives, not to " + objective.cliName);
        }
    }
}
