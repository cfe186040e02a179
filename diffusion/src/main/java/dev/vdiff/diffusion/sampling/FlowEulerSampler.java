package dev.vdiff.diffusion.sampling;

import dev.vdiff.diffusion.FlowMatching;
import dev.vdiff.diffusion.VelocityModel;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * The Euler sampler of rectified flow (SPEC §1.6; Liu et al. 2023, "Flow Straight and Fast", §2; Pyramid Flow's
 * {@code FlowMatchEulerDiscreteScheduler.step}): integrate {@code dx/dsigma = v(x, sigma)} from pure noise at
 * {@code sigma = 1} down to data at {@code sigma = 0}.
 *
 * <table>
 *   <caption>Notation (SPEC §1.6)</caption>
 *   <tr><th>here</th><th>SPEC / Pyramid Flow</th><th>meaning</th></tr>
 *   <tr><td>{@code sigmas[i]}</td><td>sigma_i</td><td>noise level, decreasing from 1 to 0 ({@link FlowMatching#sigmas})</td></tr>
 *   <tr><td>{@code timestepScale}</td><td>1000</td><td>model timestep {@code = timestepScale sigma}</td></tr>
 *   <tr><td>{@code v}</td><td>v_pred ~ noise - data</td><td>model output</td></tr>
 * </table>
 * Step i: {@code v = model(x, timestepScale sigma_i, cond)}, then {@code x = x + (sigma_{i+1} - sigma_i) v}.
 * Deterministic: the Rng is not used.
 *
 * <pre>{@code
 * FlowEulerSampler euler = new FlowEulerSampler(30, 3.0);     // 30 steps, SD3 shift 3
 * Tensor video = euler.sample(flowModel, noise, labels, null);
 * }</pre>
 */
public final class FlowEulerSampler implements Sampler<VelocityModel> {
    /** Pyramid Flow feeds the model {@code 1000 sigma} (SPEC §1.6). */
    public static final double PYRAMID_FLOW_TIMESTEP_SCALE = 1000;

    private final double[] sigmas;
    private final double timestepScale;

    /**
     * @param sigmas the noise levels visited, strictly decreasing, in [0, 1]; one step per consecutive pair
     * @param timestepScale the model timestep per unit sigma
     */
    public FlowEulerSampler(double[] sigmas, double timestepScale) {
        if (sigmas == null || sigmas.length < 2) {
            throw new IllegalArgumentException("FlowEulerSampler: needs at least two sigmas (one step), got " + (sigmas == null ? "null" : sigmas.length));
        }
        for (int i = 0; i < sigmas.length; i++) {
            if (!(sigmas[i] >= 0 && sigmas[i] <= 1) || (i > 0 && !(sigmas[i] < sigmas[i - 1]))) {
                throw new IllegalArgumentException("FlowEulerSampler: sigmas must decrease strictly within [0, 1], got " + Arrays.toString(sigmas));
            }
        }
        if (!Double.isFinite(timestepScale)) throw new IllegalArgumentException("FlowEulerSampler: timestep scale must be finite, got " + timestepScale);
        this.sigmas = sigmas.clone();
        this.timestepScale = timestepScale;
    }

    /** {@code numSteps} steps over {@link FlowMatching#sigmas}{@code (numSteps, shift)}, model timestep {@code 1000 sigma}. */
    public FlowEulerSampler(int numSteps, double shift) {
        this(FlowMatching.sigmas(numSteps, shift), PYRAMID_FLOW_TIMESTEP_SCALE);
    }

    /** The noise levels (a copy). */
    public double[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public Tensor sample(VelocityModel model, Tensor noise, Tensor cond, Rng rng) {
        int batch = SamplerInputs.batch("FlowEulerSampler", noise);
        try (var scope = Autograd.noGrad()) {
            Tensor x = noise;
            for (int i = 0; i + 1 < sigmas.length; i++) {
                // 1. The velocity at (x, sigma_i).
                Tensor t = SamplerInputs.continuous(timestepScale * sigmas[i], batch, x.dtype());
                Tensor v = SamplerInputs.checkOutput("FlowEulerSampler", x, model.velocity(x, t, cond));
                // 2. One Euler step of dx/dsigma = v down to sigma_{i+1}.
                x = Arithmetic.add(x, Arithmetic.mul(v, sigmas[i + 1] - sigmas[i]));
            }
            return x;
        }
    }

    @Override
    public String toString() {
        return "FlowEulerSampler(" + (sigmas.length - 1) + " steps)";
    }
}
