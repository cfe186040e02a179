package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The denoising loss on held-out clips, per timestep bucket: TQD's claim is about which timesteps learn what
 * (motion at large {@code t}, detail at small {@code t}; paper Figure 2), so the loss is reported per range of
 * {@code t} rather than as one number. The range {@code 0..T-1} is cut into {@code K} equal buckets,
 * bucket {@code k} = {@code [floor(k T / K), floor((k+1) T / K))}. Every clip gets, in every bucket, one
 * timestep drawn uniformly in the bucket and one noise draw, all fixed by {@code seed}: every model evaluated with
 * the same instance sees the same inputs, so differences between models are not sampling noise of the evaluation.
 *
 * <p>The loss of a bucket is the objective's own training loss ({@link Objective}; for v-prediction
 * {@code ||v - v_hat||^2}) averaged over its clips and elements, with the clips' class labels (as in training,
 * without class dropout).
 */
public final class HeldOutLoss {
    /** Clips per forward pass. */
    static final int CHUNK = 8;

    /** One bucket's fixed inputs: network input, model timesteps, labels and target for every clip. */
    public record BucketInputs(List<Objective.Example> chunks, List<Tensor> labels) {}

    private final int[] edges;
    private final List<BucketInputs> buckets = new ArrayList<>();

    /**
     * @param clips  held-out clips {@code [F, C, H, W]}
     * @param labels their class labels
     */
    public HeldOutLoss(List<Tensor> clips, long[] labels, Objective objective, NoiseSchedule schedule, int k, long seed) {
        if (k < 1) throw new IllegalArgumentException("HeldOutLoss: need at least one bucket, got " + k);
        if (clips.isEmpty() || clips.size() != labels.length) throw new IllegalArgumentException("HeldOutLoss: " + clips.size() + " clips and " + labels.length + " labels");
        edges = edges(schedule.numTrainTimesteps(), k);
        Rng root = Rng.seed(seed);
        for (int b = 0; b < k; b++) {
            Rng rb = root.split(b);
            List<Objective.Example> chunks = new ArrayList<>();
            List<Tensor> ys = new ArrayList<>();
            for (int start = 0; start < clips.size(); start += CHUNK) {
                int n = Math.min(CHUNK, clips.size() - start);
                Tensor[] x = new Tensor[n];
                long[] t = new long[n], y = new long[n];
                for (int i = 0; i < n; i++) {
                    Tensor c = clips.get(start + i);
                    x[i] = c.reshape(1, c.shape(0), c.shape(1), c.shape(2), c.shape(3));
                    Rng ri = rb.split(start + i);
                    t[i] = edges[b] + ri.nextInt(edges[b + 1] - edges[b]);
                    y[i] = labels[start + i];
                }
                Tensor x0 = Concat.cat(0, x);
                Tensor eps = rb.split(-1 - start).normal(DType.FLOAT32, x0.shape());
                chunks.add(objective.example(x0, eps, Tensor.ofLongs(t, n), schedule));
                ys.add(Tensor.ofLongs(y, n));
            }
            buckets.add(new BucketInputs(chunks, ys));
        }
    }

    /** Bucket edges {@code e_k = floor(k T / K)}, {@code k = 0..K}: {@code e_0 = 0}, {@code e_K = T}; every bucket non-empty when {@code K <= T}. */
    public static int[] edges(int numTrainTimesteps, int k) {
        if (k > numTrainTimesteps) throw new IllegalArgumentException("HeldOutLoss: " + k + " buckets for " + numTrainTimesteps + " timesteps");
        int[] e = new int[k + 1];
        for (int i = 0; i <= k; i++) e[i] = (int) ((long) i * numTrainTimesteps / k);
        return e;
    }

    public int[] edges() {
        return edges.clone();
    }

    /** The fixed inputs of every bucket (for tests and diagnosis). */
    public List<BucketInputs> inputs() {
        return buckets;
    }

    /** Mean squared error of {@code model}'s prediction against the target, per bucket. */
    public double[] evaluate(Denoiser model) {
        double[] out = new double[buckets.size()];
        try (var g = Autograd.noGrad()) {
            for (int b = 0; b < buckets.size(); b++) {
                BucketInputs in = buckets.get(b);
                double sum = 0;
                long count = 0;
                for (int c = 0; c < in.chunks().size(); c++) {
                    Objective.Example ex = in.chunks().get(c);
                    float[] p = model.forward(ex.input().to(model.module().dtype()), ex.modelTimesteps(), in.labels().get(c)).to(DType.FLOAT32).contiguous().floats();
                    float[] t = ex.target().to(DType.FLOAT32).contiguous().floats();
                    if (p.length != t.length) throw new IllegalStateException("HeldOutLoss: prediction has " + p.length + " elements, target " + t.length);
                    for (int i = 0; i < p.length; i++) {
                        double d = (double) p[i] - t[i];
                        sum += d * d;
                    }
                    count += p.length;
                }
                out[b] = sum / count;
            }
        }
        return out;
    }
}
