package dev.vdiff.tensor.optim;

import java.util.Locale;

/**
 * A learning-rate schedule: the factor by which the base learning rate is multiplied at optimizer step
 * {@code k} (0-based: the k-th call of {@code step()}). The formulas are those of diffusers'
 * {@code optimization.py} schedules under {@code torch.optim.lr_scheduler.LambdaLR}, where the k-th step runs
 * with {@code lr = base * lambda(k)}; so a warm-up of W steps uses 0, 1/W, 2/W, ... and reaches the full rate
 * at step W.
 *
 * <pre>{@code
 * LrSchedule s = LrSchedule.linearWarmup(500);
 * for (long k = 0; k < steps; k++) {
 *     s.apply(opt, 1e-5, k);     // opt.setLr(1e-5 * s.factor(k))
 *     ... backward ...; opt.step();
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    /** The multiplier of the base learning rate at optimizer step {@code step} (0-based). */
    double factor(long step);

    default double lr(double baseLr, long step) {
        return baseLr * factor(step);
    }

    /** Sets the optimizer's learning rate for step {@code step}. */
    default void apply(Optimizer opt, double baseLr, long step) {
        opt.setLr(lr(baseLr, step));
    }

    /** Factor 1 at every step (diffusers "constant"). */
    static LrSchedule constant() {
        return step -> 1.0;
    }

    /** {@code k / W} for {@code k < W}, then 1 (diffusers {@code get_constant_schedule_with_warmup}). */
    static LrSchedule linearWarmup(long warmupSteps) {
        requireNonNegative("warm-up steps", warmupSteps);
        return step -> step < warmupSteps ? (double) step / Math.max(1, warmupSteps) : 1.0;
    }

    /** Warm-up, then linear decay to 0 at step {@code total} (diffusers {@code get_linear_schedule_with_warmup}). */
    static LrSchedule linearWarmupLinearDecay(long warmupSteps, long totalSteps) {
        requireNonNegative("warm-up steps", warmupSteps);
        requireNonNegative("total steps", totalSteps);
        return step -> step < warmupSteps ? (double) step / Math.max(1, warmupSteps)
            : Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }

    /**
     * Warm-up, then half a cosine from 1 down to 0 at step {@code total}
     * (diffusers {@code get_cosine_schedule_with_warmup} with num_cycles 0.5). Past {@code total} the factor
     * stays 0 (diffusers' cosine would rise again there).
     */
    static LrSchedule linearWarmupCosine(long warmupSteps, long totalSteps) {
        requireNonNegative("warm-up steps", warmupSteps);
        requireNonNegative("total steps", totalSteps);
        return step -> {
            if (step < warmupSteps) return (double) step / Math.max(1, warmupSteps);
            double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
            return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
        };
    }

    /** By diffusers' scheduler name: {@code constant}, {@code constant_with_warmup}, {@code linear}, {@code cosine}. */
    static LrSchedule byName(String name, long warmupSteps, long totalSteps) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "constant": return constant();
            case "constant_with_warmup": return linearWarmup(warmupSteps);
            case "linear": return linearWarmupLinearDecay(warmupSteps, totalSteps);
            case "cosine": return linearWarmupCosine(warmupSteps, totalSteps);
            default: throw new IllegalArgumentException("unknown lr schedule '" + name + "' (expected constant, constant_with_warmup, linear or cosine)");
        }
    }

    private static void requireNonNegative(String what, long v) {
        if (v < 0) throw new IllegalArgumentException("lr schedule: " + what + " must be >= 0, got " + v);
    }
}
