package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.diffusion.sampling.LcmSampler;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.util.function.LongToDoubleFunction;

/**
 * Few-step sampling of a T2V-Turbo student (SPEC §1.5 LCM multistep, §3.4b): {@link LcmSampler} over
 * {@code Timesteps.lcm(steps, originSteps)} with ONE student call per step and no classifier-free second pass; the
 * guidance scale omega and the motion strength lambda are inputs of the student, not guidance computations:
 * <pre>
 *   lambda(t) = motionStrength if t >= T (1 - percentage) else 0          (T2V-Turbo's app: 0.05 and 0.3)
 *   eps = student(z, t, c, omega, lambda(t));  denoised = c_out x0_hat + c_skip z;  renoise to the next time
 * </pre>
 *
 * <pre>{@code
 * TurboSampler s = new TurboSampler(schedule, LcmBoundary.T2V_TURBO, TurboSampler.Config.of(4, 200));
 * Tensor video = s.sample(student, rng.normal(DType.FLOAT32, 2, 8, 3, 32, 32), labels, rng);   // 4 network calls
 * }</pre>
 */
public final class TurboSampler {
    /**
     * @param steps inference steps n (1, 2, 4, 8, ...)
     * @param originSteps O, the distillation grid size the student learnt on ({@code lcm_origin_steps}, 200)
     * @param omega the guidance scale fed to the student (LCM convention; 7.5 in T2V-Turbo's app)
     * @param motionStrength lambda fed during the noisiest part (0.05; 0 for none)
     * @param percentage the fraction of the time range (from T down) that gets lambda (0.3 in the app)
     */
    public record Config(int steps, int originSteps, double omega, double motionStrength, double percentage) {
        public Config {
            if (steps < 1 || originSteps < steps) throw new IllegalArgumentException("TurboSampler: steps must be in 1..origin steps (" + originSteps + "), got " + steps);
            if (!Double.isFinite(omega) || !(motionStrength >= 0) || !(percentage >= 0 && percentage <= 1)) {
                throw new IllegalArgumentException("TurboSampler: omega finite, motion strength >= 0 and percentage in [0, 1] required, got " + omega + ", " + motionStrength + ", " + percentage);
            }
        }

        /** The released app's inputs: omega 7.5, lambda 0.05 on the noisiest 30 percent. */
        public static Config of(int steps, int originSteps) {
            return new Config(steps, originSteps, 7.5, 0.05, 0.3);
        }
    }

    private final NoiseSchedule schedule;
    private final LcmBoundary boundary;
    private final Config config;
    private final LcmSampler lcm;

    public TurboSampler(NoiseSchedule schedule, LcmBoundary boundary, Config config) {
        this.schedule = schedule;
        this.boundary = boundary;
        this.config = config;
        this.lcm = new LcmSampler(schedule, boundary, config.steps(), config.originSteps());
    }

    /** The inference timesteps. */
    public int[] timesteps() {
        return lcm.timesteps();
    }

    /** lambda(t) fed to the student at timestep t (SPEC §3.4b). */
    public double lambdaAt(long t) {
        return t >= schedule.numTrainTimesteps() * (1 - config.percentage()) ? config.motionStrength() : 0;
    }

    /** The student's sample from {@code noise [B, F, C, H, W]} with labels {@code cond}; {@code rng} renoises between steps. */
    public Tensor sample(GuidedStudent student, Tensor noise, Tensor cond, Rng rng) {
        LongToDoubleFunction lambda = student.config().motionConditioning() ? this::lambdaAt : null;
        return lcm.sample(student.denoiser(config.omega(), lambda), noise, cond, rng);
    }
}
