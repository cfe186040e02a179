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
 *   <li>{@link #FLOW}: rectified flow (SPEC §1.6, Pyramid Flow's convention): noise level
 *       {@code sigma = (t+1)/T} (Pyramid Flow's training grid {@code 1/T .. 1}), input
 *       {@code x = (1 - sigma) x0 + sigma eps}, model timestep {@code T sigma = t+1}, target the velocity
 *       {@code eps - x0}. Sampled with the flow-matching Euler sampler.</li>
 * </ul>
 */
public enum Objective {
    EPSILON("eps"),
    FLOW("flow");

    /** The name used on the command line and in run files. */
    public final String cliName;

    Objective(String cliName) {
        this.cliName = cliName;
    }

    /** Network input, the integer timestep it is given, and the regression target. */
    public record Example(Tensor input, Tensor modelTimesteps, Tensor target) {}

    public Example example(Tensor x0, Tensor eps, Tensor t, NoiseSchedule schedule) {
        if (this == EPSILON) {
            return new Example(Parameterization.addNoise(x0, eps, schedule.sqrtAlphaBar(t), schedule.sqrtOneMinusAlphaBar(t)), t, eps);
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

    public static Objective parse(String name) {
        for (Objective o : values()) if (o.cliName.equals(name.toLowerCase(Locale.ROOT))) return o;
        throw new IllegalArgumentException("unknown objective '" + name + "' (expected eps or flow)");
    }
}
