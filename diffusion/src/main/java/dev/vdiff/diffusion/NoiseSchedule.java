package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.util.Locale;

/**
 * A discrete DDPM noise schedule: the betas and the cumulative products derived from them, computed in float64.
 *
 * <table>
 *   <caption>Notation (SPEC §0 and §1.2)</caption>
 *   <tr><th>here</th><th>SPEC / papers</th><th>diffusers</th><th>meaning</th></tr>
 *   <tr><td>{@code T}</td><td>T</td><td>{@code num_train_timesteps}</td><td>number of steps, {@code t = 0 .. T-1}</td></tr>
 *   <tr><td>{@code beta(t)}</td><td>beta_t</td><td>{@code betas}</td><td>variance added at step t</td></tr>
 *   <tr><td>{@code alphaBar(t)}</td><td>alpha_bar_t = prod_{i &lt;= t} (1 - beta_i)</td><td>{@code alphas_cumprod}</td><td>signal variance left at t</td></tr>
 *   <tr><td>{@code sqrtAlphaBar(t)}</td><td>a_t</td><td>{@code sqrt_alphas_cumprod}</td><td>signal coefficient</td></tr>
 *   <tr><td>{@code sqrtOneMinusAlphaBar(t)}</td><td>s_t</td><td>{@code sqrt_one_minus_alphas_cumprod}</td><td>noise coefficient</td></tr>
 * </table>
 *
 * <p>With these, the forward process is {@code z_t = a_t z_0 + s_t eps} (SPEC §1.2; Ho et al. 2020, eq. 4).
 * Three beta schedules:
 * <ul>
 *   <li>{@link #scaledLinear} (diffusers {@code "scaled_linear"}, LDM's "linear"): the square roots of the betas are
 *   evenly spaced, {@code beta_i = (sqrt(b0) + i (sqrt(b1) - sqrt(b0)) / (T-1))^2}. This is the Stable Diffusion /
 *   VideoCrafter2 schedule (SPEC §1.1, docs/ORACLE.md §5.17); {@link #videoCrafter2()} has its constants.</li>
 *   <li>{@link #linear} ({@code "linear"}): the betas themselves evenly spaced (Ho et al. 2020, §4: 1e-4 to 0.02).</li>
 *   <li>{@link #cosine} ({@code "squaredcos_cap_v2"}): Nichol and Dhariwal 2021, eq. 17,
 *   {@code alpha_bar(t) = f(t)/f(0)}, {@code f(t) = cos(((t/T + s)/(1 + s)) pi/2)^2}, {@code s = 0.008}, with
 *   {@code beta_i = min(1 - alpha_bar((i+1)/T) / alpha_bar(i/T), 0.999)} (their §3.2 clips at 0.999).</li>
 * </ul>
 *
 * <pre>{@code
 * NoiseSchedule vc2 = NoiseSchedule.videoCrafter2();
 * vc2.beta(0);                     // 0.00085
 * vc2.alphaBar(999);               // 0.0046601 (SPEC §1.1: the terminal SNR is not zero)
 * vc2.alphasCumprod(DType.FLOAT32) // the 1000 values rounded to float, as a [1000] tensor
 * }</pre>
 */
public final class NoiseSchedule {
    /** Offset {@code s} of the cosine schedule (Nichol and Dhariwal 2021, §3.2). */
    public static final double COSINE_OFFSET = 0.008;
    /** Largest beta of the cosine schedule (Nichol and Dhariwal 2021, §3.2). */
    public static final double COSINE_MAX_BETA = 0.999;

    private final String description;
    private final double[] betas;
    private final double[] alphasCumprod;

    private NoiseSchedule(String description, double[] betas) {
        if (betas.length < 1) throw new IllegalArgumentException("NoiseSchedule: needs at least one timestep, got " + betas.length);
        for (int i = 0; i < betas.length; i++) {
            // beta = 1 is allowed at the last timestep only: a zero-terminal-SNR schedule ends in pure noise there.
            boolean terminal = i == betas.length - 1 && betas[i] == 1;
            if (!(betas[i] > 0 && betas[i] < 1) && !terminal) throw new IllegalArgumentException("NoiseSchedule " + description + ": beta[" + i + "] = " + betas[i] + " is not in (0, 1)");
        }
        this.description = description;
        this.betas = betas;
        this.alphasCumprod = new double[betas.length];
        double product = 1;
        for (int i = 0; i < betas.length; i++) {
            product *= 1 - betas[i];
            alphasCumprod[i] = product;
        }
    }

