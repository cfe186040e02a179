package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * The DDIM sampler (SPEC §1.3; Song, Meng and Ermon 2021, "Denoising Diffusion Implicit Models", eqs. 12 and
 * 16): {@link DdimStep} repeated over a grid of {@link Timesteps}, with optional clipping of {@code x0}.
 *
 * <table>
 *   <caption>Notation</caption>
 *   <tr><th>here</th><th>SPEC §1.3</th><th>DDIM paper</th><th>diffusers</th></tr>
 *   <tr><td>{@code timesteps[i]}</td><td>t</td><td>tau_i</td><td>{@code timesteps}</td></tr>
 *   <tr><td>{@code previous(i)}</td><td>p</td><td>tau_{i-1}</td><td>{@code prev_timestep}</td></tr>
 *   <tr><td>{@code eta}</td><td>eta</td><td>eta, eq. 16</td><td>{@code eta}</td></tr>
 *   <tr><td>{@code clipX0}</td><td>-</td><td>-</td><td>{@code clip_sample_range}</td></tr>
 *   <tr><td>{@code finalStep}</td><td>-</td><td>alpha_0 := 1</td><td>{@code set_alpha_to_one}</td></tr>
 * </table>
 * Step i, from {@code t = timesteps[i]} to {@code p = previous(i)} (the next grid time, or
 * {@code finalStep.previousTimestep} after the last):
 * <ol>
 *   <li>{@code out = model(x, t, cond)} (guidance, if any, is inside the model: {@code ClassifierFreeGuidance.guide});</li>
 *   <li>{@code x0_hat}, {@code eps_hat} from {@code out} (SPEC §1.2);</li>
 *   <li>optionally {@code x0_hat = clamp(x0_hat, -clipX0, clipX0)}; {@code eps_hat} is kept (as the benchmark,
 *       docs/bench/tiny_video_unet.md §7, and diffusers without {@code use_clipped_model_output});</li>
 *   <li>{@code sigma = eta sqrt((1-abar_p)/(1-abar_t) (1-abar_t/abar_p))}; if positive, {@code xi ~ N(0, I)}
 *       fresh from the Rng (DDIM eq. 16);</li>
 *   <li>{@code x = sqrt(abar_p) x0_hat + sqrt(1 - abar_p - sigma^2) eps_hat + sigma xi} (DDIM eq. 12).</li>
 * </ol>
 *
 * <pre>{@code
 * // The benchmark sampler: 16 steps 999, 933, ..., 9, eta 0, x0 clipped to [-1, 1], last step to alpha_bar = 1.
 * Denoiser guided = ClassifierFreeGuidance.guide(unet, nullLabels, Convention.IMAGEN, 7.5);
 * Tensor video = DdimSampler.benchmark().sample(guided, noise, labels, null);
 * }</pre>
 */
public final class DdimSampler implements Sampler<Denoiser> {
    /** {@code clipX0} value meaning "no clipping". */
    public static final double NO_CLIP = Double.POSITIVE_INFINITY;

    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final Timesteps.FinalStep finalStep;
    private final double eta;
    private final double clipX0;

    /**
     * @param schedule the training noise schedule
     * @param timesteps the grid in sampling order, strictly decreasing, each in {@code 0 .. T-1}
     * @param finalStep where the last step lands
     * @param eta stochasticity (0 = deterministic DDIM, 1 = DDPM posterior variance)
     * @param clipX0 clip {@code x0_hat} to {@code [-clipX0, clipX0]}; {@link #NO_CLIP} for none
     */
    public DdimSampler(NoiseSchedule schedule, int[] timesteps, Timesteps.FinalStep finalStep, double eta, double clipX0) {
        if (schedule == null || timesteps == null || finalStep == null) throw new IllegalArgumentException("DdimSampler: schedule, timesteps and final step are required");
        if (!(clipX0 > 0)) throw new IllegalArgumentException("DdimSampler: clipX0 must be positive (NO_CLIP for none), got " + clipX0);
        checkDecreasing("DdimSampler", timesteps, schedule.numTrainTimesteps());
        if (!(eta >= 0) || Double.isInfinite(eta)) throw new IllegalArgumentException("DdimSampler: eta must be >= 0, got " + eta);
        this.schedule = schedule;
        this.timesteps = timesteps.clone();
        this.finalStep = finalStep;
        this.eta = eta;
        this.clipX0 = clipX0;
    }

