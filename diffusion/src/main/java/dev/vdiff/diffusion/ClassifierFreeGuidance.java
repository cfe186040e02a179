package dev.vdiff.diffusion;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

import java.util.Arrays;

/**
 * Classifier-free guidance (Ho and Salimans 2022, eq. 6) in the two conventions of SPEC §1.4, as tensor
 * formulas and as model wrappers that make two separate forward passes (conditional, then unconditional, each of
 * batch B; never one batched 2B pass, as the benchmark requires, docs/bench/tiny_video_unet.md §7).
 *
 * <table>
 *   <caption>Notation (SPEC §1.4)</caption>
 *   <tr><th>convention</th><th>formula</th><th>scale</th><th>used by</th></tr>
 *   <tr><td>{@link Convention#IMAGEN}</td><td>{@code e = e_u + s (e_c - e_u)}</td><td>s (7.5 typical; 1 = no
 *       guidance)</td><td>VideoCrafter2 sampler, the benchmark</td></tr>
 *   <tr><td>{@link Convention#LCM}</td><td>{@code x = x_c + w (x_c - x_u) = (1+w) x_c - w x_u}</td><td>w = s - 1
 *       (0 = no guidance)</td><td>LCM / T2V-Turbo / MCM distillation teachers</td></tr>
 * </table>
 * The two agree when {@code s = 1 + w}. Both are affine combinations (weights summing to 1) of the two outputs,
 * and every conversion of SPEC §1.2 is affine in the network output for fixed {@code z_t} and {@code t}; so
 * guiding the raw output and converting afterwards equals guiding {@code x0_hat} and {@code eps_hat}
 * separately, which is how SPEC §1.4 states the LCM form (tested in {@code ClassifierFreeGuidanceTest}).
 *
 * <p>The formulas are written as the papers write them, {@code u + s (c - u)} and {@code c + w (c - u)}, so that
 * a condition equal to the null condition returns the plain prediction bit for bit.
 *
 * <pre>{@code
 * Tensor nullLabels = Tensor.ofLongs(new long[] {10, 10}, 2);
 * Denoiser guided = ClassifierFreeGuidance.guide(unet, nullLabels, Convention.IMAGEN, 7.5);
 * guided.predict(x, t, labels);   // e_u + 7.5 (e_c - e_u), from unet(x, t, labels) and unet(x, t, nullLabels)
 * }</pre>
 */
public final class ClassifierFreeGuidance {
    private ClassifierFreeGuidance() {}

    /** Which of the two guidance formulas of SPEC §1.4 a scale refers to. */
    public enum Convention {
        /** {@code e_u + s (e_c - e_u)} (Imagen / VideoCrafter2 form). */
        IMAGEN,
        /** {@code x_c + w (x_c - x_u)} (LCM distillation form; {@code w = s - 1}). */
        LCM
    }

    /** {@code uncond + s (cond - uncond)} (SPEC §1.4, Imagen form). Differentiable. */
    public static Tensor imagen(Tensor cond, Tensor uncond, double s) {
        checkShapes(cond, uncond);
        return Arithmetic.add(uncond, Arithmetic.mul(Arithmetic.sub(cond, uncond), s));
    }

    /** {@code cond + w (cond - uncond)} (SPEC §1.4, LCM form). Differentiable. */
    public static Tensor lcm(Tensor cond, Tensor uncond, double w) {
        checkShapes(cond, uncond);
        return Arithmetic.add(cond, Arithmetic.mul(Arithmetic.sub(cond, uncond), w));
    }

    /** The formula of {@code convention} with its scale. */
    public static Tensor combine(Convention convention, Tensor cond, Tensor uncond, double scale) {
        return convention == Convention.IMAGEN ? imagen(cond, uncond, scale) : lcm(cond, uncond, scale);
    }

    /**
     * A denoiser whose prediction for condition {@code c} is the guided combination of {@code model(x, t, c)}
     * and {@code model(x, t, nullCond)} (two forward passes, in that order). Same prediction type as
     * {@code model}. {@code nullCond} may be null if the model reads null as "unconditional".
     */
    public static Denoiser guide(Denoiser model, Tensor nullCond, Convention convention, double scale) {
        checkScale(convention, scale);
        return new Denoiser() {
            @Override
            public Tensor predict(Tensor x, Tensor t, Tensor cond) {
                Tensor c = model.predict(x, t, cond);        // forward pass 1: conditional
                Tensor u = model.predict(x, t, nullCond);    // forward pass 2: unconditional, not batched with pass 1
                return combine(convention, c, u, scale);
            }

            @Override
            public PredictionType predictionType() {
                return model.predictionType();
            }

            @Override
            public String toString() {
                return "ClassifierFreeGuidance(" + convention + ", " + scale + ", " + model + ")";
            }
        };
    }