    /** {@code beta_i = (sqrt(betaStart) + i (sqrt(betaEnd) - sqrt(betaStart)) / (T-1))^2}, i = 0..T-1 (docs/ORACLE.md §5.17). */
    public static NoiseSchedule scaledLinear(int numTrainTimesteps, double betaStart, double betaEnd) {
        double[] roots = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), numTrainTimesteps);
        double[] betas = new double[roots.length];
        for (int i = 0; i < betas.length; i++) betas[i] = roots[i] * roots[i];
        return new NoiseSchedule(String.format(Locale.ROOT, "scaled_linear(T=%d, %s..%s)", numTrainTimesteps, betaStart, betaEnd), betas);
    }

    /** {@code beta_i = betaStart + i (betaEnd - betaStart) / (T-1)}, i = 0..T-1. */
    public static NoiseSchedule linear(int numTrainTimesteps, double betaStart, double betaEnd) {
        return new NoiseSchedule(String.format(Locale.ROOT, "linear(T=%d, %s..%s)", numTrainTimesteps, betaStart, betaEnd),
            linspace(betaStart, betaEnd, numTrainTimesteps));
    }

    /** The cosine schedule of Nichol and Dhariwal 2021 (eq. 17), betas clipped at {@link #COSINE_MAX_BETA}. */
    public static NoiseSchedule cosine(int numTrainTimesteps) {
        checkSteps(numTrainTimesteps);
        double[] betas = new double[numTrainTimesteps];
        for (int i = 0; i < numTrainTimesteps; i++) {
            double ratio = cosineF((i + 1.0) / numTrainTimesteps) / cosineF((double) i / numTrainTimesteps);   // alpha_bar(t2) / alpha_bar(t1); f(0) cancels
            betas[i] = Math.min(1 - ratio, COSINE_MAX_BETA);
        }
        return new NoiseSchedule("squaredcos_cap_v2(T=" + numTrainTimesteps + ")", betas);
    }

    /** The VideoCrafter2 / Stable Diffusion schedule: scaled-linear, T = 1000, 0.00085 to 0.012 (SPEC §1.1). */
    public static NoiseSchedule videoCrafter2() {
        return scaledLinear(1000, 0.00085, 0.012);
    }

    /**
     * A schedule by its diffusers name ({@code beta_schedule}): {@code "scaled_linear"}, {@code "linear"} or
     * {@code "squaredcos_cap_v2"} (alias {@code "cosine"}, which ignores the two betas).
     */
    public static NoiseSchedule of(String betaSchedule, int numTrainTimesteps, double betaStart, double betaEnd) {
        switch (betaSchedule) {
            case "scaled_linear": return scaledLinear(numTrainTimesteps, betaStart, betaEnd);
            case "linear": return linear(numTrainTimesteps, betaStart, betaEnd);
            case "squaredcos_cap_v2": case "cosine": return cosine(numTrainTimesteps);
            default: throw new IllegalArgumentException("NoiseSchedule: unknown beta_schedule '" + betaSchedule + "' (expected scaled_linear, linear or squaredcos_cap_v2)");
        }
    }

    /**
     * This schedule rescaled to zero terminal SNR (Lin, Liu, Li and Yang 2024, "Common Diffusion Noise Schedules
     * and Sample Steps Are Flawed", §3.1 and Algorithm 1; diffusers' {@code rescale_betas_zero_snr}; not in SPEC,
     * which keeps VC2's non-zero terminal SNR, §1.1): the signal coefficients {@code a_t = sqrt(alpha_bar_t)} are
     * shifted so that the last is 0 and scaled so that the first is kept,
     * <pre>
     *   a'_t = (a_t - a_{T-1}) a_0 / (a_0 - a_{T-1}),   alpha_bar'_t = a'_t^2,
     *   beta'_0 = 1 - alpha_bar'_0,   beta'_t = 1 - alpha_bar'_t / alpha_bar'_{t-1}   (so beta'_{T-1} = 1).
     * </pre>
     * Why: with VC2's {@code alpha_bar_999 = 0.0047} the training input at t = 999 still holds
     * {@code a_999 = 0.068} of the clean video. Averaged over a clip that leak is far above the noise (for a
     * 16x16x8 clip the mean colour's SNR is 0.0047 x 2048 = 9.6), so the network learns to read the clip's mean
     * colour from its input; sampling starts from pure noise, which has none, and the samples get a wrong, greyish
     * mean (Lin et al. §3.1, Fig. 1). At zero terminal SNR the network must produce it from the condition.
     * Epsilon prediction cannot be sampled from {@code a_{T-1} = 0} ({@code x0 = (z - s e)/a}); use v-prediction
     * (Lin et al. §3.2).
     */
    public NoiseSchedule rescaledToZeroTerminalSnr() {
        int n = betas.length;
        if (n < 2) throw new IllegalArgumentException("NoiseSchedule: zero terminal SNR needs at least 2 timesteps, got " + n);
        double a0 = Math.sqrt(alphasCumprod[0]), aT = Math.sqrt(alphasCumprod[n - 1]);
        double[] abar = new double[n];
        for (int i = 0; i < n; i++) {
            double a = (Math.sqrt(alphasCumprod[i]) - aT) * a0 / (a0 - aT);
            abar[i] = a * a;
        }
        double[] b = new double[n];
        b[0] = 1 - abar[0];
        for (int i = 1; i < n; i++) b[i] = 1 - abar[i] / abar[i - 1];
        b[n - 1] = 1;   // abar[n-1] = 0 exactly: the last step destroys all signal
        return new NoiseSchedule(description + "+zero_terminal_snr", b);
    }

    /** {@code f(t) = cos(((t + s)/(1 + s)) pi/2)^2} of Nichol and Dhariwal 2021, eq. 17, with t in [0, 1]. */
    private static double cosineF(double t) {
        double c = Math.cos((t + COSINE_OFFSET) / (1 + COSINE_OFFSET) * Math.PI / 2);
        return c * c;
    }

    /** {@code n} evenly spaced values from {@code start} to {@code end} inclusive: {@code start + i (end - start) / (n-1)}. */
    private static double[] linspace(double start, double end, int n) {
        checkSteps(n);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = n == 1 ? start : start + i * (end - start) / (n - 1);
        return v;
    }

    private static void checkSteps(int n) {
        if (n < 1) throw new IllegalArgumentException("NoiseSchedule: num_train_timesteps must be >= 1, got " + n);
    }

    public int numTrainTimesteps() {
        return betas.length;
    }

    public double beta(int t) {
        return betas[check(t)];
    }

    /** {@code alpha_bar_t = prod_{i<=t} (1 - beta_i)}. */
    public double alphaBar(int t) {
        return alphasCumprod[check(t)];
    }

    /** {@code SNR(t) = alpha_bar_t / (1 - alpha_bar_t)}, the signal-to-noise ratio of the noisy input at t. */
    public double snr(int t) {
        double ab = alphaBar(t);
        return ab / (1 - ab);
    }

    /** {@code a_t = sqrt(alpha_bar_t)}, the signal coefficient. */
    public double sqrtAlphaBar(int t) {
        return Math.sqrt(alphaBar(t));
    }

    /** {@code s_t = sqrt(1 - alpha_bar_t)}, the noise coefficient. */
    public double sqrtOneMinusAlphaBar(int t) {
        return Math.sqrt(1 - alphaBar(t));
    }

    /** {@code a_t} for each timestep of an int64 tensor, as a float64 tensor of the same shape (per-sample coefficients). */
    public Tensor sqrtAlphaBar(Tensor timesteps) {
        return lookup(timesteps, true);
    }

    /** {@code s_t} for each timestep of an int64 tensor, as a float64 tensor of the same shape. */
    public Tensor sqrtOneMinusAlphaBar(Tensor timesteps) {
        return lookup(timesteps, false);
    }

    private Tensor lookup(Tensor timesteps, boolean signal) {
        if (timesteps.dtype() != DType.INT64) throw new IllegalArgumentException("NoiseSchedule: timesteps must be int64, got " + timesteps.dtype() + Shape.str(timesteps.shape()));
        long[] t = timesteps.contiguous().longs();
        double[] v = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= betas.length) throw new IllegalArgumentException("NoiseSchedule: timestep " + t[i] + " outside 0.." + (betas.length - 1));
            v[i] = signal ? sqrtAlphaBar((int) t[i]) : sqrtOneMinusAlphaBar((int) t[i]);
        }
        return Tensor.of(v, timesteps.shape());
    }

    /** All betas, {@code [T]}, in {@code dtype} (float32: the float64 values rounded). */
    public Tensor betas(DType dtype) {
        return table(dtype, betas.clone());
    }

    /** {@code alphas_cumprod}, {@code [T]}. */
    public Tensor alphasCumprod(DType dtype) {
        return table(dtype, alphasCumprod.clone());
    }

    /** {@code sqrt_alphas_cumprod}, {@code [T]}. */
    public Tensor sqrtAlphasCumprod(DType dtype) {
        double[] v = new double[betas.length];
        for (int i = 0; i < v.length; i++) v[i] = sqrtAlphaBar(i);
        return table(dtype, v);
    }

    /** {@code sqrt_one_minus_alphas_cumprod}, {@code [T]}. */
    public Tensor sqrtOneMinusAlphasCumprod(DType dtype) {
        double[] v = new double[betas.length];
        for (int i = 0; i < v.length; i++) v[i] = sqrtOneMinusAlphaBar(i);
        return table(dtype, v);
    }

    private static Tensor table(DType dtype, double[] v) {
        Tensor t = Tensor.of(v, v.length);
        if (dtype == DType.FLOAT64) return t;
        if (dtype == DType.FLOAT32) return t.to(DType.FLOAT32);
        throw new IllegalArgumentException("NoiseSchedule: tables are float32 or float64, not " + dtype);
    }

    private int check(int t) {
        if (t < 0 || t >= betas.length) throw new IllegalArgumentException("NoiseSchedule " + description + ": timestep " + t + " outside 0.." + (betas.length - 1));
        return t;
    }

    @Override
    public String toString() {
        return description;
    }
}
