package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

/**
 * The boundary-condition scalings of a latent consistency model (SPEC §1.5; docs/ORACLE.md §5.19). The
 * consistency function is parameterised as {@code f(z_t, t) = c_skip(t) z_t + c_out(t) x0_hat(z_t)}
 * (Song et al. 2023, "Consistency Models", §3; adopted by Luo et al. 2023, "Latent Consistency Models"), where
 * {@code c_skip(0) = 1} and {@code c_out(0) = 0} make {@code f} the identity at the boundary time.
 *
 * <table>
 *   <caption>Notation (SPEC §1.5)</caption>
 *   <tr><th>here</th><th>SPEC</th><th>code of T2V-Turbo / MCM</th></tr>
 *   <tr><td>{@code sigmaData}</td><td>sigma_data</td><td>{@code sigma_data} (0.5)</td></tr>
 *   <tr><td>{@code timestepScaling}</td><td>S</td><td>{@code timestep_scaling} (10 in T2V-Turbo, 4 in MCM)</td></tr>
 *   <tr><td>{@code t}</td><td>t</td><td>discrete timestep 0..999</td></tr>
 * </table>
 * <pre>
 *   c_skip(t) = sigma_data^2 / ((S t)^2 + sigma_data^2),      c_out(t) = S t / sqrt((S t)^2 + sigma_data^2)
 * </pre>
 * so that {@code c_out(t)^2 = 1 - c_skip(t)} (SPEC §1.8 item 1).
 *
 * <pre>{@code
 * LcmBoundary.T2V_TURBO.cSkip(999);   // 2.505e-9 (SPEC §1.5)
 * LcmBoundary.T2V_TURBO.cOut(0);      // 0
 * }</pre>
 *
 * <p>Float32: the scalings are computed in double and rounded (docs/ORACLE.md §4 lets float32 evaluations work in
 * higher precision internally); {@code c_skip} near {@code t = 999} is ~2.5e-9 and keeps its relative accuracy.
 *
 * @param sigmaData sigma_data, the data standard deviation assumed by the scalings
 * @param timestepScaling S, the factor applied to the discrete timestep before the scalings
 */
public record LcmBoundary(double sigmaData, double timestepScaling) {
    /** T2V-Turbo: sigma_data 0.5, S = 10 (SPEC §1.5). */
    public static final LcmBoundary T2V_TURBO = new LcmBoundary(0.5, 10);
    /** MCM scripts: sigma_data 0.5, S = 4 (SPEC §1.5, §5.9). */
    public static final LcmBoundary MCM = new LcmBoundary(0.5, 4);

    public LcmBoundary {
        if (!(sigmaData > 0) || !(timestepScaling > 0) || Double.isInfinite(sigmaData) || Double.isInfinite(timestepScaling)) {
            throw new IllegalArgumentException("LcmBoundary: sigma_data and timestep_scaling must be positive, got " + sigmaData + ", " + timestepScaling);
        }
    }

    /** {@code c_skip(t) = sigma_data^2 / ((S t)^2 + sigma_data^2)}. */
    public double cSkip(double t) {
        double s = timestepScaling * t;
        double sd2 = sigmaData * sigmaData;
        return sd2 / (s * s + sd2);
    }

    /** {@code c_out(t) = S t / sqrt((S t)^2 + sigma_data^2)}. */
    public double cOut(double t) {
        double s = timestepScaling * t;
        return s / Math.sqrt(s * s + sigmaData * sigmaData);
    }

    /** {@code c_skip} of every timestep of an int64 tensor, as a tensor of the same shape in {@code dtype}. */
    public Tensor cSkip(Tensor timesteps, DType dtype) {
        return map(timesteps, dtype, true);
    }

    /** {@code c_out} of every timestep of an int64 tensor, as a tensor of the same shape in {@code dtype}. */
    public Tensor cOut(Tensor timesteps, DType dtype) {
        return map(timesteps, dtype, false);
    }

    /**
     * The consistency function's output {@code c_skip(t) z_t + c_out(t) x0_hat} (SPEC §1.5; LCM's
     * {@code denoised}), differentiable in both tensors. At {@code t = 0} it returns {@code z_t} exactly.
     */
    public Tensor denoised(Tensor zt, Tensor x0Hat, double t) {
        return Arithmetic.add(Arithmetic.mul(zt, cSkip(t)), Arithmetic.mul(x0Hat, cOut(t)));
    }

    /** As {@link #denoised(Tensor, Tensor, double)} with one int64 timestep per sample of {@code [B, ...]} tensors. */
    public Tensor denoised(Tensor zt, Tensor x0Hat, Tensor timesteps) {
        return Arithmetic.add(Coefficients.times(zt, cSkip(timesteps, DType.FLOAT64)), Coefficients.times(x0Hat, cOut(timesteps, DType.FLOAT64)));
    }

    private Tensor map(Tensor timesteps, DType dtype, boolean skip) {
        if (timesteps.dtype() != DType.INT64) throw new IllegalArgumentException("LcmBoundary: timesteps must be int64, got " + timesteps.dtype() + Shape.str(timesteps.shape()));
        if (!dtype.isFloat()) throw new IllegalArgumentException("LcmBoundary: output dtype must be float32 or float64, got " + dtype);
        long[] t = timesteps.contiguous().longs();
        double[] v = new double[t.length];
        for (int i = 0; i < t.length; i++) v[i] = skip ? cSkip(t[i]) : cOut(t[i]);
        Tensor out = Tensor.of(v, timesteps.shape());
        return dtype == DType.FLOAT64 ? out : out.to(dtype);
    }
}
