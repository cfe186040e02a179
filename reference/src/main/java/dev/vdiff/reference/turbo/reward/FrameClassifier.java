package dev.vdiff.reference.turbo.reward;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;

/**
 * The image reward model of the toy T2V-Turbo-v2 (the stand-in for HPSv2.1 / CLIPScore, SPEC §3.2): a small
 * convolutional classifier of single frames into the data's classes. Its reward for a frame and a requested class
 * is the log-probability of that class ({@link ClassifierRewards#image}).
 * <pre>
 *   h = SiLU(conv3x3(2x - 1))        [N, w, H, W]        (pixels x in [0, 1])
 *   h = SiLU(conv3x3 stride 2 (h))   [N, 2w, H/2, W/2]
 *   h = SiLU(conv3x3 stride 2 (h))   [N, 2w, H/4, W/4]
 *   logits = fc( mean over pixels of h )                 [N, K]
 * </pre>
 */
public final class FrameClassifier extends Module {
    private final Conv2d c1, c2, c3;
    private final Linear fc;
    private final int classes;

    /** {@code width} w channels in the first layer; {@code classes} K outputs. */
    public FrameClassifier(int classes, int width, DType dtype, Rng rng) {
        if (classes < 2 || width < 1) throw new IllegalArgumentException("FrameClassifier: needs >= 2 classes and width >= 1, got " + classes + ", " + width);
        this.classes = classes;
        c1 = child("conv1", new Conv2d(3, width, 3, 3, 1, 1, true, dtype, rng));
        c2 = child("conv2", new Conv2d(width, 2 * width, 3, 3, 2, 1, true, dtype, rng));
        c3 = child("conv3", new Conv2d(2 * width, 2 * width, 3, 3, 2, 1, true, dtype, rng));
        fc = child("fc", new Linear(2 * width, classes, true, dtype, rng));
    }

    public int classes() {
        return classes;
    }

    /** Class logits {@code [N, K]} of frames {@code [N, 3, H, W]} with pixels in [0, 1]. */
    public Tensor forward(Tensor frames) {
        if (frames.rank() != 4 || frames.shape(1) != 3) throw new IllegalArgumentException("FrameClassifier: frames must be [N, 3, H, W], got " + Shape.str(frames.shape()));
        Tensor h = Pointwise.silu(c1.forward(Arithmetic.add(Arithmetic.mul(frames, 2.0), -1.0)));
        h = Pointwise.silu(c2.forward(h));
        h = Pointwise.silu(c3.forward(h));
        return fc.forward(Reductions.mean(h, new int[] {2, 3}, false));   // [N, 2w, R1, R2] -> [N, 2w] -> [N, K]
    }
}
