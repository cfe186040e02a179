package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.ConsistencyDistillationLoss;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.random.Rng;

/**
 * The loss of one T2V-Turbo-v2 step (SPEC §3.3; paper eqs. 3, 8, 9, 10, 11), steps 1-5 of {@link TurboDistillation}:
 * <ol>
 *   <li>the teacher's augmented solver ({@link AugmentedSolver}): {@code z, t_s, omega, lambda}, {@code z_prev} at {@code t_e};</li>
 *   <li>the student at {@code (z, t_s, c, omega, lambda)} with gradients: {@code F_s} (SPEC §1.5);</li>
 *   <li>the target at {@code (z_prev, t_e, c, omega, lambda)} without gradients, by the online student itself
 *       (eq. 9, v2) or, when an EMA is given, by the EMA weights (eq. 4, v1);</li>
 *   <li>{@code L_CD = d(F_s, sg(F_t))}, pseudo-Huber ({@link ConsistencyDistillationLoss});</li>
 *   <li>with rewards: {@code J} on {@code decode(F_s)} and {@code L = L_CD - J} (eq. 11: a negative total is expected).</li>
 * </ol>
 * Random numbers: the solver draws from {@code solverRng}, the reward frames from {@code rewardRng}.
 */
public final class TurboLoss {
    /** The loss and what it measured; {@code motionClips} counts the clips whose solver step had motion guidance. */
    public record Parts(Tensor total, double lossCd, double reward, int motionClips) {}

    private final AugmentedSolver solver;
    private final ConsistencyDistillationLoss cd;
    private final RewardObjective rewards;
    private final TurboDistillation.Config config;

    /** @param rewards the reward objective, or null for plain consistency distillation */
    public TurboLoss(FrozenTeacher teacher, NoiseSchedule schedule, TurboDistillation.Config config, MotionGate gate, RewardObjective rewards) {
        this.config = config;
        this.solver = new AugmentedSolver(teacher, schedule, config.solver(), config.motion(), gate);
        this.cd = new ConsistencyDistillationLoss(schedule, config.boundary(), config.huberC());
        this.rewards = rewards;
    }

    public AugmentedSolver solver() {
        return solver;
    }

    /**
     * The loss for clean clips {@code x0 [B, F, C, H, W]} (the UNet's layout) with labels {@code cond [B]}.
     *
     * @param target the EMA whose weights compute the target (eq. 4), or null for the online student (eq. 9)
     */
    public Parts loss(GuidedStudent student, Tensor x0, Tensor cond, Ema target, Rng solverRng, Rng rewardRng) {
        if (config.solver().motionStrength() > 0 && !student.config().motionConditioning()) {
            throw new IllegalArgumentException("TurboLoss: motion guidance is on (strength " + config.solver().motionStrength() + ") but the student has no motion-strength input");
        }
        // 1. Teacher side (SPEC §3.3): z, t_s, omega, lambda, and z_prev at t_e.
        AugmentedSolver.Sample s = solver.sample(x0, cond, solverRng);
        Tensor lambda = student.config().motionConditioning() ? s.lambda() : null;
        // 2. Student prediction at t_s, with gradients.
        Tensor epsStudent = student.forward(s.z(), s.tS(), cond, s.omega(), lambda);
        // 3. Target prediction at t_e, without gradients: online student (eq. 9) or its EMA (eq. 4).
        Tensor epsTarget;
        try (var scope = Autograd.noGrad()) {
            if (target != null) target.swap(student.namedParameters());
            try {
                epsTarget = student.forward(s.zPrev(), s.tE(), cond, s.omega(), lambda);
            } finally {
                if (target != null) target.swap(student.namedParameters());
            }
        }
        // 4. L_CD = d(F_s, sg(F_t)).
        ConsistencyDistillationLoss.Result r = cd.evaluate(s.z(), epsStudent, s.zPrev(), epsTarget, s.tS(), s.tE());
        Tensor total = r.loss();
        double reward = 0;
        // 5. Rewards on the decoded one-step estimate: L = L_CD - J (eq. 11).
        if (rewards != null) {
            Tensor j = rewards.objective(config.decode().apply(r.fStudent()), cond, rewardRng);
            reward = j.item();
            total = Arithmetic.sub(total, j);
        }
        int motionClips = 0;
        for (double l : s.lambda().toDoubleArray()) if (l > 0) motionClips++;
        return new Parts(total, r.loss().item(), reward, motionClips);
    }
}
