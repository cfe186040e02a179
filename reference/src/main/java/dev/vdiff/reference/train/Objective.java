package dev.vdiff.reference.train;

import dev.vdiff.diffusion.DiffusionTraining;
import dev.vdiff.diffusion.FlowMatching;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.Tensor;

import java.util.Locale;

/**
 * What the network learns to predict, and from what input. Both objectives take the integer timesteps of the
 * {@link TimestepSampler} ({@code t in 0..T-1}):
 * <ul>
 *   <li>{@link #EPSILON}: DDPM (Ho et al. 2020, eq. 14; SPEC §1.2): input {@code z_t = a_t x0 + s_t eps}, model
 *       timestep {@code t}, target {@code eps}. Sampled with DDIM or LCM multistep.</li>
 *   <li>{@link #V}: v-prediction (Salimans and Ho 2022, §4; SPEC §1.2): input {@code z_t} as for EPSILON, target
 *       the velocity {@code v = a_t eps - s_t x0}. Same samplers (they convert through {@code Parameterization}).
 *       Since {@code eps = a_t v + s_t z_t}, the network's noise estimate carries the input through, and the loss
 *       {@code ||v - v_hat||^2 = ||eps - eps_hat||^2 / a_t^2} weights the noisiest steps up: there an error of
 *       the noise estimate is magnified {@code 1/a_t} (15x at t = 999) in the clean-video estimate
 *       {@code (z_t - s_t eps)/a_t} that samplers start from.</li>
 *   <li>{@link #FLOW}: rectified flow (SPEC §1.6, Pyramid Flow's convention): noise level
 *       {@code sigma = (t+1)/T} (Pyramid Flow's training grid {@code 1/T .. 1}), input
 *       {@code x = (1 - sigma) x0 + sigma eps}, model timestep {@code T sigma = t+1}, target the velocity
 *       {@code eps - x0}. Sampled with the flow-matching Euler sampler.</li>
 * </ul>
 */
public enum Objective {
    EPSILON("eps"),
    V("v"),
    FLOW("flow");

    /** The name used on the command line and in run files. */
    public final String cliName;

    Objective(String cliName) {
        this.cliName = cliName;
    }

    /** Network input, the integer timestep it is given, and the regression target. */
    public record Example(Tensor input, Tensor modelTimesteps, Tensor target) {}

    public Example example(Tensor x0, Tensor eps, Tensor t, NoiseSchedule schedule) {
        if (this != FLOW) {
            Tensor a = schedule.sqrtAlphaBar(t), s = schedule.sqrtOneMinusAlphaBar(t);
            Tensor zt = Parameterization.addNoise(x0, eps, a, s);
            return new Example(zt, t, this == EPSILON ? eps : Parameterization.velocity(x0, eps, a, s));
        }
        long[] ts = t.contiguous().longs();
        int n = schedule.numTrainTimesteps();
        double[] sigma = new double[ts.length];
        long[] modelT = new long[ts.length];
        for (int i = 0; i < ts.length; i++) {
            sigma[i] = (ts[i] + 1.0) / n;
            modelT[i] = ts[i] + 1;
        }
        DiffusionTraining.Pair p = FlowMatching.pair(x0, eps, Tensor.of(sigma, sigma.length));
        return new Example(p.input(), Tensor.ofLongs(modelT, modelT.length), p.target());
    }

    /** What the network outputs, for the samplers (FLOW networks are velocity models, not one of these). */
    public dev.vdiff.diffusion.PredictionType predictionType() {
        return this == V ? dev.vdiff.diffusion.PredictionType.V_PREDICTION : dev.vdiff.diffusion.PredictionType.EPSILON;
    }

    public static Objective parse(String name) {
        for (Objective o : values()) if (o.cliName.equals(name.toLowerCase(Locale.ROOT))) return o;
        throw new IllegalArgumentException("unknown objective '" + name + "' (expected eps, v or flow)");
    }
}
