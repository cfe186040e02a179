package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.pyramid.TemporalResampling;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

import java.util.Arrays;

/**
 * The path of one pyramid stage during training (SPEC §5.2-5.3; TPDiff eqs. 7-13): its two end points, and the
 * point and target at a time inside it, for the DDIM form (eqs. 9-11) and the flow-matching form (eqs. 12-13).
 *
 * <table>
 *   <caption>Notation (SPEC §5.2-5.3)</caption>
 *   <tr><th>here</th><th>TPDiff</th><th>meaning</th></tr>
 *   <tr><td>{@code x0}</td><td>x_0</td><td>full-rate clean latents {@code [B, .., F, ..]}</td></tr>
 *   <tr><td>{@code epsK}</td><td>eps_k</td><td>the stage's (aligned) noise, stage-k frame count, the same in both end points</td></tr>
 *   <tr><td>{@code end}</td><td>x̂_{e_k} = gamma_e D_{k-1}(x_0) + sigma_e eps_k</td><td>eq. 8 with SPEC's index fix</td></tr>
 *   <tr><td>{@code start}</td><td>x̂_{s_k} = gamma_s U(D_k(x_0)) + sigma_s eps_k</td><td>eq. 7 with SPEC's index fix</td></tr>
 *   <tr><td>{@code stageEpsilon}</td><td>eps_k of eq. 11</td><td>the constant noise that carries x̂_s to x̂_e</td></tr>
 *   <tr><td>{@code stageX0}</td><td>(x̂_s - sigma_s eps_k) / gamma_s</td><td>the matching "clean" estimate (DDIM's x0_hat)</td></tr>
 *   <tr><td>{@code local}</td><td>t' = (t - e_k)/(s_k - e_k)</td><td>stage-local position, 0 at the end, 1 at the start</td></tr>
 * </table>
 *
 * <p>Eqs. 10-11 as a 2x2 solve. Eq. 10 says {@code x_t = gamma_t d + sigma_t eps_k} with
 * {@code d = (x̂_s - sigma_s eps_k)/gamma_s}: one DDIM step with the constant noise {@code eps_k} (SPEC §1.3).
 * Requiring it to pass through both end points gives the linear system {@code x̂_s = gamma_s d + sigma_s eps_k},
 * {@code x̂_e = gamma_e d + sigma_e eps_k}, with determinant {@code Delta = gamma_s sigma_e - sigma_s gamma_e}:
 * {@code eps_k = (gamma_s x̂_e - gamma_e x̂_s)/Delta} (eq. 11 multiplied through by {@code gamma_e gamma_s}) and
 * {@code d = (sigma_e x̂_s - sigma_s x̂_e)/Delta}. This form stays finite at {@code gamma_s = 0} (flow matching's
 * pure-noise start, where eq. 11 as printed divides by zero) and gives {@code eps_K = x̂_s / sigma_s} there.
 */
public final class StagePath {
    private StagePath() {}

    /** The two end points of a stage, each with the stage's frame count. */
    public record Endpoints(Tensor start, Tensor end) {}

    /**
     * {@code eps_k}: the full-rate (aligned) noise brought to stage k's frame count with the configured noise
     * downsampling (SPEC §5.4 [RECONSTRUCTED]: align at full rate, then downsample; default pair average times
     * sqrt 2, which keeps iid N(0, 1) noise standard normal).
     */
    public static Tensor stageNoise(PyramidStages stages, int k, Tensor fullNoise) {
        PyramidConfig c = stages.config();
        stages.checkFullFrames(fullNoise.shape(c.frameAxis()));
        return TemporalResampling.down(fullNoise, c.frameAxis(), 1 << stages.downLevel(k), c.noiseDownsampling());
    }

