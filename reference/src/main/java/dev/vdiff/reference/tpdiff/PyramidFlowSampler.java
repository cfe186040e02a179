package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.VelocityModel;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * TPDiff inference for flow matching (SPEC §5.5b, reconstructed from TPDiff eqs. 12-16 and PF-CODE
 * {@code generate_one_unit}): Euler steps through the stages from the coarsest (F/2^{K-1} frames) to the full
 * frame rate, renoising at every jump.
 *
 * <pre>
 * x ~ N(0, I) with the frames of stage K
 * for k = K .. 1:
 *     if k &lt; K: x = c_k Up(x) + alpha_k n'            (jump, {@link Renoise}; SPEC §5.5)
 *     for i = 0 .. n_k - 1:                              (n_k = the stage's step budget)
 *         t'_i = 1 - i/n_k                               (stage-local position, 1 = stage start)
 *         v = model(x, model time of (k, t'_i), cond)    (trained target v_k = x̂_s - x̂_e = dx/dt', eq. 13)
 *         x = x + (t'_{i+1} - t'_i) v                    (Euler step towards the stage end)
 * return x                                               (full-rate clean sample)
 * </pre>
 * The model is called with fewer frames in the coarse stages; it must accept any frame count the stages produce.
 * Unlike {@link dev.vdiff.diffusion.sampling.Sampler}, the result has more frames than the starting noise.
 *
 * <pre>{@code
 * PyramidFlowSampler sampler = new PyramidFlowSampler(PyramidConfig.flow(), 30);   // 10 + 10 + 10 steps
 * Tensor noise = rng.normal(DType.FLOAT32, sampler.noiseShape(new int[] {2, 16, 4, 32, 32}));   // [2, 4, 4, 32, 32]
 * Tensor video = sampler.sample(model, noise, labels, rng);                             // [2, 16, 4, 32, 32]
 * }</pre>
 */
public final class PyramidFlowSampler {
    private final PyramidStages stages;
    private final int[] steps;   // sampling order: stage K first

    /**
     * @param config a flow-matching pyramid
     * @param totalSteps all Euler steps, split over the stages by {@link PyramidStages#allocation}
     */
    public PyramidFlowSampler(PyramidConfig config, int totalSteps) {
        if (config == null || config.form().discrete()) throw new IllegalArgumentException("PyramidFlowSampler: needs a flow-matching pyramid config, got " + config);
        this.stages = config.stages();
        this.steps = stages.allocation(totalSteps);
    }

    public PyramidStages stages() {
        return stages;
    }

    /** The Euler steps of stage k. */
    public int steps(int k) {
        return steps[stages.count() - k];
    }

    /** The shape of the starting noise for a full-rate output of {@code fullShape}: stage K's frame count. */
    public int[] noiseShape(int[] fullShape) {
        return stages.stageShape(fullShape, stages.count());
    }

    /**
     * A full-rate sample from {@code noise} (standard normal with stage K's frame count, float32 or float64).
     * {@code rng} draws the renoising noise (needed when K &gt; 1 and renoising is on). Nothing is recorded for autodiff.
     */
    public Tensor sample(VelocityModel model, Tensor noise, Tensor cond, Rng rng) {
        int axis = stages.config().frameAxis();
        checkNoise(noise, axis);
        int batch = noise.shape(0);
        try (var scope = Autograd.noGrad()) {
            Tensor x = noise;
            for (int k = stages.count(); k >= 1; k--) {
                // 1. The jump from stage k+1: Up, scale, anti-correlated pair noise (SPEC §5.5).
                if (k < stages.count()) x = Renoise.apply(x, stages.jump(k), axis, rng);
                int n = steps(k);
                for (int i = 0; i < n; i++) {
                    double local = 1 - (double) i / n, next = 1 - (double) (i + 1) / n;
                    // 2. The stage velocity at (x, t'_i); the model sees the global time (SPEC §5.3).
                    Tensor t = Tensor.full(x.dtype(), stages.flowModelTime(k, local), batch);
                    Tensor v = model.velocity(x, t, cond);
                    if (v == null || !Arrays.equals(v.shape(), x.shape()) || v.dtype() != x.dtype()) {
                        throw new IllegalArgumentException("PyramidFlowSampler: stage " + k + " model returned " + (v == null ? "null" : v.dtype() + Shape.str(v.shape()))
                            + " for " + x.dtype() + Shape.str(x.shape()));
                    }
                    // 3. Euler step of dx/dt' = v from t'_i to t'_{i+1} (eq. 13).
                    x = Arithmetic.add(x, Arithmetic.mul(v, next - local));
                }
            }
            return x;
        }
    }

    private void checkNoise(Tensor noise, int axis) {
        if (noise == null || !noise.dtype().isFloat() || noise.rank() <= axis) {
            throw new IllegalArgumentException("PyramidFlowSampler: the starting noise must be a float tensor with frames on axis " + axis + ", got "
                + (noise == null ? "null" : noise.dtype() + Shape.str(noise.shape())));
        }
        stages.checkFullFrames(noise.shape(axis) << (stages.count() - 1));
    }

    @Override
    public String toString() {
        return "PyramidFlowSampler(" + stages + ", steps " + Arrays.toString(steps) + ")";
    }
}
