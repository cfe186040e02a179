package dev.vdiff.diffusion.distill;

import dev.vdiff.diffusion.ConsistencyFunction;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Losses;

/**
 * The consistency distillation loss of an eps-predicting student (SPEC §1.5, §3.1 eqs. 4 and 9, §3.3; oracle papers
 * suite op {@code consistency_distillation_loss}, PAPERS.md §3.4):
 * <pre>
 *   f_student = c_skip(t_s) z      + c_out(t_s) x0_hat(z, eps_student, t_s)        (the online student at t_{n+k})
 *   f_target  = c_skip(t_e) z_prev + c_out(t_e) x0_hat(z_prev, eps_target, t_e)    (at the solver's t_n)
 *   L_CD      = mean( sqrt((f_student - sg(f_target))^2 + c^2) - c )                pseudo-Huber, c = 0.001
 * </pre>
 * {@code sg} is stop-gradient: the loss treats the target as a constant, so the gradient reaches the student only
 * through {@code f_student}. Which network computed {@code eps_target} is the caller's choice: the online student
 * itself under no-grad (T2V-Turbo-v2, eq. 9, "no target network") or an EMA copy (T2V-Turbo v1 / LCM, eq. 4).
 *
 * <table>
 *   <caption>Notation</caption>
 *   <tr><th>here</th><th>SPEC §3.3</th><th>paper</th></tr>
 *   <tr><td>{@code fStudent}</td><td>F_s</td><td>f_theta(z_{t_{n+k}}, omega, lambda, c, t_{n+k})</td></tr>
 *   <tr><td>{@code fTarget}</td><td>F_t</td><td>f_theta(z_hat_{t_n}, omega, lambda, c, t_n) (eq. 9) or f_theta^- (eq. 4)</td></tr>
 *   <tr><td>{@code huberC}</td><td>huber_c = 0.001</td><td>the distance d (not named in the paper)</td></tr>
 * </table>
 *
 * <pre>{@code
 * ConsistencyDistillationLoss cd = ConsistencyDistillationLoss.t2vTurbo();
 * ConsistencyDistillationLoss.Result r = cd.evaluate(z, epsStudent, zPrev, epsTarget, tS, tE);
 * r.loss().backward();     // gradient into epsStudent (and z) only
 * }</pre>
 *
 * @param schedule the teacher's noise schedule (a_t, s_t of x0_hat)
 * @param boundary c_skip, c_out (S = 10 for T2V-Turbo, 4 for MCM)
 * @param huberC the pseudo-Huber constant c (0.001 in both papers' code)
 */
public record ConsistencyDistillationLoss(NoiseSchedule schedule, LcmBoundary boundary, double huberC) {
    /** The pseudo-Huber constant of T2V-Turbo(-v2) and MCM ({@code --huber_c 0.001}, SPEC §3.2). */
    public static final double HUBER_C = 0.001;

    public ConsistencyDistillationLoss {
        if (schedule == null || boundary == null) throw new IllegalArgumentException("ConsistencyDistillationLoss: schedule and boundary are required");
        if (!(huberC > 0) || Double.isInfinite(huberC)) throw new IllegalArgumentException("ConsistencyDistillationLoss: huber_c must be positive, got " + huberC);
    }

    /** T2V-Turbo-v2's loss: the VideoCrafter2 schedule, S = 10, c = 0.001 (SPEC §3.2). */
    public static ConsistencyDistillationLoss t2vTurbo() {
        return new ConsistencyDistillationLoss(NoiseSchedule.videoCrafter2(), LcmBoundary.T2V_TURBO, HUBER_C);
    }

    /** The student and target consistency outputs (shape of {@code z}) and the 0-d loss. */
    public record Result(Tensor fStudent, Tensor fTarget, Tensor loss) {}

    /**
     * All three quantities; differentiable in every float input, the loss only through {@code fStudent}.
     *
     * @param z {@code [B, ...]}, the student's input at {@code tS}
     * @param epsStudent the student's noise prediction at {@code (z, tS)}
     * @param zPrev the solver's estimate at {@code tE}
     * @param epsTarget the target network's noise prediction at {@code (zPrev, tE)}
     * @param tS int64 {@code [B]}
     * @param tE int64 {@code [B]}
     */
    public Result evaluate(Tensor z, Tensor epsStudent, Tensor zPrev, Tensor epsTarget, Tensor tS, Tensor tE) {
        String who = "ConsistencyDistillationLoss";
        if (z == null || !z.dtype().isFloat() || z.rank() < 1) throw new IllegalArgumentException(who + ": z must be a float tensor [B, ...]");
        PerSample.sameSample(who, "eps_student", z, epsStudent);
        PerSample.sameSample(who, "z_prev", z, zPrev);
        PerSample.sameSample(who, "eps_target", z, epsTarget);
        int b = z.shape(0);
        PerSample.timesteps(who, "t_s", tS, b, schedule.numTrainTimesteps());
        PerSample.timesteps(who, "t_e", tE, b, schedule.numTrainTimesteps());
        ConsistencyFunction f = new ConsistencyFunction(schedule, boundary);
        // 1. The consistency function at both ends (SPEC §1.5).
        Tensor fStudent = f.fromOutput(PredictionType.EPSILON, z, epsStudent, tS);
        Tensor fTarget = f.fromOutput(PredictionType.EPSILON, zPrev, epsTarget, tE);
        // 2. d(f_student, sg(f_target)): the target enters as a constant (eq. 9's stopgrad).
        Tensor loss = Losses.pseudoHuber(fStudent, fTarget.detach(), huberC);
        return new Result(fStudent, fTarget, loss);
    }

    /** The loss alone, from consistency outputs already computed: {@code d(fStudent, sg(fTarget))}. */
    public Tensor distance(Tensor fStudent, Tensor fTarget) {
        return Losses.pseudoHuber(fStudent, fTarget.detach(), huberC);
    }
}
