package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.ConsistencyDistillationLoss;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.optim.GradClip;
import dev.vdiff.tensor.random.Rng;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * T2V-Turbo-v2's training step (SPEC §3.3; paper eqs. 3, 8, 9, 10, 11) on one batch of clean clips, with the state
 * a checkpoint needs. Per step:
 * <ol>
 *   <li>the teacher's augmented solver ({@link AugmentedSolver}): {@code z, t_s, omega, lambda} and {@code z_prev} at {@code t_e};</li>
 *   <li>the student at {@code (z, t_s, c, omega, lambda)} with gradients: {@code F_s} (SPEC §1.5);</li>
 *   <li>the target {@code F_t} at {@code (z_prev, t_e, c, omega, lambda)} without gradients, by the online student
 *       itself ({@link Target#ONLINE}, eq. 9, v2) or by its EMA ({@link Target#EMA}, eq. 4, v1);</li>
 *   <li>{@code L_CD = d(F_s, sg(F_t))}, pseudo-Huber c = 0.001 ({@link ConsistencyDistillationLoss});</li>
 *   <li>optionally {@code J} on {@code decode(F_s)} ({@link RewardObjective}) and {@code L = L_CD - J} (eq. 11);</li>
 *   <li>backward, gradient-norm clipping (1.0), AdamW (lr 1e-5, weight decay 0), EMA update for {@link Target#EMA}.</li>
 * </ol>
 * Every random number of step {@code s} comes from {@code Rng.seed(seed).split(s)}: the step depends only on the
 * seed, the step number, the batch and the state, so a run resumed from {@link #stateDict()} continues bit for bit.
 *
 * <pre>{@code
 * TurboDistillation d = new TurboDistillation(teacher, student, schedule, TurboDistillation.Config.t2vTurboV2(1), gate, rewards);
 * for (long s = 0; s < 100; s++) d.step(videos(s), labels(s));
 * Checkpoint.write(d.stateDict());   // student weights, optimizer, EMA, step
 * }</pre>
 */
public final class TurboDistillation {
    /** Which network computes the consistency target {@code F_t}. */
    public enum Target {
        /** The online student under stop-gradient, no extra weights (T2V-Turbo-v2, eq. 9). Default. */
        ONLINE,
        /** An exponential moving average of the student (T2V-Turbo v1 / LCM, eq. 4): one extra copy of the weights. */
        EMA
    }

    /**
     * @param solver the teacher side (grid, omega range, motion guidance)
     * @param motion which attention layers and how fine an inversion the motion score uses
     * @param target ONLINE (v2) or EMA (v1)
     * @param emaDecay mu of eq. 4 (used with {@link Target#EMA}; 0.95 in T2V-Turbo v1's code)
     * @param learningRate AdamW learning rate (1e-5 in the paper, constant)
     * @param gradClip maximal global gradient norm (1.0)
     * @param boundary the consistency scalings (S = 10)
     * @param huberC the pseudo-Huber c (0.001)
     * @param decode maps the student's estimate to reward pixels in [0, 1] (data in [-1, 1]: {@code (x + 1) / 2})
     * @param seed the seed of every random draw
     */
    public record Config(AugmentedSolver.Config solver, MotionScore.Config motion, Target target, double emaDecay, double learningRate,
                         double gradClip, LcmBoundary boundary, double huberC, UnaryOperator<Tensor> decode, long seed) {
        public Config {
            if (solver == null || motion == null || target == null || boundary == null || decode == null) throw new IllegalArgumentException("TurboDistillation: every part of the configuration is required");
            if (!(emaDecay >= 0 && emaDecay <= 1)) throw new IllegalArgumentException("TurboDistillation: the EMA decay must be in [0, 1], got " + emaDecay);
            if (!(learningRate > 0) || !(gradClip > 0)) throw new IllegalArgumentException("TurboDistillation: learning rate and gradient clip must be > 0, got " + learningRate + " and " + gradClip);
        }

        /** The paper's settings (SPEC §3.2) for pixels in [-1, 1]. */
        public static Config t2vTurboV2(long seed) {
            return new Config(AugmentedSolver.Config.t2vTurboV2(), MotionScore.Config.defaults(), Target.ONLINE, 0.95, 1e-5, 1.0,
                LcmBoundary.T2V_TURBO, ConsistencyDistillationLoss.HUBER_C, x -> Arithmetic.mul(Arithmetic.add(x, 1.0), 0.5), seed);
        }

        public Config withTarget(Target t) {
            return new Config(solver, motion, t, emaDecay, learningRate, gradClip, boundary, huberC, decode, seed);
        }

        public Config withSolver(AugmentedSolver.Config s) {
            return new Config(s, motion, target, emaDecay, learningRate, gradClip, boundary, huberC, decode, seed);
        }

        public Config withMotion(MotionScore.Config m) {
            return new Config(solver, m, target, emaDecay, learningRate, gradClip, boundary, huberC, decode, seed);
        }

        public Config withLearningRate(double lr) {
            return new Config(solver, motion, target, emaDecay, lr, gradClip, boundary, huberC, decode, seed);
        }
    }

    /**
     * What one step measured. {@code reward} is J (0 without rewards), {@code total = lossCd - reward}.
     * {@code motionClips} counts the clips whose solver step had motion guidance.
     */
    public record StepResult(long step, double lossCd, double reward, double total, double gradNorm, int motionClips) {}

    private final GuidedStudent student;
    private final Config config;
    private final TurboLoss loss;
    private final AdamW optimizer;
    private final Ema ema;
    private long step;

    /**
     * @param gate which clips may get motion guidance (ignored, may be null, when the motion strength is 0)
     * @param rewards the reward objective, or null for plain consistency distillation
     */
    public TurboDistillation(FrozenTeacher teacher, GuidedStudent student, NoiseSchedule schedule, Config config, MotionGate gate, RewardObjective rewards) {
        if (config.solver().motionStrength() > 0 && !student.config().motionConditioning()) {
            throw new IllegalArgumentException("TurboDistillation: motion guidance is on (strength " + config.solver().motionStrength() + ") but the student has no motion-strength input");
        }
        this.student = student;
        this.config = config;
        this.loss = new TurboLoss(teacher, schedule, config, gate, rewards);
        this.optimizer = new AdamW(student.namedParameters(), config.learningRate(), 0.9, 0.999, 1e-8, 0);
        this.ema = config.target() == Target.EMA ? new Ema(student.namedParameters(), config.emaDecay()) : null;
    }

    public long stepCount() {
        return step;
    }

    public GuidedStudent student() {
        return student;
    }

    public AugmentedSolver solver() {
        return loss.solver();
    }

    /** A batch of clean clips {@code [B, F, C, H, W]} in the data range with their labels {@code [B]}. */
    public record Clips(Tensor videos, Tensor labels) {}

    /** The training data: the batch of step {@code s}, a pure function of {@code s} so that a resumed run sees the same data. */
    @FunctionalInterface
    public interface Batches {
        Clips batch(long step);
    }

    /** Runs steps until {@link #stepCount()} reaches {@code untilStep}, handing each result to {@code progress}. */
    public void run(long untilStep, Batches data, java.util.function.Consumer<StepResult> progress) {
        while (step < untilStep) {
            Clips c = data.batch(step);
            StepResult r = step(c.videos(), c.labels());
            if (progress != null) progress.accept(r);
        }
    }

    /** One training step on clean clips {@code x0 [B, F, C, H, W]} with labels {@code cond [B]}. */
    public StepResult step(Tensor x0, Tensor cond) {
        Rng rng = Rng.seed(config.seed()).split(step);
        // 1.-5. The loss L = L_CD - J (TurboLoss); the solver and the reward frames share the step's stream.
        TurboLoss.Parts p = loss.loss(student, x0, cond, ema, rng, rng);
        double totalValue = p.total().item();
        if (!Double.isFinite(totalValue)) throw new IllegalStateException("TurboDistillation: the loss is " + totalValue + " at step " + step + " (L_CD " + p.lossCd() + ", J " + p.reward() + ")");
        // 6. Backward, clip, AdamW, EMA.
        optimizer.zeroGrad();
        p.total().backward();
        double norm = GradClip.clipGradNorm(student.parameters(), config.gradClip());
        optimizer.step();
        if (ema != null) ema.update(student.namedParameters());
        return new StepResult(step++, p.lossCd(), p.reward(), totalValue, norm, p.motionClips());
    }

    /**
     * Everything a resumed run needs, as tensors by name: {@code student.*} (weights), {@code optimizer.*},
     * {@code ema.*} (with {@link Target#EMA}) and {@code step} (int64 {@code [1]}). Copies.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : student.namedParameters().entrySet()) out.put("student." + e.getKey(), e.getValue().detach().copy());
        for (var e : optimizer.stateDict().entrySet()) out.put("optimizer." + e.getKey(), e.getValue());
        if (ema != null) for (var e : ema.stateDict().entrySet()) out.put("ema." + e.getKey(), e.getValue());
        out.put("step", Tensor.ofLongs(new long[] {step}, 1));
        return out;
    }

    /** Restores a {@link #stateDict()} of a run with the same configuration. */
    public void loadStateDict(Map<String, Tensor> state) {
        student.loadStateDict(part(state, "student."));
        optimizer.loadStateDict(part(state, "optimizer."));
        if (ema != null) ema.loadStateDict(part(state, "ema."));
        Tensor s = state.get("step");
        if (s == null) throw new IllegalArgumentException("TurboDistillation: the state has no 'step'");
        step = s.contiguous().longs()[0];
    }

    private static Map<String, Tensor> part(Map<String, Tensor> state, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : state.entrySet()) if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
        return out;
    }
}