    /** A sampler over {@code numSteps} timesteps of {@code spacing}. */
    public DdimSampler(NoiseSchedule schedule, Timesteps.Spacing spacing, int numSteps, Timesteps.FinalStep finalStep, double eta, double clipX0) {
        this(schedule, Timesteps.ddim(spacing, numSteps, schedule.numTrainTimesteps()), finalStep, eta, clipX0);
    }

    /** The benchmark's sampler (docs/bench/tiny_video_unet.md §7): VC2 schedule, 16 steps from the top, eta 0, clip 1, to alpha_bar = 1. */
    public static DdimSampler benchmark() {
        return new DdimSampler(NoiseSchedule.videoCrafter2(), Timesteps.Spacing.FROM_TOP, 16, Timesteps.FinalStep.TO_CLEAN, 0, 1);
    }

    /** The grid in sampling order (a copy). */
    public int[] timesteps() {
        return timesteps.clone();
    }

    /** The target time of step {@code i}: the next grid time, or the final step's target after the last. */
    public int previous(int i) {
        return i + 1 < timesteps.length ? timesteps[i + 1] : finalStep.previousTimestep;
    }

    @Override
    public Tensor sample(Denoiser model, Tensor noise, Tensor cond, Rng rng) {
        SamplerInputs.batch("DdimSampler", noise);
        try (var scope = Autograd.noGrad()) {
            Tensor x = noise;
            for (int i = 0; i < timesteps.length; i++) x = step(model, x, i, cond, rng);
            return x;
        }
    }

    /** Step {@code i} of the grid: from {@code x} at {@code timesteps[i]} to {@code previous(i)} (steps 1-5 above). */
    public Tensor step(Denoiser model, Tensor x, int i, Tensor cond, Rng rng) {
        int batch = SamplerInputs.batch("DdimSampler", x);
        int t = timesteps[i], p = previous(i);
        DdimStep ddim = new DdimStep(schedule, model.predictionType(), eta);
        // 1. The network output at (x, t).
        Tensor out = SamplerInputs.checkOutput("DdimSampler", x, model.predict(x, SamplerInputs.discrete(t, batch), cond));
        // 2. x0_hat and eps_hat from it (SPEC §1.2).
        double a = schedule.sqrtAlphaBar(t), s = schedule.sqrtOneMinusAlphaBar(t);
        Tensor x0 = Parameterization.x0(model.predictionType(), x, out, a, s);
        Tensor eps = Parameterization.epsilon(model.predictionType(), x, out, a, s);
        // 3. Optional clipping of x0_hat only.
        if (clipX0 != NO_CLIP) x0 = Pointwise.clamp(x0, -clipX0, clipX0);
        // 4. Fresh noise when sigma_t > 0 (DDIM eq. 16).
        Tensor xi = ddim.sigma(t, p) > 0 ? SamplerInputs.noiseLike("DdimSampler", x, rng) : null;
        // 5. x_p = sqrt(abar_p) x0 + sqrt(1 - abar_p - sigma^2) eps + sigma xi (DDIM eq. 12).
        return ddim.prevSample(x0, eps, t, p, xi);
    }

    static void checkDecreasing(String who, int[] timesteps, int numTrainTimesteps) {
        if (timesteps.length == 0) throw new IllegalArgumentException(who + ": needs at least one timestep");
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] < 0 || timesteps[i] >= numTrainTimesteps) {
                throw new IllegalArgumentException(who + ": timestep " + timesteps[i] + " outside 0.." + (numTrainTimesteps - 1));
            }
            if (i > 0 && timesteps[i] >= timesteps[i - 1]) {
                throw new IllegalArgumentException(who + ": timesteps must be strictly decreasing, got " + Arrays.toString(timesteps));
            }
        }
    }

    @Override
    public String toString() {
        return "DdimSampler(" + timesteps.length + " steps " + timesteps[0] + ".." + timesteps[timesteps.length - 1] + ", " + finalStep
            + ", eta " + eta + (clipX0 == NO_CLIP ? "" : ", clip " + clipX0) + ")";
    }
}
