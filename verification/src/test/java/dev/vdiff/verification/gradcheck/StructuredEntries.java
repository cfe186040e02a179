package dev.vdiff.verification.gradcheck;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.ops.Resample;

import java.util.List;

import static dev.vdiff.verification.gradcheck.Entry.of;
import static dev.vdiff.verification.gradcheck.Inputs.longs;
import static dev.vdiff.verification.gradcheck.Inputs.uniform;

/**
 * Gradient-table rows for the ops with structure: LinearAlgebra, Convolution, Resample, Normalization and
 * Attention. Small shapes get an every-element check; one larger shape per family gets random directions,
 * so that blocked and parallel kernel paths are differentiated too.
 */
final class StructuredEntries {
    private StructuredEntries() {}

    private static final String CONV2D = "Convolution.conv2d(Tensor,Tensor,Tensor,int[],int[])",
        CONV3D = "Convolution.conv3d(Tensor,Tensor,Tensor,int[],int[])",
        GROUP_NORM = "Normalization.groupNorm(Tensor,int,Tensor,Tensor,double)",
        LAYER_NORM = "Normalization.layerNorm(Tensor,Tensor,Tensor,double)",
        SDPA = "Attention.scaledDotProduct(Tensor,Tensor,Tensor,Tensor)",
        SDPA_HOOK = "Attention.scaledDotProduct(Tensor,Tensor,Tensor,Tensor,Consumer)",
        MULTI_HEAD = "Attention.multiHead(Tensor,Tensor,Tensor,int)",
        MULTI_HEAD_HOOK = "Attention.multiHead(Tensor,Tensor,Tensor,int,Consumer)",
        MULTI_HEAD_MASK = "Attention.multiHead(Tensor,Tensor,Tensor,int,Tensor,Consumer)",
        MULTI_HEAD_PACKED = "Attention.multiHeadPacked(Tensor,int)";

