package dev.vdiff.diffusion;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

import static dev.vdiff.diffusion.Coefficients.over;
import static dev.vdiff.diffusion.Coefficients.times;

/**
 * The one place for the forward process and the conversions between the three network parameterisations
 * (SPEC §1.2). Every method is differentiable (built from {@link Arithmetic}), so training losses can use it.
 *
 * <table>
 *   <caption>Notation (SPEC §0, §1.2)</caption>
 *   <tr><th>here</th><th>SPEC</th><th>paper</th><th>meaning</th></tr>
 *   <tr><td>{@code zt}</td><td>z_t</td><td>x_t (Ho et al. 2020)</td><td>noisy sample at step t</td></tr>
 *   <tr><td>{@code x0}</td><td>z_0, x0_hat</td><td>x_0</td><td>clean sample (or its prediction)</td></tr>
 *   <tr><td>{@code eps}</td><td>eps, e</td><td>epsilon</td><td>the noise (or its prediction)</td></tr>
 *   <tr><td>{@code v}</td><td>v</td><td>v (Salimans and Ho 2022, §4)</td><td>velocity {@code a_t eps - s_t x0}</td></tr>
 *   <tr><td>{@code a}</td><td>a_t = sqrt(alpha_bar_t)</td><td>alpha_t (Salimans and Ho)</td><td>signal coefficient</td></tr>
 *   <tr><td>{@code s}</td><td>s_t = sqrt(1 - alpha_bar_t)</td><td>sigma_t (Salimans and Ho)</td><td>noise coefficient</td></tr>
 * </table>
 *
 * <p>The identities, for {@code a^2 + s^2 = 1}:
 * <pre>
 *   z_t = a x0 + s eps                              forward process (Ho et al. 2020, eq. 4)
 *   v   = a eps - s x0                              (Salimans and Ho 2022, §4)
 *   x0  = (z_t - s eps) / a,   eps = (z_t - a x0) / s
 *   x0  = a z_t - s v,         eps = a v + s z_t
 * </pre>
 * The last line uses {@code a^2 + s^2 = 1}; the others hold for any a, s.
 *
 * <p>Coefficients come as numbers (one timestep for the whole batch) or as float64 tensors: 0-d, or {@code [B]}
 * with one value per sample of {@code [B, ...]} samples (e.g. {@link NoiseSchedule#sqrtAlphaBar(Tensor)}).
 *
 * <pre>{@code
 * NoiseSchedule sch = NoiseSchedule.videoCrafter2();
 * double a = sch.sqrtAlphaBar(500), s = sch.sqrtOneMinusAlphaBar(500);
 * Tensor zt = Parameterization.addNoise(x0, eps, a, s);
 * Parameterization.x0FromEpsilon(zt, eps, a, s);      // x0 again, to rounding
 * }</pre>
 */
public final class Parameterization {
    private Parameterization() {}

    /** {@code z_t = a x0 + s eps} (SPEC §1.2; Ho et al. 2020, eq. 4). */
    public static Tensor addNoise(Tensor x0, Tensor eps, Tensor a, Tensor s) {
        return Arithmetic.add(times(x0, a), times(eps, s));
    }

    /** The velocity target {@code v = a eps - s x0} (Salimans and Ho 2022, §4). */
    public static Tensor velocity(Tensor x0, Tensor eps, Tensor a, Tensor s) {
        return Arithmetic.sub(times(eps, a), times(x0, s));
    }

    /** {@code x0 = (z_t - s eps) / a} (SPEC §1.2, from an eps-prediction). */
    public static Tensor x0FromEpsilon(Tensor zt, Tensor eps, Tensor a, Tensor s) {
        return over(Arithmetic.sub(zt, times(eps, s)), a);
    }

    /** {@code eps = (z_t - a x0) / s} (SPEC §1.2, from an x0-prediction). */
    public static Tensor epsilonFromX0(Tensor zt, Tensor x0, Tensor a, Tensor s) {
        return over(Arithmetic.sub(zt, times(x0, a)), s);
    }

    /** {@code x0 = a z_t - s v} (SPEC §1.2, from a v-prediction). */
    public static Tensor x0FromV(Tensor zt, Tensor v, Tensor a, Tensor s) {
        return Arithmetic.sub(times(zt, a), times(v, s));
    }

    /** {@code eps = a v + s z_t} (SPEC §1.2, from a v-prediction). */
    public static Tensor epsilonFromV(Tensor zt, Tensor v, Tensor a, Tensor s) {
        return Arithmetic.add(times(v, a), times(zt, s));
    }

    /** The clean-sample estimate from a network output of the given type. */
    public static Tensor x0(PredictionType type, Tensor zt, Tensor modelOutput, Tensor a, Tensor s) {
        switch (type) {
            case EPSILON: return x0FromEpsilon(zt, modelOutput, a, s);
            case V_PREDICTION: return x0FromV(zt, modelOutput, a, s);
            default: return modelOutput;
        }
    }

    /** The noise estimate from a network output of the given type. */
    public static Tensor epsilon(PredictionType type, Tensor zt, Tensor modelOutput, Tensor a, Tensor s) {
        switch (type) {
            case EPSILON: return modelOutput;
            case V_PREDICTION: return epsilonFromV(zt, modelOutput, a, s);
            default: return epsilonFromX0(zt, modelOutput, a, s);
        }
    }

    // The same with one number per coefficient.

    public static Tensor addNoise(Tensor x0, Tensor eps, double a, double s) {
        return addNoise(x0, eps, Coefficients.of(a), Coefficients.of(s));
    }

    public static Tensor velocity(Tensor x0, Tensor eps, double a, double s) {
        return velocity(x0, eps, Coefficients.of(a), Coefficients.of(s));
    }

    public static Tensor x0FromEpsilon(Tensor zt, Tensor eps, double a, double s) {
        return x0FromEpsilon(zt, eps, Coefficients.of(a), Coefficients.of(s));
    }

    public static Tensor epsilonFromX0(Tensor zt, Tensor x0, double a, double s) {
        return epsilonFromX0(zt, x0, Coefficients.of(a), Coefficients.of(s));
    }

    public static Tensor x0FromV(Tensor zt, Tensor v, double a, double s) {
        return x0FromV(zt, v, Coefficients.of(a), Coefficients.of(s));
    }

    public static Tensor epsilonFromV(Tensor zt, Tensor v, double a, double s) {
        return epsilonFromV(zt, v, Coefficients.of(a), Coefficients.of(s));
    }

    public static Tensor x0(PredictionType type, Tensor zt, Tensor modelOutput, double a, double s) {
        return x0(type, zt, modelOutput, Coefficients.of(a), Coefficients.of(s));
    }

    public static Tensor epsilon(PredictionType type, Tensor zt, Tensor modelOutput, double a, double s) {
        return epsilon(type, zt, modelOutput, Coefficients.of(a), Coefficients.of(s));
    }
}
