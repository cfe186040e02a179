package dev.vdiff.diffusion;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

import java.util.Arrays;

/**
 * One DDIM update from timestep {@code t} to an earlier timestep {@code tPrev} (SPEC §1.3; Song, Meng and Ermon
 * 2021, "Denoising Diffusion Implicit Models", eqs. 12 and 16), and its inverse.
 *
 * <table>
 *   <caption>Notation</caption>
 *   <tr><th>here</th><th>SPEC §1.3</th><th>DDIM paper</th><th>diffusers</th></tr>
 *   <tr><td>{@code alphaBar}</td><td>alpha_bar_t</td><td>alpha_t</td><td>{@code alpha_prod_t}</td></tr>
 *   <tr><td>{@code alphaBarPrev}</td><td>alpha_bar_p</td><td>alpha_{t-1}</td><td>{@code alpha_prod_t_prev}</td></tr>
 *   <tr><td>{@code x0}</td><td>x0_hat</td><td>"predicted x_0"</td><td>{@code pred_original_sample}</td></tr>
 *   <tr><td>{@code eps}</td><td>e</td><td>epsilon_theta^(t)(x_t)</td><td>{@code pred_epsilon}</td></tr>
 *   <tr><td>{@code sigma}</td><td>sigma_t</td><td>sigma_t(eta), eq. 16</td><td>{@code std_dev_t}</td></tr>
 *   <tr><td>{@code noise}</td><td>xi</td><td>epsilon_t</td><td>{@code variance_noise}</td></tr>
 * </table>
 *
 * <p>{@code tPrev = -1} means {@code alpha_bar_p = 1}: the last step lands on the clean sample (diffusers'
 * {@code set_alpha_to_one=True}; docs/ORACLE.md §5.18). The LVDM sampler instead ends at {@code alpha_bar_0},
 * which callers get with {@code tPrev = 0}. {@code tPrev = t} is allowed and returns {@code x_t} again (up to
 * rounding). No clipping or thresholding of {@code x0}.
 *
 * <pre>{@code
 * DdimStep ddim = new DdimStep(NoiseSchedule.videoCrafter2(), PredictionType.EPSILON, 0.0);
 * DdimStep.Result r = ddim.step(xt, epsPrediction, 999, 979);
 * r.prevSample();            // x_979 = sqrt(alpha_bar_979) x0 + sqrt(1 - alpha_bar_979) eps
 * }</pre>
 *
 * @param schedule the training noise schedule
 * @param predictionType what the network outputs
 * @param eta stochasticity: 0 is the deterministic DDIM (the first-order PF-ODE solver used by distillation,
 *            SPEC §1.3), 1 gives the DDPM posterior variance
 */
public record DdimStep(NoiseSchedule schedule, PredictionType predictionType, double eta) {
    public DdimStep {
        if (schedule == null || predictionType == null) throw new IllegalArgumentException("DdimStep: schedule and prediction type are required");
        if (!(eta >= 0) || Double.isInfinite(eta)) throw new IllegalArgumentException("DdimStep: eta must be >= 0, got " + eta);
    }

    /** The three tensors of one step, each of the shape and dtype of {@code x_t}. */
    public record Result(Tensor prevSample, Tensor predOriginalSample, Tensor predEpsilon) {}

    /** A deterministic step ({@code eta = 0} required). */
    public Result step(Tensor xt, Tensor modelOutput, int t, int tPrev) {
        if (eta != 0) throw new IllegalArgumentException("DdimStep: eta = " + eta + " needs a noise tensor; use step(xt, modelOutput, t, tPrev, noise)");
        return step(xt, modelOutput, t, tPrev, null);
    }

    /**
     * One step from {@code t} to {@code tPrev}; {@code noise} (standard normal, shape of {@code x_t}) is used
     * only when {@code sigma > 0} and may be null for {@code eta = 0}.
     */
    public Result step(Tensor xt, Tensor modelOutput, int t, int tPrev, Tensor noise) {
        if (!Arrays.equals(xt.shape(), modelOutput.shape())) {
            throw new IllegalArgumentException("DdimStep: x_t " + Shape.str(xt.shape()) + " and model output " + Shape.str(modelOutput.shape()) + " differ in shape");
        }
        checkTimes(t, tPrev);
        // 1. alpha_bar at t (the earlier end, where tPrev = -1 stands for alpha_bar = 1, enters in step 3).
        double alphaBar = schedule.alphaBar(t);
        // 2. The clean sample and the noise implied by the network output (SPEC §1.2; "predicted x_0" of DDIM eq. 12).
        double a = Math.sqrt(alphaBar), s = Math.sqrt(1 - alphaBar);
        Tensor x0 = Parameterization.x0(predictionType, xt, modelOutput, a, s);
        Tensor eps = Parameterization.epsilon(predictionType, xt, modelOutput, a, s);
        return new Result(prevSample(x0, eps, t, tPrev, noise), x0, eps);
    }