    /**
     * Guidance rescale (Lin, Liu, Li and Yang 2024, "Common Diffusion Noise Schedules and Sample Steps Are Flawed",
     * §3.4 and Algorithm 2; diffusers' {@code guidance_rescale}; not in SPEC): the guided output {@code x_cfg} is
     * scaled, sample by sample, to the standard deviation of the conditional output {@code x_pos}, and mixed back:
     * <pre>
     *   x_final = phi (std(x_pos) / std(x_cfg)) x_cfg + (1 - phi) x_cfg       (std over all but the batch axis)
     * </pre>
     * Why: at zero terminal SNR a large guidance scale inflates the output's magnitude (over-exposed, saturated
     * frames); the paper uses {@code phi = 0.7}. {@code phi = 0} returns {@code guided} itself. Sampling only: the
     * ratio of standard deviations is computed as a number per sample (no gradient flows through it).
     *
     * @param guided the guided output {@code [B, ...]}
     * @param cond   the conditional output, same shape
     */
    public static Tensor rescale(Tensor guided, Tensor cond, double phi) {
        checkShapes(cond, guided);
        if (!(phi >= 0 && phi <= 1)) throw new IllegalArgumentException("ClassifierFreeGuidance: guidance rescale must be in [0, 1], got " + phi);
        if (phi == 0) return guided;
        int b = guided.shape(0);
        double[] g = guided.contiguous().toDoubleArray(), c = cond.contiguous().toDoubleArray();
        int n = g.length / b;
        double[] factor = new double[b];
        for (int i = 0; i < b; i++) {
            double sg = std(g, i * n, n), sc = std(c, i * n, n);
            double ratio = sg > 0 ? sc / sg : 1;
            factor[i] = phi * ratio + (1 - phi);   // phi ratio x + (1 - phi) x
        }
        int[] shape = new int[guided.rank()];
        Arrays.fill(shape, 1);
        shape[0] = b;
        return Arithmetic.mul(guided, Tensor.of(factor, b).to(guided.dtype()).reshape(shape));
    }

    /** Population standard deviation of {@code v[from .. from+n-1]} (the ratio of two is the same with n-1). */
    private static double std(double[] v, int from, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) mean += v[from + i];
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (v[from + i] - mean) * (v[from + i] - mean);
        return Math.sqrt(ss / n);
    }

    /**
     * As {@link #guide(Denoiser, Tensor, Convention, double)}, then {@link #rescale} with {@code phi} against the
     * conditional output ({@code phi = 0}: exactly {@code guide}).
     */
    public static Denoiser guide(Denoiser model, Tensor nullCond, Convention convention, double scale, double phi) {
        if (phi == 0) return guide(model, nullCond, convention, scale);
        checkScale(convention, scale);
        if (!(phi > 0 && phi <= 1)) throw new IllegalArgumentException("ClassifierFreeGuidance: guidance rescale must be in [0, 1], got " + phi);
        return new Denoiser() {
            @Override
            public Tensor predict(Tensor x, Tensor t, Tensor cond) {
                Tensor c = model.predict(x, t, cond);
                Tensor u = model.predict(x, t, nullCond);
                return rescale(combine(convention, c, u, scale), c, phi);
            }

            @Override
            public PredictionType predictionType() {
                return model.predictionType();
            }

            @Override
            public String toString() {
                return "ClassifierFreeGuidance(" + convention + ", " + scale + ", rescale " + phi + ", " + model + ")";
            }
        };
    }

    /** As {@link #guide(Denoiser, Tensor, Convention, double)} for a rectified-flow model's velocity. */
    public static VelocityModel guide(VelocityModel model, Tensor nullCond, Convention convention, double scale) {
        checkScale(convention, scale);
        return (x, t, cond) -> {
            Tensor c = model.velocity(x, t, cond);
            Tensor u = model.velocity(x, t, nullCond);
            return combine(convention, c, u, scale);
        };
    }

    private static void checkScale(Convention convention, double scale) {
        if (convention == null) throw new IllegalArgumentException("ClassifierFreeGuidance: convention is required");
        if (!Double.isFinite(scale)) throw new IllegalArgumentException("ClassifierFreeGuidance: scale must be finite, got " + scale);
    }

    private static void checkShapes(Tensor cond, Tensor uncond) {
        if (!Arrays.equals(cond.shape(), uncond.shape()) || cond.dtype() != uncond.dtype()) {
            throw new IllegalArgumentException("ClassifierFreeGuidance: conditional " + cond.dtype() + Shape.str(cond.shape())
                + " and unconditional " + uncond.dtype() + Shape.str(uncond.shape()) + " predictions differ");
        }
    }
}
