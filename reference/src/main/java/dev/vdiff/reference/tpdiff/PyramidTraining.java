package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.pyramid.NoiseAlignment;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Stage-wise training examples of TPDiff (SPEC §5.3-5.4, §5.5c; TPDiff Algorithms 1-2, eqs. 7-13): align the
 * batch's noise to its clips, draw a stage per example, and build each stage's network input, model time and
 * regression target at a random time inside the stage. Examples of one stage share a frame count, so they come
 * back as one {@link Group} per stage; the network is called once per group and {@link #loss} averages over all
 * examples.
 *
 * <p>Per example, for its stage k with end points {@code x̂_e, x̂_s} ({@link StagePath#endpoints}) and
 * {@code u ~ U[0, 1)}:
 * <ul>
 *   <li>flow matching (eqs. 12-13): {@code t' = 1 - u} in (0, 1] ([RECONSTRUCTED] the sampler queries the stage
 *       start t' = 1, never the end; the paper's U[0, 1) differs on a null set), input {@code (1 - t') x̂_e + t' x̂_s}, target
 *       {@code x̂_s - x̂_e}, model time {@link PyramidStages#flowModelTime} (float, the dtype of x0);</li>
 *   <li>DDIM / VP (eqs. 9-11, Alg. 2): {@code t = e_k + 1 + floor(u (s_k - e_k))}, uniform over the timesteps
 *       {@code e_k < t <= s_k} ([RECONSTRUCTED] Alg. 2 writes [e_k, s_k); these are the timesteps the stage's
 *       sampler evaluates: it starts at s_k and only lands on e_k), input {@code gamma_t d_k + sigma_t eps_k} (eq. 10),
 *       target {@code eps_k} of eq. 11 for an eps-network (or {@code d_k}, or {@code gamma_t eps_k - sigma_t d_k}
 *       for x0- and v-networks), model time t (int64).</li>
 * </ul>
 *
 * <pre>{@code
 * PyramidTraining training = new PyramidTraining(PyramidConfig.flow(), PredictionType.EPSILON);
 * Tensor eps = rng.normal(DType.FLOAT32, x0.shape());                     // x0 [B, F, C, H, W]
 * List<PyramidTraining.Group> groups = training.examples(x0, eps, rng);   // one group per stage drawn
 * Tensor loss = PyramidTraining.loss(groups, x0.shape(0), g -> model.velocity(g.input(), g.modelTime(), labels(g.indices())));
 * }</pre>
 */
public final class PyramidTraining {
    private final PyramidConfig config;
    private final PyramidStages stages;
    private final PredictionType prediction;

    /**
     * @param config the pyramid
     * @param prediction what a DDIM network outputs (ignored for flow matching, whose target is the velocity)
     */
    public PyramidTraining(PyramidConfig config, PredictionType prediction) {
        if (config == null || prediction == null) throw new IllegalArgumentException("PyramidTraining: config and prediction type are required");
        this.config = config;
        this.stages = config.stages();
        this.prediction = prediction;
    }

    public PyramidStages stages() {
        return stages;
    }

    /**
     * The examples of one stage.
     *
     * @param stage k in 1..K
     * @param indices the examples' positions in the batch (ascending)
     * @param input network input {@code [n, .., F/2^{k-1}, ..]}
     * @param modelTime the time the network is given: float {@code [n]} (flow) or int64 {@code [n]} (VP)
     * @param target the regression target, shape of {@code input}
     * @param times each example's time t in the form's units (flow: noise level; VP: timestep)
     */
    public record Group(int stage, int[] indices, Tensor input, Tensor modelTime, Tensor target, double[] times) {
        public int size() {
            return indices.length;
        }
    }

    /**
     * One training step's examples (TPDiff Alg. 2 with Alg. 1): align {@code noise} to {@code x0} (SPEC §5.4,
     * per {@link PyramidConfig#alignment()}), draw stages, then times, from {@code rng} (in that order, so runs
     * replay), and build one group per stage drawn, from stage K down to stage 1.
     *
     * @param x0 full-rate clean latents {@code [B, .., F, ..]} (frames on the configured axis)
     * @param noise iid standard normal noise of the same shape
     */
    public List<Group> examples(Tensor x0, Tensor noise, Rng rng) {
        if (x0 == null || noise == null || !Arrays.equals(x0.shape(), noise.shape()) || x0.dtype() != noise.dtype() || !x0.dtype().isFloat()) {
            throw new IllegalArgumentException("PyramidTraining: x0 " + describe(x0) + " and noise " + describe(noise) + " must be float tensors of one shape and dtype");
        }
        if (config.frameAxis() >= x0.rank()) throw new IllegalArgumentException("PyramidTraining: frame axis " + config.frameAxis() + " is outside x0 " + Shape.str(x0.shape()));
        stages.checkFullFrames(x0.shape(config.frameAxis()));
        int batch = x0.shape(0);
        Tensor aligned = NoiseAlignment.align(x0, noise, config.alignment());
        int[] stageOf = sampleStages(rng, batch);
        double[] u = rng.uniform(DType.FLOAT64, batch).doubles();
        List<Group> groups = new ArrayList<>();
        for (int k = stages.count(); k >= 1; k--) {
            int[] idx = indicesOf(stageOf, k);
            if (idx.length == 0) continue;
            double[] uk = new double[idx.length];
            for (int i = 0; i < idx.length; i++) uk[i] = u[idx[i]];
            groups.add(group(k, idx, rows(x0, idx), rows(aligned, idx), uk));
        }
        return groups;
    }

    /** Each example's stage in 1..K ({@link PyramidConfig#stageSampling()}; EQUAL_SPLIT draws nothing). */
    public int[] sampleStages(Rng rng, int batch) {
        int kMax = stages.count();
        int[] stage = new int[batch];
        if (config.stageSampling() == PyramidConfig.StageSampling.UNIFORM) {
            long[] draw = rng.randint(1, kMax + 1, batch).longs();
            for (int i = 0; i < batch; i++) stage[i] = (int) draw[i];
            return stage;
        }
        // EQUAL_SPLIT: part j (j = 0 .. K-1, stage K - j) has floor(B/K) examples, the last B mod K parts one more.
        int base = batch / kMax, extra = batch % kMax, i = 0;
        for (int j = 0; j < kMax; j++) {
            int size = base + (j >= kMax - extra ? 1 : 0);
            for (int n = 0; n < size; n++) stage[i++] = kMax - j;
        }
        return stage;
    }

    /**
     * The group of stage k from its examples' full-rate clips, their (already aligned) full-rate noise, and one
     * uniform number {@code u[i]} in [0, 1) each, which sets the time inside the stage.
     */
    public Group group(int k, int[] indices, Tensor x0, Tensor alignedNoise, double[] u) {
        int n = x0.shape(0);
        if (indices.length != n || u.length != n) throw new IllegalArgumentException("PyramidTraining.group: " + n + " examples need as many indices and u values");
        Tensor epsK = StagePath.stageNoise(stages, k, alignedNoise);
        StagePath.Endpoints ends = StagePath.endpoints(stages, k, x0, epsK);
        DiffusionForm form = config.form();
        double[] times = new double[n];
        if (!form.discrete()) {
            // Flow matching, eqs. 12-13.
            double[] local = new double[n], modelTime = new double[n];
            for (int i = 0; i < n; i++) {
                local[i] = 1 - checkU(u[i]);
                times[i] = stages.time(k, local[i]);
                modelTime[i] = stages.flowModelTime(k, local[i]);
            }
            Tensor t = Tensor.of(modelTime, n).to(x0.dtype());
            return new Group(k, indices.clone(), StagePath.flowPoint(ends, local), t, StagePath.flowTarget(ends), times);
        }
        // DDIM / VP, eqs. 9-11: t uniform over the integers e_k < t <= s_k.
        int e = (int) stages.end(k), s = (int) stages.start(k);
        long[] steps = new long[n];
        double[] gamma = new double[n], sigma = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = e + 1 + (long) Math.floor(checkU(u[i]) * (s - e));
            times[i] = steps[i];
            gamma[i] = form.gamma(times[i]);
            sigma[i] = form.sigma(times[i]);
        }
        Tensor epsStage = StagePath.stageEpsilon(stages, k, ends);   // eq. 11
        Tensor x0Stage = StagePath.stageX0(stages, k, ends);
        Tensor input = StagePath.ddimPoint(x0Stage, epsStage, gamma, sigma);   // eq. 10
        Tensor target;
        switch (prediction) {
            case EPSILON: target = epsStage; break;
            case SAMPLE: target = x0Stage; break;
            default: target = Parameterization.velocity(x0Stage, epsStage, Tensor.of(gamma, n), Tensor.of(sigma, n));
        }
        return new Group(k, indices.clone(), input, Tensor.ofLongs(steps, n), target, times);
    }

    /**
     * The batch loss {@code sum_g (n_g / B) mse_g}: the mean over the examples of each example's mean squared
     * error. (Examples of coarse stages have fewer elements, so this is not the mean over all elements; each
     * example weighs the same [RECONSTRUCTED].) Differentiable through {@code predict}.
     */
    public static Tensor loss(List<Group> groups, int batch, Function<Group, Tensor> predict) {
        if (groups.isEmpty()) throw new IllegalArgumentException("PyramidTraining.loss: no groups");
        Tensor total = null;
        int seen = 0;
        for (Group g : groups) {
            Tensor term = Arithmetic.mul(Losses.mse(predict.apply(g), g.target()), (double) g.size() / batch);
            total = total == null ? term : Arithmetic.add(total, term);
            seen += g.size();
        }
        if (seen != batch) throw new IllegalArgumentException("PyramidTraining.loss: the groups hold " + seen + " examples, not the batch of " + batch);
        return total;
    }

    private static int[] indicesOf(int[] stageOf, int k) {
        return java.util.stream.IntStream.range(0, stageOf.length).filter(i -> stageOf[i] == k).toArray();
    }

    /** The rows {@code idx} of {@code x} along the batch axis. */
    private static Tensor rows(Tensor x, int[] idx) {
        if (idx.length == x.shape(0)) {
            boolean all = true;
            for (int i = 0; i < idx.length; i++) all &= idx[i] == i;
            if (all) return x;
        }
        Tensor[] parts = new Tensor[idx.length];
        for (int i = 0; i < idx.length; i++) parts[i] = x.narrow(0, idx[i], 1);
        return parts.length == 1 ? parts[0].contiguous() : Concat.cat(0, parts);
    }

    private static double checkU(double u) {
        if (!(u >= 0 && u < 1)) throw new IllegalArgumentException("PyramidTraining: u must be in [0, 1), got " + u);
        return u;
    }

    private static String describe(Tensor t) {
        return t == null ? "null" : t.dtype() + Shape.str(t.shape());
    }
}
