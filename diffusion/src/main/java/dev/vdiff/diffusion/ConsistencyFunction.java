package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * The consistency function of a latent consistency model (SPEC §1.5; Song et al. 2023, "Consistency Models",
 * eq. 5; Luo et al. 2023, "Latent Consistency Models", eq. 9):
 * <pre>
 *   f_theta(z_t, t) = c_skip(t) z_t + c_out(t) x0_hat(z_t, t),     x0_hat from the network output (SPEC §1.2)
 * </pre>
 * With {@code c_skip(0) = 1, c_out(0) = 0} it is the identity at the boundary time {@code t = 0} (SPEC §1.8
 * item 1). The guidance scale {@code w} and condition {@code c} of the paper's {@code f_theta(z_t, w, c, t)}
 * reach the network through the {@link Denoiser} (its {@code cond} and whatever it closes over).
 *
 * <table>
 *   <caption>Notation</caption>
 *   <tr><th>here</th><th>SPEC §1.5</th><th>LCM paper</th></tr>
 *   <tr><td>{@code zt}</td><td>z_t</td><td>z_t</td></tr>
 *   <tr><td>{@code boundary.cSkip(t)}, {@code boundary.cOut(t)}</td><td>c_skip(t), c_out(t)</td><td>c_skip(t), c_out(t)</td></tr>
 *   <tr><td>{@code x0Hat}</td><td>x0_hat(z_t, eps_theta)</td><td>"predicted x_0", eq. 9</td></tr>
 * </table>
 *
 * <pre>{@code
 * ConsistencyFunction f = new ConsistencyFunction(NoiseSchedule.videoCrafter2(), LcmBoundary.T2V_TURBO);
 * Tensor denoised = f.apply(student, zt, Tensor.ofLongs(new long[] {999, 759}, 2), labels);   // differentiable
 * }</pre>
 *
 * @param schedule the training noise schedule (a_t and s_t for x0_hat)
 * @param boundary the boundary scalings (S = 10 for T2V-Turbo, 4 for MCM)
 */
public record ConsistencyFunction(NoiseSchedule schedule, LcmBoundary boundary) {
    public ConsistencyFunction {
        if (schedule == null || boundary == null) throw new IllegalArgumentException("ConsistencyFunction: schedule and boundary are required");
    }

    /** {@code f_theta(z_t, t)}: one network call at timesteps {@code t} (int64 {@code [B]}), then {@link #fromOutput}. */
    public Tensor apply(Denoiser model, Tensor zt, Tensor t, Tensor cond) {
        return fromOutput(model.predictionType(), zt, model.predict(zt, t, cond), t);
    }

    /**
     * {@code c_skip(t) z_t + c_out(t) x0_hat} from a network output already computed; differentiable in
     * {@code zt} and {@code modelOutput}. {@code t} is int64 {@code [B]} (one timestep per sample) or one element.
     */
    public Tensor fromOutput(PredictionType type, Tensor zt, Tensor modelOutput, Tensor t) {
        if (t.dtype() != DType.INT64) throw new IllegalArgumentException("ConsistencyFunction: t must be int64, got " + t.dtype() + Shape.str(t.shape()));
        // 1. x0_hat from the network output with the per-sample a_t, s_t (SPEC §1.2).
        Tensor x0Hat = Parameterization.x0(type, zt, modelOutput, schedule.sqrtAlphaBar(t), schedule.sqrtOneMinusAlphaBar(t));
        // 2. c_skip(t) z_t + c_out(t) x0_hat (SPEC §1.5; LCM eq. 9).
        return boundary.denoised(zt, x0Hat, t);
    }
}
