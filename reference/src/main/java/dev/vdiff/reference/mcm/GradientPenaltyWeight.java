package dev.vdiff.reference.mcm;

/**
 * The weight {@code lambda_gp} of the gradient penalty and MCM's adaptive rule (SPEC §4.4, released
 * {@code main.py}): starting from {@code disc_lambda_r1} (1e-5), the weight is multiplied by 5 when the
 * penalty is at least 100, checked at most once every 500 steps. Both the factor and the spacing are
 * options; {@code adaptive = false} keeps the weight fixed.
 *
 * <p>Mutable training state: {@link #lambda()} and {@link #lastCheck()} belong in a checkpoint
 * ({@link #restore}) so that a resumed run continues with the same weight.
 */
public final class GradientPenaltyWeight {
    /** The options; {@link #MCM} holds the released values. */
    public record Config(double lambdaGp, boolean adaptive, double threshold, double factor, int checkEvery) {
        public static final Config MCM = new Config(1e-5, true, 100, 5, 500);

        public Config {
            if (!(lambdaGp >= 0) || Double.isInfinite(lambdaGp)) throw new IllegalArgumentException("lambda_gp must be a finite number >= 0, got " + lambdaGp);
            if (!(factor >= 1)) throw new IllegalArgumentException("gradient-penalty adaptation factor must be >= 1, got " + factor);
            if (checkEvery < 1) throw new IllegalArgumentException("gradient-penalty check interval must be >= 1 step, got " + checkEvery);
        }
    }

    private final Config config;
    private double lambda;
    private long lastCheck = Long.MIN_VALUE / 2;

    public GradientPenaltyWeight(Config config) {
        this.config = config;
        this.lambda = config.lambdaGp();
    }

    /** The weight to use at this step. */
    public double lambda() {
        return lambda;
    }

    /** The step of the last check (for checkpoints). */
    public long lastCheck() {
        return lastCheck;
    }

    /** Restores the state saved from {@link #lambda()} and {@link #lastCheck()}. */
    public void restore(double lambda, long lastCheck) {
        this.lambda = lambda;
        this.lastCheck = lastCheck;
    }

    /**
     * Observes the penalty of {@code step}; when adaptive and at least {@code checkEvery} steps passed since
     * the last check, multiplies the weight by {@code factor} if {@code gp >= threshold}. Returns the weight.
     */
    public double observe(long step, double gp) {
        if (!config.adaptive() || step - lastCheck < config.checkEvery()) return lambda;
        lastCheck = step;
        if (gp >= config.threshold()) lambda *= config.factor();
        return lambda;
    }
}
