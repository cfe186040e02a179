package dev.vdiff.verification.gradcheck;

import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.Conv3d;
import dev.vdiff.tensor.nn.Embedding;
import dev.vdiff.tensor.nn.GroupNorm;
import dev.vdiff.tensor.nn.LayerNorm;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.nn.MultiHeadAttention;
import dev.vdiff.tensor.random.Rng;

import java.util.List;
import java.util.function.Function;

import static dev.vdiff.verification.gradcheck.Entry.other;
import static dev.vdiff.verification.gradcheck.Inputs.uniform;

/**
 * Gradient-table rows for the nn layers, with respect to the input and every parameter together (the
 * parameters live inside the layer, so they are perturbed in place), and for a tiny VideoUNet along random
 * directions. Parameters are re-drawn by {@link Inputs#randomize} so that norm scales are not all ones.
 */
final class LayerEntries {
    private LayerEntries() {}

    static List<Entry> all() {
        return List.of(
            layer("Linear 4 -> 3 with bias on [2,3,4]", r -> new Linear(4, 3, true, DType.FLOAT64, r), uniform(400, 2, 3, 4), Linear::forward),
            layer("Linear 5 -> 2 without bias on [5]", r -> new Linear(5, 2, false, DType.FLOAT64, r), uniform(401, 5), Linear::forward),
            layer("Conv2d 2 -> 3, 3x2 kernel, stride 2, pad 1", r -> new Conv2d(2, 3, 3, 2, 2, 1, true, DType.FLOAT64, r), uniform(402, 2, 2, 5, 4), Conv2d::forward),
            layer("Conv2d 3 -> 2, 1x1, no bias", r -> new Conv2d(3, 2, 1, 1, 1, 0, false, DType.FLOAT64, r), uniform(403, 1, 3, 3, 2), Conv2d::forward),
            layer("Conv3d 2 -> 2, kernel (2,3,1), stride (1,2,1), pad (1,1,0)",
                r -> new Conv3d(2, 2, new int[] {2, 3, 1}, new int[] {1, 2, 1}, new int[] {1, 1, 0}, true, DType.FLOAT64, r), uniform(404, 1, 2, 3, 4, 2), Conv3d::forward),
            layer("GroupNorm 2 groups of 4 channels, affine", r -> new GroupNorm(2, 4, 1e-5, true, DType.FLOAT64), uniform(405, 2, 4, 3, 2), GroupNorm::forward),
            layer("GroupNorm 3 groups of 3 channels, no affine", r -> new GroupNorm(3, 3, 1e-5, false, DType.FLOAT64), uniform(406, 2, 3, 4), GroupNorm::forward),
            layer("LayerNorm 5, affine", r -> new LayerNorm(5, 1e-5, true, DType.FLOAT64), uniform(407, 2, 3, 5), LayerNorm::forward),
            layer("MultiHeadAttention dim 6, 2 heads on [2,3,6]", r -> new MultiHeadAttention(6, 2, DType.FLOAT64, r), uniform(408, 2, 3, 6), MultiHeadAttention::forward),
            other("Embedding 6 x 3 (table; indices are int64)", () -> {
                Embedding emb = new Embedding(6, 3, DType.FLOAT64, Rng.seed(409));
                Tensor idx = Inputs.longs(new long[] {5, 1, 5, 0}, 2, 2);
                GradCheck.checkInPlace(() -> emb.forward(idx), emb.weight);
            }),
            other("VideoUNet tiny, input (directions)", () -> {
                VideoUNet net = tinyUNet(410);
                GradCheck.checkDirection(in -> net.forward(in[0], T, Y), 3, 411, uniform(411, 2, 3, 2, 4, 6));
            }),
            other("VideoUNet tiny, every parameter (directions)", () -> {
                VideoUNet net = tinyUNet(412);
                Tensor x = uniform(413, 2, 3, 2, 4, 6).requiresGrad(false);
                GradCheck.checkDirectionInPlace(() -> net.forward(x, T, Y), 3, 414, net.parameters().toArray(new Tensor[0]));
            }));
    }

    /** A layer built from a seeded Rng, re-randomised, checked on input and parameters at every element. */
    private static <M extends Module> Entry layer(String name, Function<Rng, M> make, Tensor x, LayerForward<M> forward) {
        return other(name, () -> {
            M m = make.apply(Rng.seed(name.hashCode()));
            Inputs.randomize(m, name.hashCode() + 1);
            GradCheck.checkInPlace(() -> forward.apply(m, x), Inputs.withParameters(x, m));
        });
    }

    @FunctionalInterface
    private interface LayerForward<M> {
        Tensor apply(M layer, Tensor x);
    }

    /**
     * Two levels (8 and 16 channels), both attention kinds at the second, 3 frames, 2 channels, 3 classes plus
     * the null label: every block type of tiny_video_unet at a size that runs in well under a second.
     */
    private static final VideoUNetConfig TINY = new VideoUNetConfig(3, 2,
        List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 3, 8, 16);
    private static final Tensor T = Tensor.ofLongs(new long[] {999, 17}, 2);
    private static final Tensor Y = Tensor.ofLongs(new long[] {1, 3}, 2);   // 3 = the null label

    private static VideoUNet tinyUNet(long seed) {
        VideoUNet net = new VideoUNet(TINY, DType.FLOAT64, Rng.seed(seed));
        Inputs.randomize(net, seed + 1);
        return net;
    }
}
