package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

/**
 * DDIM inversion (SPEC §1.3, last bullet; T2V-Turbo's {@code reverse_ddim_loop}; Song et al. 2021 §4.3 and
 * Dhariwal and Nichol 2021, Appendix F): the deterministic DDIM ODE run upwards, from a clean latent to the
 * latent at the sampler's first grid time. With the same grid it walks the {@link DdimSampler} steps backwards:
 *
 * <table>
 *   <caption>Notation (SPEC §1.3)</caption>
 *   <tr><th>here</th><th>SPEC</th><th>meaning</th></tr>
 *   <tr><td>{@code p}</td><td>p = max(t - k_raw, 0)</td><td>source time of a step; the first step starts at
 *       {@code start.previousTimestep} (0 reproduces the SPEC's {@code max(., 0)}, -1 starts at alpha_bar = 1)</td></tr>
 *   <tr><td>{@code t}</td><td>t</td><td>target time, the next grid time upwards</td></tr>
 *   <tr><td>{@code q}</td><td>-</td><td>the time the model is queried at: {@code t} for {@link ModelTime#TARGET}
 *       (T2V-Turbo), {@code max(p, 0)} for {@link ModelTime#SOURCE}</td></tr>
 * </table>
 * Each step:
 * <ol>
 *   <li>{@code out = model(z_p, q, cond)};</li>
 *   <li>{@code e = eps_hat(z_p, out)} with the coefficients of time {@code q} (SPEC §1.2);</li>
 *   <li>{@code z_t = (z_p - sqrt(1-abar_p) e) sqrt(abar_t/abar_p) + sqrt(1-abar_t) e} (SPEC §1.3;
 *       {@link DdimStep#invert}).</li>
 * </ol>
 * When the model's noise estimate does not depend on its inputs the chain inverts the deterministic sampler
 * exactly (SPEC §1.8 item 3, step by step).
 *
 * <pre>{@code
 * int[] grid = Timesteps.ddim(Timesteps.Spacing.TRAILING, 50, 1000);            // 999, ..., 19
 * DdimInversion inv = new DdimInversion(schedule, grid, Timesteps.FinalStep.TO_FIRST_TIMESTEP, ModelTime.TARGET);
 * Tensor z999 = inv.invert(unet, videoLatent, labels);                           // then DdimSampler back down
 * }</pre>
 */
public final class DdimInversion {
    /** Which end of an inversion step the model is evaluated at. */
    public enum ModelTime {
        /** At the target (higher) time {@code t}, with the source sample: T2V-Turbo's {@code ddim_reverse_step}. */
        TARGET,
        /** At the source time {@code max(p, 0)}: the classic reading, where the model sees its own time. */
        SOURCE
    }

    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final Timesteps.FinalStep start;
    private final ModelTime modelTime;

    /**
     * @param schedule the training noise schedule
     * @param timesteps the sampler's grid, in sampling order (strictly decreasing); inversion walks it upwards
     * @param start where the clean input sits: {@code TO_CLEAN} (alpha_bar = 1) or {@code TO_FIRST_TIMESTEP} (alpha_bar_0)
     * @param modelTime where the model is queried
     */
    public DdimInversion(NoiseSchedule schedule, int[] timesteps, Timesteps.FinalStep start, ModelTime modelTime) {
        if (schedule == null || timesteps == null || start == null || modelTime == null) {
            throw new IllegalArgumentException("DdimInversion: schedule, timesteps, start and model time are required");
        }
        DdimSampler.checkDecreasing("DdimInversion", timesteps, schedule.numTrainTimesteps());
        this.schedule = schedule;
        this.timesteps = timesteps.clone();
        this.start = start;
        this.modelTime = modelTime;
    }

    /** The latent at {@code timesteps[0]} reached from {@code x} (at the start time) by the steps above. */
    public Tensor invert(Denoiser model, Tensor x, Tensor cond) {
        int batch = SamplerInputs.batch("DdimInversion", x);
        DdimStep ddim = new DdimStep(schedule, model.predictionType(), 0);
        try (var scope = Autograd.noGrad()) {
            Tensor z = x;
            for (int i = timesteps.length - 1; i >= 0; i--) {
                int t = timesteps[i];
                int p = i + 1 < timesteps.length ? timesteps[i + 1] : start.previousTimestep;
                int q = modelTime == ModelTime.TARGET ? t : Math.max(p, 0);
                // 1. The network output at (z_p, q).
                Tensor out = SamplerInputs.checkOutput("DdimInversion", z, model.predict(z, SamplerInputs.discrete(q, batch), cond));
                // 2. Its noise estimate, with the coefficients of the time it was queried at (SPEC §1.2).
                Tensor e = Parameterization.epsilon(model.predictionType(), z, out, schedule.sqrtAlphaBar(q), schedule.sqrtOneMinusAlphaBar(q));
                // 3. Up from p to t with the same e (SPEC §1.3).
                z = ddim.invert(z, e, p, t);
            }
            return z;
        }
    }
}
