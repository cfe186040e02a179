package dev.vdiff.reference.turbo.reward;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Softmax;

/**
 * The two toy reward models as {@link DifferentiableReward}s (higher is better, differentiable in the pixels):
 * <pre>
 *   R_img(frame, c) = log p_frame(c | frame)                                       (how well the frame shows class c)
 *   R_vid(clip, c)  = log p_clip(c | clip) + log(1 - p_clip(still | clip))         (right class, and moving)
 * </pre>
 * [RECONSTRUCTED] The condition is a class label only, so the video reward cannot ask for a particular direction;
 * it rewards the class and that the clip moves at all. The direction head serves the experiment's motion accuracy.
 */
public final class ClassifierRewards {
    private ClassifierRewards() {}

    /** {@code R_img}: the frame classifier's log-probability of the requested class. */
    public static DifferentiableReward image(FrameClassifier model) {
        return (frames, cond) -> pick(Softmax.logSoftmax(model.forward(frames), -1), cond);
    }

    /** {@code R_vid}: the clip classifier's log-probability of the class plus the log-probability of moving. */
    public static DifferentiableReward video(ClipClassifier model) {
        return (clips, cond) -> {
            ClipClassifier.Logits l = model.forward(clips);
            Tensor logClass = pick(Softmax.logSoftmax(l.classes(), -1), cond);                // [N]
            Tensor p = Softmax.softmax(l.motion(), -1);                                         // [N, 9]
            Tensor moving = Reductions.sum(p.narrow(1, 0, ClipClassifier.STILL), new int[] {1}, false);   // 1 - p(still), [N]
            return Arithmetic.add(logClass, Pointwise.log(moving));
        };
    }

    /** {@code v[i, cond[i]]} of {@code v [N, K]} as {@code [N]}, through a one-hot product (differentiable in v). */
    static Tensor pick(Tensor v, Tensor cond) {
        int n = v.shape(0), k = v.shape(1);
        long[] c = cond.contiguous().longs();
        double[] hot = new double[n * k];
        for (int i = 0; i < n; i++) {
            if (c[i] < 0 || c[i] >= k) throw new IllegalArgumentException("ClassifierRewards: label " + c[i] + " outside 0.." + (k - 1) + " (the null label has no reward)");
            hot[i * k + (int) c[i]] = 1;
        }
        return Reductions.sum(Arithmetic.mul(v, Tensor.of(hot, n, k).to(v.dtype())), new int[] {1}, false);
    }
}
