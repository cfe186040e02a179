package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * TPDiff inference for the DDIM form (SPEC §5.3, §5.5; [RECONSTRUCTED] VP analogue of §5.5b): deterministic DDIM
 * steps (SPEC §1.3) inside every stage, renoising at every jump. Inside stage k the trained network predicts the
 * stage noise {@code eps_k} of eq. 11, and one DDIM step with a constant {@code eps_k} is exactly eq. 10, so the
 * ordinary DDIM update carries the sample from the stage start {@code s_k} to its end {@code e_k}.
 *
 * <pre>
 * x ~ N(0, I) with the frames of stage K, taken as the sample at timestep s_K = T-1
 * for k = K .. 1:
 *     if k &lt; K: x = c_k Up(x) + alpha_k n'             (jump, {@link Renoise}; SPEC §5.5, VP form)
 *     for the stage's grid s_k = t_0 &gt; t_1 &gt; .. &gt; t_{n-1} &gt; e_k:
 *         out = model(x, t_i, cond); x0_hat, eps_hat from out (SPEC §1.2)
 *         x = sqrt(abar_p) x0_hat + sqrt(1 - abar_p) eps_hat,   p = t_{i+1}, or e_k after the last (e_1 = -1: clean)
 * return x
 * </pre>
 * [RECONSTRUCTED] Grid of stage k with n steps: {@code t_i = round(s_k - i (s_k - e_k)/n)}, i = 0..n-1. No
 * clipping of {@code x0_hat} (inside a stage it is the stage's estimate {@code d_k}, not a clean video).
 *
 * <pre>{@code
 * PyramidDdimSampler sampler = new PyramidDdimSampler(PyramidConfig.vp(NoiseSchedule.videoCrafter2()), 30);
 * Tensor video = sampler.sample(unet, rng.normal(DType.FLOAT32, sampler.noiseShape(fullShape)), labels, rng);
 * }</pre>
 */
public final class PyramidDdimSampler {
    private final PyramidStages stages;
    private final DiffusionForm.Vp form;
    private final int[][] grids;   // index k - 1

    /**
     * @param config a VP pyramid
     * @param totalSteps all DDIM steps, split over the stages by {@link PyramidStages#allocation}
     */
    public PyramidDdimSampler(PyramidConfig config, int totalSteps) {
        if (config == null || !(config.form() instanceof DiffusionForm.Vp vp)) throw new IllegalArgumentException("PyramidDdimSampler: needs a VP pyramid config, got " + config);
        this.form = vp;
        this.stages = config.stages();
        int[] alloc = stages.allocation(totalSteps);
        grids = new int[stages.count()][];
        for (int k = 1; k <= stages.count(); k++) grids[k - 1] = grid((int) stages.start(k), (int) stages.end(k), alloc[stages.count() - k], k);
    }

    private static int[] grid(int start, int end, int n, int k) {
        if (n > start - end) throw new IllegalArgumentException("PyramidDdimSampler: stage " + k + " has " + (start - end) + " timesteps (" + start + " down to " + end + ") for " + n + " steps");
        int[] g = new int[n];
        for (int i = 0; i < n; i++) g[i] = (int) Math.round(start - (double) i * (start - end) / n);
        return g;
    }

    public PyramidStages stages() {
        return stages;
    }

    /** The timesteps at which stage k calls the model, in sampling order (a copy). */
    public int[] timesteps(int k) {
        if (k < 1 || k > stages.count()) throw new IllegalArgumentException("PyramidDdimSampler: stage " + k + " is outside 1.." + stages.count());
        return grids[k - 1].clone();
    }

    /** The shape of the starting noise for a full-rate output of {@code fullShape}: stage K's frame count. */
    public int[] noiseShape(int[] fullShape) {
        return stages.stageShape(fullShape, stages.count());
    }

    /** A full-rate sample from {@code noise} (stage K's frame count); {@code rng} draws the renoising noise. Not recorded for autodiff. */
    public Tensor sample(Denoiser model, Tensor noise, Tensor cond, Rng rng) {
        int axis = stages.config().frameAxis();
        if (noise == null || !noise.dtype().isFloat() || noise.rank() <= axis) {
            throw new IllegalArgumentException("PyramidDdimSampler: the starting noise must be a float tensor with frames on axis " + axis + ", got "
                + (noise == null ? "null" : noise.dtype() + Shape.str(noise.shape())));
        }
        stages.checkFullFrames(noise.shape(axis) << (stages.count() - 1));
        int batch = noise.shape(0);
        DdimStep ddim = new DdimStep(form.schedule(), model.predictionType(), 0);
        try (var scope = Autograd.noGrad()) {
            Tensor x = noise;
            for (int k = stages.count(); k >= 1; k--) {
                // 1. The jump from stage k+1 (SPEC §5.5, VP form).
                if (k < stages.count()) x = Renoise.apply(x, stages.jump(k), axis, rng);
                int[] g = grids[k - 1];
                for (int i = 0; i < g.length; i++) {
                    int t = g[i], p = i + 1 < g.length ? g[i + 1] : (int) stages.end(k);
                    // 2. The network output at (x, t), converted to x0_hat and eps_hat (SPEC §1.2).
                    long[] ts = new long[batch];
                    Arrays.fill(ts, t);
                    Tensor out = model.predict(x, Tensor.ofLongs(ts, batch), cond);
                    if (out == null || !Arrays.equals(out.shape(), x.shape()) || out.dtype() != x.dtype()) {
                        throw new IllegalArgumentException("PyramidDdimSampler: stage " + k + " model returned " + (out == null ? "null" : out.dtype() + Shape.str(out.shape()))
                            + " for " + x.dtype() + Shape.str(x.shape()));
                    }
                    double a = form.gamma(t), s = form.sigma(t);
                    Tensor x0 = Parameterization.x0(model.predictionType(), x, out, a, s);
                    Tensor eps = Parameterization.epsilon(model.predictionType(), x, out, a, s);
                    // 3. Deterministic DDIM step to p (SPEC §1.3; = TPDiff eq. 10 with constant eps_k).
                    x = ddim.prevSample(x0, eps, t, p, null);
                }
            }
            return x;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PyramidDdimSampler(");
        for (int k = stages.count(); k >= 1; k--) sb.append(k == stages.count() ? "" : "; ").append("stage ").append(k).append(' ').append(Arrays.toString(grids[k - 1]));
        return sb.append(')').toString();
    }
}