    /**
     * Steps 3 to 5 of {@link #step} on an already converted {@code x0} and {@code eps}: {@code x_p =
     * sqrt(alpha_bar_p) x0 + sqrt(1 - alpha_bar_p - sigma^2) eps + sigma xi} (DDIM eq. 12). Samplers use it to
     * clip {@code x0} first, or to apply guidance to {@code x0} and {@code eps} separately (SPEC §1.4).
     */
    public Tensor prevSample(Tensor x0, Tensor eps, int t, int tPrev, Tensor noise) {
        if (!Arrays.equals(x0.shape(), eps.shape())) {
            throw new IllegalArgumentException("DdimStep: x0 " + Shape.str(x0.shape()) + " and eps " + Shape.str(eps.shape()) + " differ in shape");
        }
        checkTimes(t, tPrev);
        double alphaBar = schedule.alphaBar(t);
        double alphaBarPrev = tPrev < 0 ? 1.0 : schedule.alphaBar(tPrev);
        // 3. sigma_t(eta) = eta sqrt((1 - alpha_bar_p)/(1 - alpha_bar_t)) sqrt(1 - alpha_bar_t/alpha_bar_p) (DDIM eq. 16).
        double sigma = sigma(alphaBar, alphaBarPrev);
        // 4. "Direction pointing to x_t": sqrt(1 - alpha_bar_p - sigma^2) eps (DDIM eq. 12); clamped at 0 against rounding.
        double direction = Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma));
        // 5. x_p = sqrt(alpha_bar_p) x0 + direction + sigma xi (DDIM eq. 12).
        Tensor prev = Arithmetic.add(Arithmetic.mul(x0, Math.sqrt(alphaBarPrev)), Arithmetic.mul(eps, direction));
        if (sigma > 0) {
            if (noise == null || !Arrays.equals(noise.shape(), x0.shape())) {
                throw new IllegalArgumentException("DdimStep: eta = " + eta + " needs a noise tensor of shape " + Shape.str(x0.shape()));
            }
            prev = Arithmetic.add(prev, Arithmetic.mul(noise, sigma));
        }
        return prev;
    }

    /** {@code sigma_t(eta)} of DDIM eq. 16 for the step {@code t -> tPrev} (0 for {@code tPrev = t}). */
    public double sigma(int t, int tPrev) {
        checkTimes(t, tPrev);
        return sigma(schedule.alphaBar(t), tPrev < 0 ? 1.0 : schedule.alphaBar(tPrev));
    }

    private double sigma(double alphaBar, double alphaBarPrev) {
        if (eta == 0) return 0;
        return eta * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBar) * Math.max(0, 1 - alphaBar / alphaBarPrev));
    }

    /**
     * The DDIM inversion step (SPEC §1.3, as in T2V-Turbo's {@code ddim_reverse_step}): from {@code z_p} at
     * {@code tPrev} up to {@code t > tPrev} with the noise estimate {@code eps},
     * {@code z_t = (z_p - sqrt(1 - alpha_bar_p) eps) sqrt(alpha_bar_t / alpha_bar_p) + sqrt(1 - alpha_bar_t) eps}.
     * It inverts the deterministic {@link #step} exactly when both use the same {@code eps} (SPEC §1.8 item 3).
     * Here {@code tPrev = -1} again means {@code alpha_bar_p = 1}.
     */
    public Tensor invert(Tensor zPrev, Tensor eps, int tPrev, int t) {
        checkTimes(t, tPrev);
        double alphaBar = schedule.alphaBar(t);
        double alphaBarPrev = tPrev < 0 ? 1.0 : schedule.alphaBar(tPrev);
        // x0 implied at the earlier time, then pushed forward to t with the same eps.
        Tensor x0 = Parameterization.x0FromEpsilon(zPrev, eps, Math.sqrt(alphaBarPrev), Math.sqrt(1 - alphaBarPrev));
        return Parameterization.addNoise(x0, eps, Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar));
    }

    private void checkTimes(int t, int tPrev) {
        int n = schedule.numTrainTimesteps();
        if (t < 0 || t >= n) throw new IllegalArgumentException("DdimStep: t = " + t + " outside 0.." + (n - 1));
        if (tPrev < -1 || tPrev > t) throw new IllegalArgumentException("DdimStep: t_prev = " + tPrev + " must be in -1..t (t = " + t + ")");
    }
}
