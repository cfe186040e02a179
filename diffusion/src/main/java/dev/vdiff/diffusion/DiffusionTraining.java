package dev.vdiff.diffusion;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * Inputs and regression targets of denoising training (SPEC §1.2; Ho et al. 2020, Algorithm 1 and eq. 14;
 * Salimans and Ho 2022, §4 for v): noise a clean batch at per-sample timesteps and name what the network must
 * predict in its parameterisation. The loss itself ({@code Losses.mse(prediction, target)}) is the caller's.
 *
 * <table>
 *   <caption>Notation (SPEC §1.2)</caption>
 *   <tr><th>here</th><th>SPEC</th><th>meaning</th></tr>
 *   <tr><td>{@code x0}</td><td>z_0</td><td>clean latents {@code [B, ...]}</td></tr>
 *   <tr><td>{@code eps}</td><td>eps</td><td>standard normal noise, shape of {@code x0}</td></tr>
 *   <tr><td>{@code t}</td><td>t</td><td>int64 {@code [B]} timesteps (or one for all)</td></tr>
 *   <tr><td>{@code addNoise}</td><td>z_t = a_t z_0 + s_t eps</td><td>network input</td></tr>
 *   <tr><td>{@code target}</td><td>eps / z_0 / v = a_t eps - s_t z_0</td><td>for EPSILON / SAMPLE / V_PREDICTION</td></tr>
 * </table>
 * Flow-matching pairs come from {@link FlowMatching#pair}, with the same {@link Pair} type.
 *
 * <pre>{@code
 * DiffusionTraining training = new DiffusionTraining(NoiseSchedule.videoCrafter2(), PredictionType.EPSILON);
 * Tensor t = training.sampleTimesteps(rng, 2);            // int64 [2], uniform in 0..999
 * Tensor eps = rng.normal(DType.FLOAT32, x0.shape());
 * DiffusionTraining.Pair p = training.pair(x0, eps, t);    // (z_t, eps)
 * Tensor loss = Losses.mse(unet.forward(p.input(), t, labels), p.target());
 * }</pre>
 *
 * @param schedule the training noise schedule
 * @param predictionType what the network is trained to output
 */
public record DiffusionTraining(NoiseSchedule schedule, PredictionType predictionType) {
    public DiffusionTraining {
        if (schedule == null || predictionType == null) throw new IllegalArgumentException("DiffusionTraining: schedule and prediction type are required");
    }

    /** A network input and its regression target, both of the shape and dtype of the clean batch. */
    public record Pair(Tensor input, Tensor target) {}

    /** {@code z_t = a_t x0 + s_t eps} with the {@code a_t, s_t} of each sample's timestep (SPEC §1.2; Ho et al. eq. 4). Differentiable. */
    public Tensor addNoise(Tensor x0, Tensor eps, Tensor t) {
        checkShapes(x0, eps, t);
        return Parameterization.addNoise(x0, eps, schedule.sqrtAlphaBar(t), schedule.sqrtOneMinusAlphaBar(t));
    }

    /** What the network should output at {@code z_t}: {@code eps}, {@code x0}, or {@code v = a_t eps - s_t x0} (Salimans and Ho §4). */
    public Tensor target(Tensor x0, Tensor eps, Tensor t) {
        checkShapes(x0, eps, t);
        switch (predictionType) {
            case EPSILON: return eps;
            case SAMPLE: return x0;
            default: return Parameterization.velocity(x0, eps, schedule.sqrtAlphaBar(t), schedule.sqrtOneMinusAlphaBar(t));
        }
    }

    /** {@code (z_t, target)} together. */
    public Pair pair(Tensor x0, Tensor eps, Tensor t) {
        return new Pair(addNoise(x0, eps, t), target(x0, eps, t));
    }

    /** Training timesteps uniform in {@code 0 .. T-1} (Ho et al. Algorithm 1, line 3), int64 {@code [batch]}. */
    public Tensor sampleTimesteps(Rng rng, int batch) {
        return rng.randint(0, schedule.numTrainTimesteps(), batch);
    }

    private static void checkShapes(Tensor x0, Tensor eps, Tensor t) {
        if (!Arrays.equals(x0.shape(), eps.shape()) || x0.dtype() != eps.dtype()) {
            throw new IllegalArgumentException("DiffusionTraining: x0 " + x0.dtype() + Shape.str(x0.shape()) + " and eps " + eps.dtype() + Shape.str(eps.shape()) + " differ");
        }
        if (t.dtype() != DType.INT64) throw new IllegalArgumentException("DiffusionTraining: t must be int64, got " + t.dtype() + Shape.str(t.shape()));
        if (t.numel() != 1 && (t.rank() != 1 || x0.rank() < 1 || t.shape(0) != x0.shape(0))) {
            throw new IllegalArgumentException("DiffusionTraining: t " + Shape.str(t.shape()) + " must hold one timestep or one per sample of " + Shape.str(x0.shape()));
        }
    }
}