    /**
     * The end points of stage k (SPEC §5.2, TPDiff eqs. 7-8 with the index fix):
     * {@code end = gamma_e D_{k-1}(x0) + sigma_e eps_k}, {@code start = gamma_s U(D_k(x0)) + sigma_s eps_k}.
     * [RECONSTRUCTED] For the first stage K, which has no coarser predecessor, the start's signal is the stage's
     * own clean video {@code D_{K-1}(x0)}: stage K is then ordinary diffusion of the coarse clip. Under flow
     * matching {@code gamma_s = 0} there, so the start is the pure noise {@code eps_K} of SPEC §5.2 either way.
     */
    public static Endpoints endpoints(PyramidStages stages, int k, Tensor x0, Tensor epsK) {
        PyramidConfig c = stages.config();
        int axis = c.frameAxis();
        stages.checkFullFrames(x0.shape(axis));
        Tensor endMean = TemporalResampling.down(x0, axis, 1 << stages.downLevel(k), c.dataDownsampling());      // D_{k-1}(x0)
        Tensor startMean = k == stages.count() ? endMean
            : TemporalResampling.upNearest(TemporalResampling.down(x0, axis, 1 << k, c.dataDownsampling()), axis, 2);   // U(D_k(x0))
        if (!Arrays.equals(epsK.shape(), endMean.shape())) {
            throw new IllegalArgumentException("StagePath: stage " + k + " noise " + Shape.str(epsK.shape()) + " must have the stage's shape " + Shape.str(endMean.shape()));
        }
        Tensor end = combine(endMean, stages.gammaEnd(k), epsK, stages.sigmaEnd(k));
        Tensor start = combine(startMean, stages.gammaStart(k), epsK, stages.sigmaStart(k));
        return new Endpoints(start, end);
    }

    /** eps_k of TPDiff eq. 11, {@code (gamma_s x̂_e - gamma_e x̂_s) / (gamma_s sigma_e - sigma_s gamma_e)}. */
    public static Tensor stageEpsilon(PyramidStages stages, int k, Endpoints p) {
        double gs = stages.gammaStart(k), ss = stages.sigmaStart(k), ge = stages.gammaEnd(k), se = stages.sigmaEnd(k);
        double delta = determinant(gs, ss, ge, se);
        return combine(p.end(), gs / delta, p.start(), -ge / delta);
    }

    /** d_k = {@code (sigma_e x̂_s - sigma_s x̂_e) / (gamma_s sigma_e - sigma_s gamma_e)}, the clean estimate of the stage's DDIM path. */
    public static Tensor stageX0(PyramidStages stages, int k, Endpoints p) {
        double gs = stages.gammaStart(k), ss = stages.sigmaStart(k), ge = stages.gammaEnd(k), se = stages.sigmaEnd(k);
        double delta = determinant(gs, ss, ge, se);
        return combine(p.start(), se / delta, p.end(), -ss / delta);
    }

    /**
     * TPDiff eq. 10 per sample: {@code x_t = gamma_t d_k + sigma_t eps_k}, with {@code gamma[b], sigma[b]} the
     * coefficients of sample b's time (equal to {@code (gamma_t/gamma_s) x̂_s + gamma_t eps_k (sigma_t/gamma_t -
     * sigma_s/gamma_s)} as printed). Differentiable in the tensors.
     */
    public static Tensor ddimPoint(Tensor x0k, Tensor epsK, double[] gamma, double[] sigma) {
        int b = x0k.shape(0);
        if (gamma.length != b || sigma.length != b) throw new IllegalArgumentException("StagePath.ddimPoint: need one coefficient per sample of " + Shape.str(x0k.shape()));
        return Parameterization.addNoise(x0k, epsK, Tensor.of(gamma.clone(), b), Tensor.of(sigma.clone(), b));
    }

    /** TPDiff eq. 12 per sample: {@code x = (1 - t') x̂_e + t' x̂_s}, {@code t' = local[b]} in [0, 1]. */
    public static Tensor flowPoint(Endpoints p, double[] local) {
        int b = p.end().shape(0);
        if (local.length != b) throw new IllegalArgumentException("StagePath.flowPoint: need one position per sample of " + Shape.str(p.end().shape()));
        double[] keep = new double[b];
        for (int i = 0; i < b; i++) {
            if (!(local[i] >= 0 && local[i] <= 1)) throw new IllegalArgumentException("StagePath.flowPoint: position " + local[i] + " is outside [0, 1]");
            keep[i] = 1 - local[i];
        }
        return Parameterization.addNoise(p.end(), p.start(), Tensor.of(keep, b), Tensor.of(local.clone(), b));
    }

    /** TPDiff eq. 13: the stage velocity {@code v_k = x̂_s - x̂_e = d x / d t'}. */
    public static Tensor flowTarget(Endpoints p) {
        return Arithmetic.sub(p.start(), p.end());
    }

    private static double determinant(double gs, double ss, double ge, double se) {
        double delta = gs * se - ss * ge;
        if (delta == 0) throw new IllegalArgumentException("StagePath: the stage's start and end have the same SNR (gamma_s sigma_e = sigma_s gamma_e)");
        return delta;
    }

    /** {@code a x + b y} with scalar coefficients. */
    private static Tensor combine(Tensor x, double a, Tensor y, double b) {
        return Arithmetic.add(Arithmetic.mul(x, a), Arithmetic.mul(y, b));
    }
}
