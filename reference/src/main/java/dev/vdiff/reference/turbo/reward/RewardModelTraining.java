package dev.vdiff.reference.turbo.reward;

import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Softmax;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.random.Rng;

import java.util.function.Consumer;

/**
 * Supervised training of the two toy reward models on clean clips of a {@link VideoDataset} (issue 11: the
 * stand-ins for HPSv2/CLIP and InternVideo2), cross-entropy with AdamW. Step {@code s} uses clips
 * {@code s B .. s B + B - 1} of the dataset and draws its frames from {@code Rng.seed(seed).split(s)}, so a run is a
 * pure function of its configuration.
 * <ul>
 *   <li>image model: one random frame per clip, label = the clip's class;</li>
 *   <li>video model: {@code F'} strided frames {@code r, r + s, ...} ({@code s = F / F'}, {@code r < s}, as the
 *       video reward sees them), labels = class and motion ({@link ClipClassifier#STILL} for a still clip, else
 *       its direction); loss = the sum of both cross-entropies.</li>
 * </ul>
 */
public final class RewardModelTraining {
    private RewardModelTraining() {}

    /**
     * @param steps optimizer steps
     * @param batch clips per step
     * @param learningRate AdamW learning rate (weight decay 0)
     * @param seed frame draws
     */
    public record Config(int steps, int batch, double learningRate, long seed) {
        public Config {
            if (steps < 0 || batch < 1 || !(learningRate > 0)) throw new IllegalArgumentException("RewardModelTraining: steps >= 0, batch >= 1 and learning rate > 0 required, got " + steps + ", " + batch + ", " + learningRate);
        }
    }

    /** One step's number: the mean cross-entropy of the batch. */
    public record Step(int step, double loss) {}

    /** Trains the frame classifier in place; {@code progress} (may be null) sees every step. */
    public static void trainImage(FrameClassifier model, VideoDataset data, Config config, Consumer<Step> progress) {
        AdamW opt = new AdamW(model.namedParameters(), config.learningRate(), 0.9, 0.999, 1e-8, 0);
        for (int s = 0; s < config.steps(); s++) {
            Rng rng = Rng.seed(config.seed()).split(s);
            Batch b = imageBatch(data, (long) s * config.batch(), config.batch(), rng, model.dtype());
            Tensor loss = crossEntropy(model.forward(b.input()), b.classes());
            step(opt, loss);
            if (progress != null) progress.accept(new Step(s, loss.item()));
        }
    }

    /** Trains the clip classifier in place. */
    public static void trainVideo(ClipClassifier model, VideoDataset data, Config config, Consumer<Step> progress) {
        AdamW opt = new AdamW(model.namedParameters(), config.learningRate(), 0.9, 0.999, 1e-8, 0);
        for (int s = 0; s < config.steps(); s++) {
            Rng rng = Rng.seed(config.seed()).split(s);
            Batch b = videoBatch(data, (long) s * config.batch(), config.batch(), model.frames(), rng, model.dtype());
            ClipClassifier.Logits l = model.forward(b.input());
            Tensor loss = Arithmetic.add(crossEntropy(l.classes(), b.classes()), crossEntropy(l.motion(), b.motion()));
            step(opt, loss);
            if (progress != null) progress.accept(new Step(s, loss.item()));
        }
    }

    /** Inputs in [0, 1] and labels of a batch. */
    public record Batch(Tensor input, Tensor classes, Tensor motion) {}

    /** One random frame per clip {@code first ..}: frames {@code [B, 3, H, W]} in [0, 1]. */
    public static Batch imageBatch(VideoDataset data, long first, int n, Rng rng, DType dtype) {
        Tensor[] frames = new Tensor[n];
        long[] cls = new long[n];
        for (int i = 0; i < n; i++) {
            Clip c = data.clip(first + i);
            frames[i] = c.video().narrow(0, rng.nextInt(c.frames()), 1);   // [1, 3, H, W]
            cls[i] = c.label();
        }
        return new Batch(toUnit(Concat.cat(0, frames), dtype), Tensor.ofLongs(cls, n), null);
    }

    /** {@code frames} strided frames per clip {@code first ..}: clips {@code [B, F', 3, H, W]} in [0, 1]. */
    public static Batch videoBatch(VideoDataset data, long first, int n, int frames, Rng rng, DType dtype) {
        Tensor[] clips = new Tensor[n];
        long[] cls = new long[n], motion = new long[n];
        for (int i = 0; i < n; i++) {
            Clip c = data.clip(first + i);
            int stride = c.frames() / frames, r = rng.nextInt(stride);
            Tensor[] picked = new Tensor[frames];
            for (int k = 0; k < frames; k++) picked[k] = c.video().narrow(0, r + k * stride, 1);
            clips[i] = Concat.cat(0, picked).unsqueeze(0);                   // [1, F', 3, H, W]
            cls[i] = c.label();
            motion[i] = c.spec().isStatic() ? ClipClassifier.STILL : c.spec().direction().ordinal();
        }
        return new Batch(toUnit(Concat.cat(0, clips), dtype), Tensor.ofLongs(cls, n), Tensor.ofLongs(motion, n));
    }

    /** The fraction of rows whose largest logit is the label. */
    public static double accuracy(Tensor logits, Tensor labels) {
        int n = logits.shape(0), k = logits.shape(1);
        double[] v = logits.contiguous().toDoubleArray();
        long[] y = labels.contiguous().longs();
        int right = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (v[i * k + j] > v[i * k + best]) best = j;
            if (best == y[i]) right++;
        }
        return (double) right / n;
    }

    /** {@code -mean_i log softmax(logits)[i, y_i]}. */
    static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return Arithmetic.neg(Reductions.meanAll(ClassifierRewards.pick(Softmax.logSoftmax(logits, -1), labels)));
    }

    private static void step(AdamW opt, Tensor loss) {
        if (!Double.isFinite(loss.item())) throw new IllegalStateException("RewardModelTraining: the loss is " + loss.item());
        opt.zeroGrad();
        loss.backward();
        opt.step();
    }

    /** Pixels from [-1, 1] to [0, 1] in {@code dtype}, outside autodiff. */
    private static Tensor toUnit(Tensor x, DType dtype) {
        try (var s = Autograd.noGrad()) {
            return Arithmetic.mul(Arithmetic.add(x.to(dtype), 1.0), 0.5);
        }
    }
}