    static List<Entry> all() {
        return List.of(
            // LinearAlgebra
            of("matmul [3,4] x [4,5]", "LinearAlgebra.matmul(Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), uniform(100, 3, 4), uniform(101, 4, 5))),
            of("matmul [2,1,3,4] x [5,4,2] (both batches broadcast)", "LinearAlgebra.matmul(Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), uniform(102, 2, 1, 3, 4), uniform(103, 5, 4, 2))),
            of("matmul [4,5] x [3,5,2] (rank-2 left operand)", "LinearAlgebra.matmul(Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), uniform(104, 4, 5), uniform(105, 3, 5, 2))),
            of("matmul of transposed views", "LinearAlgebra.matmul(Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.matmul(x[0].transpose(1, 2), x[1].transpose(0, 1)), uniform(106, 2, 6, 3), uniform(107, 2, 6))),
            of("matmul [2,40,70] x [70,50] (directions)", "LinearAlgebra.matmul(Tensor,Tensor)",
                () -> GradCheck.checkDirection(x -> LinearAlgebra.matmul(x[0], x[1]), 3, 108, uniform(108, 2, 40, 70), uniform(109, 70, 50))),
            of("linear [2,3,4] -> 5 with bias", "LinearAlgebra.linear(Tensor,Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.linear(x[0], x[1], x[2]), uniform(110, 2, 3, 4), uniform(111, 5, 4), uniform(112, 5))),
            of("linear [4] -> 3 without bias", "LinearAlgebra.linear(Tensor,Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.linear(x[0], x[1], null), uniform(113, 4), uniform(114, 3, 4))),
            of("linear of a transposed input", "LinearAlgebra.linear(Tensor,Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.linear(x[0].transpose(0, 1), x[1], x[2]), uniform(115, 4, 3), uniform(116, 2, 4), uniform(117, 2))),

            // Convolution: stride and padding per axis, non-square kernels and inputs, with and without bias.
            of("conv2d 3x3 stride 1 pad 1", CONV2D,
                () -> GradCheck.check(x -> conv2d(x, 1, 1, 1, 1), uniform(120, 2, 3, 5, 5), uniform(121, 4, 3, 3, 3), uniform(122, 4))),
            of("conv2d 3x3 stride 2 pad 1 on 7x9", CONV2D,
                () -> GradCheck.check(x -> conv2d(x, 2, 2, 1, 1), uniform(123, 1, 2, 7, 9), uniform(124, 3, 2, 3, 3), uniform(125, 3))),
            of("conv2d 1x3 stride (1,2) pad (0,1) no bias", CONV2D,
                () -> GradCheck.check(x -> Convolution.conv2d(x[0], x[1], null, new int[] {1, 2}, new int[] {0, 1}), uniform(126, 2, 2, 4, 7), uniform(127, 2, 2, 1, 3))),
            of("conv2d 2x4 stride (3,2) pad (2,0)", CONV2D,
                () -> GradCheck.check(x -> conv2d(x, 3, 2, 2, 0), uniform(128, 1, 2, 6, 6), uniform(129, 2, 2, 2, 4), uniform(130, 2))),
            of("conv2d [2,8,16,16] 3x3 pad 1 (directions)", CONV2D,
                () -> GradCheck.checkDirection(x -> conv2d(x, 1, 1, 1, 1), 3, 131, uniform(131, 2, 8, 16, 16), uniform(132, 8, 8, 3, 3), uniform(133, 8))),
            of("conv3d 1x3x3 pad (0,1,1)", CONV3D,
                () -> GradCheck.check(x -> Convolution.conv3d(x[0], x[1], x[2], new int[] {1, 1, 1}, new int[] {0, 1, 1}), uniform(134, 1, 2, 3, 4, 4), uniform(135, 3, 2, 1, 3, 3), uniform(136, 3))),
            of("conv3d 3x1x1 temporal pad (1,0,0)", CONV3D,
                () -> GradCheck.check(x -> Convolution.conv3d(x[0], x[1], x[2], new int[] {1, 1, 1}, new int[] {1, 0, 0}), uniform(137, 2, 3, 4, 2, 3), uniform(138, 3, 3, 3, 1, 1), uniform(139, 3))),
            of("conv3d 2x3x2 stride (2,1,2) pad (1,1,0) no bias", CONV3D,
                () -> GradCheck.check(x -> Convolution.conv3d(x[0], x[1], null, new int[] {2, 1, 2}, new int[] {1, 1, 0}), uniform(140, 1, 2, 4, 3, 5), uniform(141, 2, 2, 2, 3, 2))),
            of("conv3d [1,4,4,8,8] 3x3x3 pad 1 (directions)", CONV3D,
                () -> GradCheck.checkDirection(x -> Convolution.conv3d(x[0], x[1], x[2], new int[] {1, 1, 1}, new int[] {1, 1, 1}), 3, 142, uniform(142, 1, 4, 4, 8, 8), uniform(143, 4, 4, 3, 3, 3), uniform(144, 4))),

            // Resample
            of("upsampleNearest2d x2 on [2,3,2,3]", "Resample.upsampleNearest2d(Tensor,int)",
                () -> GradCheck.check(x -> Resample.upsampleNearest2d(x[0], 2), uniform(150, 2, 3, 2, 3))),
            of("upsampleNearest2d x3 of a permuted view", "Resample.upsampleNearest2d(Tensor,int)",
                () -> GradCheck.check(x -> Resample.upsampleNearest2d(x[0].permute(0, 3, 1, 2), 3), uniform(151, 1, 2, 3, 2))),
            of("avgPool2d 2/2 on 5x6 (last row unreached)", "Resample.avgPool2d(Tensor,int,int)",
                () -> GradCheck.check(x -> Resample.avgPool2d(x[0], 2, 2), uniform(152, 2, 2, 5, 6))),
            of("avgPool2d 3/1 (overlapping windows)", "Resample.avgPool2d(Tensor,int,int)",
                () -> GradCheck.check(x -> Resample.avgPool2d(x[0], 3, 1), uniform(153, 1, 2, 4, 5))),
            of("avgPool2d 2/3 (gaps between windows)", "Resample.avgPool2d(Tensor,int,int)",
                () -> GradCheck.check(x -> Resample.avgPool2d(x[0], 2, 3), uniform(154, 1, 2, 7, 8))),

            // Normalization: 3-D to 5-D inputs, with and without affine, one group per channel, LayerNorm D = 1.
            of("groupNorm [2,4,5] 2 groups affine", GROUP_NORM,
                () -> GradCheck.check(x -> Normalization.groupNorm(x[0], 2, x[1], x[2], 1e-5), uniform(160, 2, 4, 5), scale(161, 4), uniform(162, 4))),
            of("groupNorm [2,6,2,3] 3 groups no affine", GROUP_NORM,
                () -> GradCheck.check(x -> Normalization.groupNorm(x[0], 3, null, null, 1e-5), uniform(163, 2, 6, 2, 3))),
            of("groupNorm [1,4,2,2,3] 4 groups affine of a view", GROUP_NORM,
                () -> GradCheck.check(x -> Normalization.groupNorm(x[0].transpose(3, 4), 4, x[1], x[2], 1e-5), uniform(164, 1, 4, 2, 3, 2), scale(165, 4), uniform(166, 4))),
            of("groupNorm eps 0.1 (eps inside the root)", GROUP_NORM,
                () -> GradCheck.check(x -> Normalization.groupNorm(x[0], 1, x[1], x[2], 0.1), uniform(167, 1, 2, 3), scale(168, 2), uniform(169, 2))),
            of("groupNorm [2,16,8,8] 4 groups (directions)", GROUP_NORM,
                () -> GradCheck.checkDirection(x -> Normalization.groupNorm(x[0], 4, x[1], x[2], 1e-5), 3, 170, uniform(170, 2, 16, 8, 8), scale(171, 16), uniform(172, 16))),
            of("layerNorm [3,5] affine", LAYER_NORM,
                () -> GradCheck.check(x -> Normalization.layerNorm(x[0], x[1], x[2], 1e-5), uniform(173, 3, 5), scale(174, 5), uniform(175, 5))),
            of("layerNorm [2,3,4] no affine of a view", LAYER_NORM,
                () -> GradCheck.check(x -> Normalization.layerNorm(x[0].transpose(0, 2), null, null, 1e-5), uniform(176, 4, 3, 2))),
            of("layerNorm D = 1 (output is the bias)", LAYER_NORM,
                () -> GradCheck.check(x -> Normalization.layerNorm(x[0], x[1], x[2], 1e-5), uniform(177, 3, 1), scale(178, 1), uniform(179, 1))),
            of("layerNorm [300,64] (directions)", LAYER_NORM,
                () -> GradCheck.checkDirection(x -> Normalization.layerNorm(x[0], x[1], x[2], 1e-5), 3, 180, uniform(180, 300, 64), scale(181, 64), uniform(182, 64))),

            // Attention: Sq != Sk and Dk != Dv throughout; masks of several broadcast shapes (every query keeps
            // at least one key); the probability hook must not change the gradient.
            of("scaledDotProduct no mask", SDPA,
                () -> GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2], null), uniform(190, 2, 2, 3, 4), uniform(191, 2, 2, 5, 4), uniform(192, 2, 2, 5, 3))),
            of("scaledDotProduct mask [3,5] (broadcast over B, H)", SDPA,
                () -> GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2], MASK_QK), uniform(193, 2, 2, 3, 4), uniform(194, 2, 2, 5, 4), uniform(195, 2, 2, 5, 3))),
            of("scaledDotProduct mask [2,1,3,5] (per batch)", SDPA,
                () -> GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2], MASK_BQK), uniform(196, 2, 2, 3, 4), uniform(197, 2, 2, 5, 4), uniform(198, 2, 2, 5, 3))),
            of("scaledDotProduct key-padding mask [2,1,1,5]", SDPA,
                () -> GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2], MASK_KEYS), uniform(199, 2, 1, 3, 4), uniform(200, 2, 1, 5, 4), uniform(201, 2, 1, 5, 2))),
            of("scaledDotProduct of permuted views, Sq = 1", SDPA,
                () -> GradCheck.check(x -> Attention.scaledDotProduct(x[0].permute(0, 2, 1, 3), x[1], x[2], null), uniform(202, 1, 1, 2, 4), uniform(203, 1, 2, 4, 4), uniform(204, 1, 2, 4, 3))),
            of("scaledDotProduct with a probability hook", SDPA_HOOK,
                () -> GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2], MASK_QK, p -> { }), uniform(205, 1, 2, 3, 4), uniform(206, 1, 2, 5, 4), uniform(207, 1, 2, 5, 3))),
            of("scaledDotProduct [1,2,40,16] (directions)", SDPA,
                () -> GradCheck.checkDirection(x -> Attention.scaledDotProduct(x[0], x[1], x[2], null), 3, 208, uniform(208, 1, 2, 40, 16), uniform(209, 1, 2, 40, 16), uniform(210, 1, 2, 40, 16))),
            of("multiHead 2 heads, Tq 3, Tk 4", MULTI_HEAD,
                () -> GradCheck.check(x -> Attention.multiHead(x[0], x[1], x[2], 2), uniform(211, 2, 3, 6), uniform(212, 2, 4, 6), uniform(213, 2, 4, 6))),
            of("multiHead 3 heads on narrow views of one tensor", MULTI_HEAD,
                () -> GradCheck.check(x -> Attention.multiHead(x[0].narrow(2, 0, 6), x[0].narrow(2, 6, 6), x[0].narrow(2, 12, 6), 3), uniform(214, 2, 3, 18))),
            of("multiHeadPacked 3 heads, q | k | v thirds of one [S, T, 3C] tensor", MULTI_HEAD_PACKED,
                () -> GradCheck.check(x -> Attention.multiHeadPacked(x[0], 3), uniform(230, 2, 3, 18))),
            of("multiHead 1 head with a probability hook", MULTI_HEAD_HOOK,
                () -> GradCheck.check(x -> Attention.multiHead(x[0], x[1], x[2], 1, p -> { }), uniform(215, 1, 3, 4), uniform(216, 1, 2, 4), uniform(217, 1, 2, 4))),
            of("multiHead 2 heads, key-padding mask [S,1,1,Tk] (caption cross-attention)", MULTI_HEAD_MASK,
                () -> GradCheck.check(x -> Attention.multiHead(x[0], x[1], x[2], 2, Tensor.ofLongs(new long[] {1, 1, 0, 0, 1, 0, 1, 1}, 2, 1, 1, 4), null),
                    uniform(221, 2, 3, 6), uniform(222, 2, 4, 6), uniform(223, 2, 4, 6))),
            of("multiHead [4,32,32] 4 heads (directions)", MULTI_HEAD,
                () -> GradCheck.checkDirection(x -> Attention.multiHead(x[0], x[1], x[2], 4), 3, 218, uniform(218, 4, 32, 32), uniform(219, 4, 32, 32), uniform(220, 4, 32, 32))),

            // Only some inputs require a gradient: backward closures skip work per input, and the skipping
            // must not change what the others get.
            of("matmul, only b requires grad", "LinearAlgebra.matmul(Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.matmul(x[0], x[1]), constant(230, 2, 3, 4), uniform(231, 4, 2))),
            of("linear, only the bias requires grad", "LinearAlgebra.linear(Tensor,Tensor,Tensor)",
                () -> GradCheck.check(x -> LinearAlgebra.linear(x[0], x[1], x[2]), constant(232, 3, 4), constant(233, 2, 4), uniform(234, 2))),
            of("conv2d, only the weight requires grad", CONV2D,
                () -> GradCheck.check(x -> conv2d(x, 2, 1, 1, 0), constant(235, 1, 2, 5, 4), uniform(236, 2, 2, 3, 2), constant(237, 2))),
            of("conv3d, only the input requires grad", CONV3D,
                () -> GradCheck.check(x -> Convolution.conv3d(x[0], x[1], x[2], new int[] {1, 2, 1}, new int[] {1, 0, 1}), uniform(238, 1, 2, 3, 4, 3), constant(239, 2, 2, 2, 2, 2), constant(240, 2))),
            of("groupNorm, constant affine", GROUP_NORM,
                () -> GradCheck.check(x -> Normalization.groupNorm(x[0], 2, x[1], x[2], 1e-5), uniform(241, 2, 4, 3), constant(242, 4), constant(243, 4))),
            of("groupNorm, only the bias requires grad", GROUP_NORM,
                () -> GradCheck.check(x -> Normalization.groupNorm(x[0], 2, x[1], x[2], 1e-5), constant(244, 2, 4, 3), constant(245, 4), uniform(246, 4))),
            of("layerNorm, only the weight requires grad", LAYER_NORM,
                () -> GradCheck.check(x -> Normalization.layerNorm(x[0], x[1], x[2], 1e-5), constant(247, 3, 4), scale(248, 4), constant(249, 4))),
            of("scaledDotProduct, only k requires grad", SDPA,
                () -> GradCheck.check(x -> Attention.scaledDotProduct(x[0], x[1], x[2], MASK_QK), constant(250, 1, 2, 3, 4), uniform(251, 1, 2, 5, 4), constant(252, 1, 2, 5, 3))),
            of("multiHead, only v requires grad", MULTI_HEAD,
                () -> GradCheck.check(x -> Attention.multiHead(x[0], x[1], x[2], 2), constant(253, 2, 3, 4), constant(254, 2, 2, 4), uniform(255, 2, 2, 4))));
    }

    /** Masks for q [.., 3, .] and k [.., 5, .]: 1 = attend. Every query row keeps at least one key. */
    private static final Tensor MASK_QK = longs(new long[] {1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1}, 3, 5),
        MASK_BQK = longs(new long[] {1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1,
                                     0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 2, 1, 3, 5),
        MASK_KEYS = longs(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, 2, 1, 1, 5);

    private static Tensor conv2d(Tensor[] x, int sh, int sw, int ph, int pw) {
        return Convolution.conv2d(x[0], x[1], x[2], new int[] {sh, sw}, new int[] {ph, pw});
    }

    /** A float64 input that does not require a gradient. */
    private static Tensor constant(long seed, int... shape) {
        return uniform(seed, shape).requiresGrad(false);
    }

    /** A norm scale vector around 1 (a leaf), so that the weight's gradient is not hidden by all-ones. */
    private static Tensor scale(long seed, int n) {
        return Inputs.range(seed, 0.5, 1.5, n);
    }
}
