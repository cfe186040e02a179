package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.NoiseSchedule;

/**
 * The two diffusion forms TPDiff is written for, in its unified notation {@code x_t = gamma_t x_0 + sigma_t eps}
 * (SPEC §5.1; TPDiff eq. 6). A form says what {@code gamma_t} and {@code sigma_t} are, where the process starts
 * and ends, and where a stage must start after a jump so that renoising is exact (SPEC §5.5).
 *
 * <table>
 *   <caption>The forms (SPEC §5.1, §1.6, §1.2)</caption>
 *   <tr><th>form</th><th>time t</th><th>gamma_t</th><th>sigma_t</th><th>clean / noise end</th></tr>
 *   <tr><td>{@link Flow}</td><td>continuous in [0, 1]</td><td>1 - t</td><td>t</td><td>t = 0 / t = 1 (pure noise)</td></tr>
 *   <tr><td>{@link Vp}</td><td>a discrete timestep in {-1, 0, .., T-1}</td><td>sqrt(alpha_bar_t)</td>
 *       <td>sqrt(1 - alpha_bar_t)</td><td>t = -1 (alpha_bar = 1, as {@code DdimStep}) / t = T-1</td></tr>
 * </table>
 *
 * <p>Times grow with the noise, and the stages of a pyramid partition {@code [clean, noise]} (SPEC §5.1).
 */
public sealed interface DiffusionForm permits DiffusionForm.Flow, DiffusionForm.Vp {
    /** The signal coefficient {@code gamma_t}. */
    double gamma(double t);

    /** The noise coefficient {@code sigma_t}. */
    double sigma(double t);

    /** The time of the clean end (the end of stage 1). */
    double cleanTime();

    /** The time of the noisy end (the start of stage K). */
    double noiseTime();

    /** {@code stages + 1} evenly spaced boundaries {@code t_0 = clean < t_1 < .. < t_K = noise} ("uniformly partitioned", SPEC §5.1). */
    double[] uniformBoundaries(int stages);

    /**
     * The start {@code s_k} of the finer stage after a jump from a coarser stage that ended at {@code end}: the
     * time whose SNR is half the end's, {@code gamma_s / sigma_s = (gamma_e / sigma_e) / sqrt 2}, the condition of
     * SPEC §5.5 (TPDiff eq. 21) for anti-correlated pair noise with {@code rho = -1} (eq. 22). For a discrete form,
     * the first timestep at least that noisy.
     */
    double correctedStart(double end);

    /** Rejects a time outside the form's range (or, for a discrete form, not a timestep). */
    void checkTime(double t);

    /** How the form ties {@code gamma} and {@code sigma} together. */
    Normalisation normalisation();

    /**
     * The constraint between a form's coefficients, which fixes them given their ratio, the SNR
     * {@code gamma / sigma} (SPEC §5.5 states the renoise condition as an SNR ratio).
     */
    enum Normalisation {
        /** {@code gamma + sigma = 1} (rectified flow). */
        FLOW,
        /** {@code gamma^2 + sigma^2 = 1} (variance preserving: DDPM/DDIM, or the trigonometric path). */
        VARIANCE_PRESERVING;

        /** {@code (gamma, sigma)} with {@code gamma / sigma = snr} under this normalisation; {@code snr >= 0}. */
        public double[] coefficientsAtSnr(double snr) {
            if (!(snr >= 0) || Double.isInfinite(snr)) throw new IllegalArgumentException("DiffusionForm.Normalisation: SNR must be finite and >= 0, got " + snr);
            double norm = this == FLOW ? 1 + snr : Math.sqrt(1 + snr * snr);
            return new double[] {snr / norm, 1 / norm};
        }
    }

    /** True when times are integer timesteps that the model is called with as int64. */
    boolean discrete();

    /**
     * Rectified flow in TPDiff's convention (SPEC §1.6; TPDiff eqs. 4-5): {@code x_t = (1 - t) x_0 + t eps},
     * {@code t = 1} pure noise.
     */
    record Flow() implements DiffusionForm {
        @Override
        public double gamma(double t) {
            checkTime(t);
            return 1 - t;
        }

        @Override
        public double sigma(double t) {
            checkTime(t);
            return t;
        }

        @Override
        public double cleanTime() {
            return 0;
        }

        @Override
        public double noiseTime() {
            return 1;
        }

        @Override
        public double[] uniformBoundaries(int stages) {
            checkStages(stages);
            double[] b = new double[stages + 1];
            for (int k = 0; k <= stages; k++) b[k] = (double) k / stages;
            return b;
        }

