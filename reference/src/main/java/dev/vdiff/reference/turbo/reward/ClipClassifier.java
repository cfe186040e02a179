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
 * The video reward model of the toy T2V-Turbo-v2 (the stand-in for InternVideo2, SPEC §3.2): a classifier of short
 * clips ({@code F'} strided frames, 4 in the paper) into the data's classes and into the motion of the clip (the 8
 * directions of the synthetic data, or still). The frames are stacked along the channels, so the first convolution
 * already sees where the shape moved:
 * <pre>
 *   h = SiLU(conv3x3(2x - 1 as [N, 3F', H, W]))   [N, w, H, W]
 *   h = SiLU(conv3x3 stride 2 (h)), twice          [N, 2w, H/4, W/4]
 *   p = mean over pixels of h                      [N, 2w]
 *   classLogits = fc_class(p) [N, K],   motionLogits = fc_motion(p) [N, 9]   (8 directions, then "still")
 * </pre>
 */
public final class ClipClassifier extends Module {
    /** Motion labels: {@code Direction.ordinal()} 0..7 for moving clips, this for still ones. */
    public static final int STILL = 8;
    public static final int MOTION_LABELS = 9;

    private final Conv2d c1, c2, c3;
    private final Linear fcClass, fcMotion;
    private final int classes, frames;

    /** A classifier of clips of {@code frames} frames into {@code classes} classes and 9 motion labels. */
    public ClipClassifier(int classes, int frames, int width, DType dtype, Rng rng) {
        if (classes < 2 || frames < 2 || width < 1) throw new IllegalArgumentException("ClipClassifier: needs >= 2 classes, >= 2 frames and width >= 1, got " + classes + ", " + frames + ", " + width);
        this.classes = classes;
        this.frames = frames;
        c1 = child("conv1", new Conv2d(3 * frames, width, 3, 3, 1, 1, true, dtype, rng));
        c2 = child("conv2", new Conv2d(width, 2 * width, 3, 3, 2, 1, true, dtype, rng));
        c3 = child("conv3", new Conv2d(2 * width, 2 * width, 3, 3, 2, 1, true, dtype, rng));
        fcClass = child("fc_class", new Linear(2 * width, classes, true, dtype, rng));
        fcMotion = child("fc_motion", new Linear(2 * width, MOTION_LABELS, true, dtype, rng));
    }

    public int classes() {
        return classes;
    }

    public int frames() {
        return frames;
    }

    /** Both logit tensors. */
    public record Logits(Tensor classes, Tensor motion) {}

    /** Logits of clips {@code [N, F', 3, H, W]} with pixels in [0, 1]. */
    public Logits forward(Tensor clips) {
        if (clips.rank() != 5 || clips.shape(1) != frames || clips.shape(2) != 3) {
            throw new IllegalArgumentException("ClipClassifier: clips must be [N, " + frames + ", 3, H, W], got " + Shape.str(clips.shape()));
        }
        int n = clips.shape(0), h = clips.shape(3), w = clips.shape(4);
        Tensor x = Arithmetic.add(Arithmetic.mul(clips, 2.0), -1.0).reshape(n, 3 * frames, h, w);   // [N, F', 3, H, W] -> [N, 3F', H, W]
        Tensor f = Pointwise.silu(c1.forward(x));
        f = Pointwise.silu(c2.forward(f));
        f = Pointwise.silu(c3.forward(f));
        Tensor p = Reductions.mean(f, new int[] {2, 3}, false);                                      // [N, 2w]
        return new Logits(fcClass.forward(p), fcMotion.forward(p));
    }
}
