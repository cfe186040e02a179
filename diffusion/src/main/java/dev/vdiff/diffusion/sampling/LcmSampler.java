package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.ConsistencyFunction;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.random.Rng;

/**
 * Multistep consistency sampling (SPEC §1.5; Song et al. 2023, "Consistency Models", Algorithm 1; Luo et al.
 * 2023, "Latent Consistency Models", Algorithm 3; T2V-Turbo's {@code T2VTurboScheduler.step}): evaluate the
 * consistency function at each time of {@link Timesteps#lcm}, then push its estimate back to the next time with
 * fresh noise.
 *
 * <table>
 *   <caption>Notation (SPEC §1.5)</caption>
 *   <tr><th>here</th><th>SPEC / LCM paper</th><th>meaning</th></tr>
 *   <tr><td>{@code timesteps[i]}</td><td>tau_i</td><td>i-th inference time, descending</td></tr>
 *   <tr><td>{@code denoised}</td><td>f_theta(z_tau, tau) = c_out x0_hat + c_skip z</td><td>consistency estimate of x0</td></tr>
 *   <tr><td>{@code xi}</td><td>xi ~ N(0, I)</td><td>fresh noise of a renoising step</td></tr>
 * </table>
 * Step i, at {@code t = timesteps[i]}:
 * <ol>
 *   <li>{@code out = model(z, t, cond)} (an LCM student closes over its guidance embedding);</li>
 *   <li>{@code x0_hat} from {@code out} (SPEC §1.2);</li>
 *   <li>{@code denoised = c_out(t) x0_hat + c_skip(t) z} (SPEC §1.5, {@link ConsistencyFunction});</li>
 *   <li>last step: return {@code denoised}; otherwise, with {@code n = timesteps[i+1]},
 *       {@code z = sqrt(abar_n) denoised + sqrt(1 - abar_n) xi}, {@code xi} fresh from the Rng.</li>
 * </ol>
 *
 * <pre>{@code
 * LcmSampler lcm = new LcmSampler(NoiseSchedule.videoCrafter2(), LcmBoundary.T2V_TURBO, 4, 50);   // 999, 759, 519, 279
 * Tensor video = lcm.sample(student, rng.normal(DType.FLOAT32, 1, 4, 16, 40, 64), null, rng);
 * }</pre>
 */
public final class LcmSampler implements Sampler<Denoiser> {
    private final NoiseSchedule schedule;
    private final LcmBoundary boundary;
    private final int[] timesteps;

    /** A sampler over an explicit, strictly decreasing list of timesteps. */
    public LcmSampler(NoiseSchedule schedule, LcmBoundary boundary, int[] timesteps) {
        if (schedule == null || boundary == null || timesteps == null) throw new IllegalArgumentException("LcmSampler: schedule, boundary and timesteps are required");
        DdimSampler.checkDecreasing("LcmSampler", timesteps, schedule.numTrainTimesteps());
        this.schedule = schedule;
        this.boundary = boundary;
        this.timesteps = timesteps.clone();
    }

    /** A sampler over {@code Timesteps.lcm(numSteps, originSteps, T)}. */
    public LcmSampler(NoiseSchedule schedule, LcmBoundary boundary, int numSteps, int originSteps) {
        this(schedule, boundary, Timesteps.lcm(numSteps, originSteps, schedule.numTrainTimesteps()));
    }

    /** The inference timesteps (a copy). */
    public int[] timesteps() {
        return timesteps.clone();
    }

    /** {@code rng} may be null only for a single step (no renoising). */
    @Override
    public Tensor sample(Denoiser model, Tensor noise, Tensor cond, Rng rng) {
        int batch = SamplerInputs.batch("LcmSampler", noise);
        try (var scope = Autograd.noGrad()) {
            Tensor z = noise;
            for (int i = 0; ; i++) {
                int t = timesteps[i];
                // 1. The network output at (z, t).
                Tensor out = SamplerInputs.checkOutput("LcmSampler", z, model.predict(z, SamplerInputs.discrete(t, batch), cond));
                // 2. x0_hat (SPEC §1.2).
                Tensor x0 = Parameterization.x0(model.predictionType(), z, out, schedule.sqrtAlphaBar(t), schedule.sqrtOneMinusAlphaBar(t));
                // 3. denoised = c_out x0_hat + c_skip z (SPEC §1.5).
                Tensor denoised = boundary.denoised(z, x0, t);
                // 4. The last step returns the estimate; the others renoise it to the next time with fresh noise.
                if (i + 1 == timesteps.length) return denoised;
                int next = timesteps[i + 1];
                Tensor xi = SamplerInputs.noiseLike("LcmSampler", z, rng);
                z = Parameterization.addNoise(denoised, xi, schedule.sqrtAlphaBar(next), schedule.sqrtOneMinusAlphaBar(next));
            }
        }
    }

    @Override
    public String toString() {
        return "LcmSampler(" + java.util.Arrays.toString(timesteps) + ", " + boundary + ")";
    }
}