        /**
         * Solving SPEC §5.5's {@code gamma_e = sqrt2 gamma_s / (sigma_s + sqrt2 gamma_s)} (eq. 22) for {@code s}
         * with {@code gamma = 1 - t}, {@code sigma = t}: {@code s = sqrt2 e / ((1 - e) + sqrt2 e)}. End 2/3 gives
         * 0.738796, end 1/3 gives 0.414214 (SPEC §5.5 worked numbers; PF-CODE {@code init_sigmas_for_each_stage}
         * with {@code gamma = 1}, the temporal pair in place of the spatial 2x2 block).
         */
        @Override
        public double correctedStart(double end) {
            checkTime(end);
            if (end == 0) throw new IllegalArgumentException("DiffusionForm.Flow: a stage cannot end at the clean time 0 and be followed by another");
            double r2 = Math.sqrt(2) * end;
            return r2 / ((1 - end) + r2);
        }

        @Override
        public void checkTime(double t) {
            if (!(t >= 0 && t <= 1)) throw new IllegalArgumentException("DiffusionForm.Flow: time " + t + " is outside [0, 1]");
        }

        @Override
        public boolean discrete() {
            return false;
        }

        @Override
        public Normalisation normalisation() {
            return Normalisation.FLOW;
        }

        @Override
        public String toString() {
            return "flow";
        }
    }

    /**
     * The discrete variance-preserving (DDPM/DDIM) form of a {@link NoiseSchedule} (SPEC §5.1, §1.2):
     * {@code gamma_t = sqrt(alpha_bar_t)}, {@code sigma_t = sqrt(1 - alpha_bar_t)} at integer timesteps, with
     * {@code t = -1} standing for the clean sample ({@code alpha_bar = 1}, as {@code DdimStep}'s {@code tPrev = -1}).
     *
     * <p>[RECONSTRUCTED] The noisy end is the schedule's last timestep {@code T-1}, not an extra pure-noise point:
     * an eps-predicting network cannot start from {@code gamma = 0}, and the sampler starts from N(0, I) at
     * {@code T-1} as ordinary DDIM does (the VC2 / SD terminal SNR is small but not zero, SPEC §1.1).
     */
    record Vp(NoiseSchedule schedule) implements DiffusionForm {
        public Vp {
            if (schedule == null) throw new IllegalArgumentException("DiffusionForm.Vp: schedule is required");
        }

        /** {@code alpha_bar_t}, with {@code alpha_bar_{-1} = 1}. */
        public double alphaBar(double t) {
            checkTime(t);
            return t < 0 ? 1.0 : schedule.alphaBar((int) t);
        }

        @Override
        public double gamma(double t) {
            return Math.sqrt(alphaBar(t));
        }

        @Override
        public double sigma(double t) {
            return Math.sqrt(1 - alphaBar(t));
        }

        @Override
        public double cleanTime() {
            return -1;
        }

        @Override
        public double noiseTime() {
            return schedule.numTrainTimesteps() - 1;
        }

        /** {@code t_k = round(k T / K) - 1}: for T = 1000, K = 3: -1, 332, 666, 999. */
        @Override
        public double[] uniformBoundaries(int stages) {
            checkStages(stages);
            int n = schedule.numTrainTimesteps();
            if (stages > n) throw new IllegalArgumentException("DiffusionForm.Vp: " + stages + " stages do not fit into " + n + " timesteps");
            double[] b = new double[stages + 1];
            for (int k = 0; k <= stages; k++) b[k] = Math.round((double) k * n / stages) - 1;
            return b;
        }

        /**
         * [RECONSTRUCTED, SPEC §5.5 "For DDIM (VP)"] Half the SNR of the end: with {@code gamma^2 + sigma^2 = 1},
         * {@code alpha_bar_s = alpha_bar_e / (2 - alpha_bar_e)} (equivalently {@code gamma_e = sqrt2 gamma_s /
         * sqrt(sigma_s^2 + 2 gamma_s^2)}), rounded to the first integer timestep at least that noisy. The renoise
         * then uses the general pair correlation of {@link Renoise#jump} for the actual start, which is
         * {@code rho = -1} only when the rounding is exact.
         */
        @Override
        public double correctedStart(double end) {
            checkTime(end);
            double target = alphaBar(end) / (2 - alphaBar(end));
            for (int t = (int) end + 1; t < schedule.numTrainTimesteps(); t++) {
                if (schedule.alphaBar(t) <= target) return t;
            }
            throw new IllegalArgumentException("DiffusionForm.Vp: no timestep up to " + (schedule.numTrainTimesteps() - 1)
                + " has half the SNR of timestep " + (int) end + " (alpha_bar " + alphaBar(end) + "); move the stage boundary down");
        }

        @Override
        public void checkTime(double t) {
            if (t != Math.rint(t) || t < -1 || t >= schedule.numTrainTimesteps()) {
                throw new IllegalArgumentException("DiffusionForm.Vp: time " + t + " is not a timestep in -1.." + (schedule.numTrainTimesteps() - 1));
            }
        }

        @Override
        public boolean discrete() {
            return true;
        }

        @Override
        public Normalisation normalisation() {
            return Normalisation.VARIANCE_PRESERVING;
        }

        @Override
        public String toString() {
            return "vp(" + schedule + ")";
        }
    }

    private static void checkStages(int stages) {
        if (stages < 1) throw new IllegalArgumentException("DiffusionForm: need at least one stage, got " + stages);
    }
}
