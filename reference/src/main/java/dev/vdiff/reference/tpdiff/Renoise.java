package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.pyramid.TemporalResampling;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.util.Locale;

/**
 * Renoising at a stage jump (SPEC §5.5; TPDiff eqs. 14-24, and Pyramid Flow's spatial analogue in PF-CODE):
 * the coarse stage k+1 ends at {@code x_e} with F' frames; the fine stage k starts from
 * {@code x_s = c Up(x_e) + alpha n'} with 2F' frames, where {@code Up} duplicates each frame and {@code n'} is
 * pair noise whose two copies are correlated by {@code rho}, so that {@code x_s} has exactly the marginal of
 * stage k's start: mean {@code gamma_s mu}, variance {@code sigma_s^2}, and uncorrelated copies.
 *
 * <table>
 *   <caption>Notation (SPEC §5.5)</caption>
 *   <tr><th>here</th><th>TPDiff</th><th>meaning</th></tr>
 *   <tr><td>{@code gammaE, sigmaE}</td><td>gamma_{e_{k+1}}, sigma_{e_{k+1}}</td><td>the coarse stage's end point</td></tr>
 *   <tr><td>{@code gammaS, sigmaS}</td><td>gamma_{s_k}, sigma_{s_k}</td><td>the fine stage's (corrected) start</td></tr>
 *   <tr><td>{@code c}</td><td>eq. 18 coefficient; printed eq. 15/23</td><td>{@code gamma_s / gamma_e} (not the printed expression)</td></tr>
 *   <tr><td>{@code alpha}</td><td>alpha, eqs. 19-24</td><td>scale of the injected noise</td></tr>
 *   <tr><td>{@code rho}</td><td>rho, Sigma' = [[1, rho], [rho, 1]]</td><td>correlation of the two copies' noise; the paper takes -1</td></tr>
 * </table>
 *
 * <p>Derivation (eq. 19, per duplicated pair, {@code Sigma = [[1,1],[1,1]]}): variance
 * {@code c^2 sigma_e^2 + alpha^2 = sigma_s^2} and covariance {@code c^2 sigma_e^2 + alpha^2 rho = 0} give
 * {@code alpha^2 = sigma_s^2 - c^2 sigma_e^2} and {@code rho = -c^2 sigma_e^2 / alpha^2}. With {@code c =
 * gamma_s/gamma_e} and the corrected start (SNR halved) this is exactly {@code rho = -1}, {@code alpha = sigma_s /
 * sqrt2} (eqs. 22-24). A start noisier than that (a discrete VP timestep rounded up) gives {@code -1 < rho < 0},
 * still exact; a start less noisy is rejected. Pair noise: {@code n'_1 = a u + b z}, {@code n'_2 = a u - b z} with
 * {@code a = sqrt((1+rho)/2)}, {@code b = sqrt((1-rho)/2)}; for {@code rho = -1} only {@code z} is drawn:
 * {@code (+z, -z)} (SPEC §5.5b).
 *
 * <pre>{@code
 * Renoise.Jump j = Renoise.jump(1.0/3, 2.0/3, 1 - 0.738796, 0.738796, RenoiseCoefficient.RATIO);
 * // j.c() = 0.783612, j.alpha() = 0.522408, j.rho() = -1
 * Tensor xs = Renoise.apply(xe, j, 1, rng);   // [B, F', C, H, W] -> [B, 2F', C, H, W]
 * }</pre>
 */
public final class Renoise {
    private Renoise() {}

    /** Snap {@code rho} to -1 within this distance, so that rounding does not draw a vanishing common part. */
    static final double RHO_SNAP = 1e-9;

