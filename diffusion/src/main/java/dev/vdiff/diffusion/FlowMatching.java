package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * Rectified flow / flow matching (SPEC §1.6; Liu et al. 2023, "Flow Straight and Fast", eq. 1; Lipman et al.
 * 2023, "Flow Matching", §4.1 (the optimal-transport path); TPDiff eqs. 4-5): the straight path between data and noise, its velocity, and
 * the SD3 timestep shift (Esser et al. 2024, "Scaling Rectified Flow Transformers", §5.3.2).
 *
 * <table>
 *   <caption>Notation (SPEC §1.6)</caption>
 *   <tr><th>here</th><th>TPDiff paper</th><th>Pyramid Flow / SD3 code</th><th>meaning</th></tr>
 *   <tr><td>{@code sigma}</td><td>t</td><td>{@code sigma}</td><td>noise level: 0 = data, 1 = pure noise</td></tr>
 *   <tr><td>{@code x0}</td><td>x_0</td><td>{@code sample}</td><td>data</td></tr>
 *   <tr><td>{@code eps}</td><td>eps</td><td>{@code noise}</td><td>standard normal noise</td></tr>
 *   <tr><td>{@code x}</td><td>x_t</td><td>{@code noisy_sample}</td><td>{@code (1 - sigma) x0 + sigma eps}</td></tr>
 *   <tr><td>{@code v}</td><td>v</td><td>{@code target}</td><td>{@code eps - x0 = dx/dsigma}</td></tr>
 *   <tr><td>{@code shift}</td><td>-</td><td>{@code shift}</td><td>SD3 shift {@code s}: {@code sigma' = s sigma / (1 + (s - 1) sigma)}</td></tr>
 * </table>
 *
 * <pre>{@code
 * DiffusionTraining.Pair p = FlowMatching.pair(x0, eps, Tensor.of(new double[] {0.3, 0.9}, 2));
 * // p.input() = (1 - sigma_b) x0_b + sigma_b eps_b per sample, p.target() = eps - x0
 * FlowMatching.sigmas(4, 1.0);   // [1, 0.75, 0.5, 0.25, 0]
 * }</pre>
 */
public final class FlowMatching {
    private FlowMatching() {}

    /** {@code x_sigma = (1 - sigma) x0 + sigma eps} for one noise level (SPEC §1.6; TPDiff eq. 4). Differentiable. */
    public static Tensor interpolate(Tensor x0, Tensor eps, double sigma) {
        checkSigma(sigma);
        return Parameterization.addNoise(x0, eps, 1 - sigma, sigma);
    }

    /**
     * {@code x_sigma} with one noise level per sample: {@code sigma} is a float tensor {@code [B]} (or one
     * element) for samples {@code [B, ...]}. Differentiable in {@code x0} and {@code eps}.
     */
    public static Tensor interpolate(Tensor x0, Tensor eps, Tensor sigma) {
        double[] s = sigma.toDoubleArray(), keep = new double[s.length];
        for (int i = 0; i < s.length; i++) keep[i] = 1 - checkSigma(s[i]);
        return Parameterization.addNoise(x0, eps, Tensor.of(keep, sigma.shape()), Tensor.of(s.clone(), sigma.shape()));
    }

    /** The velocity target {@code v = eps - x0} (SPEC §1.6; TPDiff eq. 5): {@code d x_sigma / d sigma}. */
    public static Tensor velocityTarget(Tensor x0, Tensor eps) {
        if (!Arrays.equals(x0.shape(), eps.shape())) {
            throw new IllegalArgumentException("FlowMatching: x0 " + Shape.str(x0.shape()) + " and eps " + Shape.str(eps.shape()) + " differ in shape");
        }
        return Arithmetic.sub(eps, x0);
    }

    /** The training input and target of flow matching: {@code (x_sigma, eps - x0)}; loss {@code ||v_theta(x_sigma) - target||^2}. */
    public static DiffusionTraining.Pair pair(Tensor x0, Tensor eps, Tensor sigma) {
        return new DiffusionTraining.Pair(interpolate(x0, eps, sigma), velocityTarget(x0, eps));
    }

    /**
     * The SD3 timestep shift {@code sigma' = shift sigma / (1 + (shift - 1) sigma)} (SPEC §1.6; Esser et al. 2024
     * §5.3.2, with {@code shift = sqrt(m/n)}); {@code shift > 1} spends more steps at high noise. It fixes 0 and 1.
     */
    public static double shift(double sigma, double shift) {
        checkSigma(sigma);
        if (!(shift > 0) || Double.isInfinite(shift)) throw new IllegalArgumentException("FlowMatching: shift must be positive, got " + shift);
        return shift * sigma / (1 + (shift - 1) * sigma);
    }

    /**
     * The Euler sampler's grid: {@code numSteps + 1} noise levels {@code sigma_i = shift(1 - i/numSteps)},
     * {@code i = 0..numSteps}, from exactly 1 down to exactly 0. [RECONSTRUCTED] an evenly spaced grid that ends
     * on the data; diffusers' {@code FlowMatchEulerDiscreteScheduler} instead stops its linspace at
     * {@code 1/T} and appends 0.
     */
    public static double[] sigmas(int numSteps, double shift) {
        if (numSteps < 1) throw new IllegalArgumentException("FlowMatching: numSteps must be >= 1, got " + numSteps);
        double[] s = new double[numSteps + 1];
        for (int i = 0; i <= numSteps; i++) s[i] = shift(1 - (double) i / numSteps, shift);
        return s;
    }

    /**
     * Training noise levels: {@code sigma = shift(u)}, {@code u ~ U[0, 1)} per sample, float64 {@code [batch]}
     * (uniform time sampling as in TPDiff Alg. 2; Pyramid Flow and SD3 offer other densities).
     */
    public static Tensor sampleSigmas(Rng rng, int batch, double shift) {
        double[] u = rng.uniform(DType.FLOAT64, batch).doubles();
        for (int i = 0; i < batch; i++) u[i] = shift(u[i], shift);
        return Tensor.of(u, batch);
    }

    private static double checkSigma(double sigma) {
        if (!(sigma >= 0 && sigma <= 1)) throw new IllegalArgumentException("FlowMatching: sigma must be in [0, 1], got " + sigma);
        return sigma;
    }
}