    /** The coefficients of one jump: {@code x_s = c Up(x_e) + alpha n'}, {@code corr(n'_1, n'_2) = rho}. */
    public record Jump(double c, double alpha, double rho) {
        public Jump {
            if (!Double.isFinite(c) || !(alpha >= 0) || Double.isInfinite(alpha) || !(rho >= -1 && rho <= 1)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "Renoise.Jump: invalid c %s, alpha %s, rho %s", c, alpha, rho));
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Jump(c %.6f, alpha %.6f, rho %.6f)", c, alpha, rho);
        }
    }

    /**
     * The coefficients of a jump from an end point {@code (gammaE, sigmaE)} to a start {@code (gammaS, sigmaS)}.
     * {@link PyramidConfig.RenoiseCoefficient#RATIO}: the exact solution above. {@code PRINTED_EQ23}: the paper's
     * printed {@code c = sqrt2 gamma_s / (sigma_s + sqrt2 gamma_s)} with {@code alpha = sigma_s / sqrt2},
     * {@code rho = -1} (its marginal mean is wrong; SPEC §5.5).
     */
    public static Jump jump(double gammaE, double sigmaE, double gammaS, double sigmaS, PyramidConfig.RenoiseCoefficient coefficient) {
        if (!(gammaE > 0) || !(sigmaE >= 0) || !(gammaS >= 0) || !(sigmaS >= 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Renoise.jump: need gamma_e > 0 and non-negative coefficients, got gamma_e %s, sigma_e %s, gamma_s %s, sigma_s %s",
                gammaE, sigmaE, gammaS, sigmaS));
        }
        double sqrt2 = Math.sqrt(2);
        if (coefficient == PyramidConfig.RenoiseCoefficient.PRINTED_EQ23) {
            return new Jump(sqrt2 * gammaS / (sigmaS + sqrt2 * gammaS), sigmaS / sqrt2, -1);
        }
        // 1. Mean continuity (eq. 18): c gamma_e = gamma_s.
        double c = gammaS / gammaE;
        // 2. Diagonal of eq. 19: alpha^2 = sigma_s^2 - c^2 sigma_e^2.
        double carried = c * c * sigmaE * sigmaE;
        double alpha2 = sigmaS * sigmaS - carried;
        if (alpha2 <= 0) {
            if (alpha2 > -1e-12 * sigmaS * sigmaS || carried == 0) return new Jump(c, 0, 0);   // start = end: plain duplication
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Renoise.jump: the start (gamma %s, sigma %s) is less noisy than the end (gamma %s, sigma %s)",
                gammaS, sigmaS, gammaE, sigmaE));
        }
        // 3. Off-diagonal of eq. 19: rho = -c^2 sigma_e^2 / alpha^2, which must lie in [-1, 0] (eq. 21's SNR condition).
        double rho = -carried / alpha2;
        if (rho < -1 - RHO_SNAP) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Renoise.jump: start (gamma %s, sigma %s) is not noisy enough after the end (gamma %s, sigma %s): "
                + "rho = %s < -1; the start needs at most half the end's SNR", gammaS, sigmaS, gammaE, sigmaE, rho));
        }
        if (rho < -1 + RHO_SNAP) rho = -1;
        return new Jump(c, Math.sqrt(alpha2), rho);
    }

    /**
     * {@code x_s = c Up(x_e) + alpha n'}: nearest temporal upsampling by 2 on {@code frameAxis}, scaled, plus pair
     * noise drawn from {@code rng} (SPEC §5.5b). Not recorded for autodiff.
     */
    public static Tensor apply(Tensor xEnd, Jump jump, int frameAxis, Rng rng) {
        Tensor up = Arithmetic.mul(TemporalResampling.upNearest(xEnd, frameAxis, 2), jump.c());
        if (jump.alpha() == 0) return up;
        return Arithmetic.add(up, Arithmetic.mul(pairNoise(xEnd.shape(), xEnd.dtype(), frameAxis, jump.rho(), rng), jump.alpha()));
    }

    /**
     * {@code x_s = c Up(x_e) + alpha n'} for an anti-correlated jump ({@code rho = -1}) with the noise given:
     * {@code x_s[2f] = c x_e[f] + alpha z[f]}, {@code x_s[2f+1] = c x_e[f] - alpha z[f]} (SPEC §5.5b). The same
     * arithmetic as {@link #apply(Tensor, Jump, int, Rng)} with {@code z} drawn there; this form lets a caller
     * (e.g. the papers suite's {@code tpdiff_renoise}) supply {@code z}.
     *
     * @param z standard normal noise with the coarse shape of {@code xEnd}
     */
    public static Tensor applyWithNoise(Tensor xEnd, Jump jump, int frameAxis, Tensor z) {
        if (jump.rho() != -1) throw new IllegalArgumentException("Renoise.applyWithNoise: a given noise z defines only anti-correlated pairs (rho = -1), the jump has " + jump);
        if (!java.util.Arrays.equals(z.shape(), xEnd.shape())) {
            throw new IllegalArgumentException("Renoise.applyWithNoise: noise z " + Shape.str(z.shape()) + " must have the coarse shape " + Shape.str(xEnd.shape()));
        }
        Tensor up = Arithmetic.mul(TemporalResampling.upNearest(xEnd, frameAxis, 2), jump.c());
        return Arithmetic.add(up, Arithmetic.mul(interleaveAntiCorrelated(z, frameAxis), jump.alpha()));
    }

    /**
     * The jump into a start {@code (gammaS, sigmaS)} from the end point that has twice its SNR, in the form's
     * normalisation (SPEC §5.5 eq. 21 with {@code rho = -1}): {@code gamma_e / sigma_e = sqrt2 gamma_s / sigma_s}.
     * Then {@code c = gamma_s / gamma_e} and {@code alpha = sigma_s / sqrt2} (eqs. 18, 22-24); e.g. flow
     * {@code c = (sigma_s + sqrt2 gamma_s) / sqrt2}, VP {@code c = sqrt(sigma_s^2 + 2 gamma_s^2) / sqrt2}.
     */
    public static Jump jumpIntoStart(double gammaS, double sigmaS, DiffusionForm.Normalisation normalisation, PyramidConfig.RenoiseCoefficient coefficient) {
        if (!(gammaS > 0) || !(sigmaS > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Renoise.jumpIntoStart: need gamma_s > 0 and sigma_s > 0, got %s, %s", gammaS, sigmaS));
        }
        double[] end = normalisation.coefficientsAtSnr(Math.sqrt(2) * gammaS / sigmaS);   // (gamma_e, sigma_e)
        return jump(end[0], end[1], gammaS, sigmaS, coefficient);
    }

    /**
     * Pair noise for a coarse shape {@code [.., F', ..]}: a tensor {@code [.., 2F', ..]} whose frames {@code 2f}
     * and {@code 2f+1} are standard normal with correlation {@code rho} and all else independent. For
     * {@code rho = -1}: one draw {@code z} of the coarse shape, interleaved as {@code (+z_f, -z_f)}.
     */
    public static Tensor pairNoise(int[] coarseShape, DType dtype, int frameAxis, double rho, Rng rng) {
        if (rng == null) throw new IllegalArgumentException("Renoise.pairNoise: renoising draws noise and needs an Rng, got null");
        if (frameAxis < 0 || frameAxis >= coarseShape.length) throw new IllegalArgumentException("Renoise.pairNoise: frame axis " + frameAxis + " is outside " + Shape.str(coarseShape));
        double a = Math.sqrt((1 + rho) / 2), b = Math.sqrt((1 - rho) / 2);
        Tensor z = rng.normal(dtype, coarseShape);
        Tensor pairs = interleaveAntiCorrelated(Arithmetic.mul(z, b), frameAxis);
        if (a == 0) return pairs;
        Tensor common = TemporalResampling.upNearest(rng.normal(dtype, coarseShape), frameAxis, 2);   // u, the same in both copies
        return Arithmetic.add(pairs, Arithmetic.mul(common, a));
    }

    /** {@code [.., F', ..] -> [.., 2F', ..]} with frames {@code (+z_f, -z_f)}. */
    private static Tensor interleaveAntiCorrelated(Tensor z, int frameAxis) {
        // [.., F', ..] -> [.., F', 1, ..] ; concatenating z and -z on the new axis and merging gives (+z_f, -z_f) pairs.
        Tensor plus = z.unsqueeze(frameAxis + 1), minus = Arithmetic.neg(z).unsqueeze(frameAxis + 1);
        int[] fine = z.shape().clone();
        fine[frameAxis] *= 2;
        return Concat.cat(frameAxis + 1, plus, minus).reshape(fine);   // [.., F', 2, ..] -> [.., 2F', ..]
    }
}
