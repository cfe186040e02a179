package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.Tensor;

/**
 * Receives the attention probabilities of every temporal attention layer during a forward pass (for the
 * motion-guidance energy of T2V-Turbo-v2, SPEC 3.4, which compares them between two videos).
 *
 * <p>{@code probabilities} is {@code [S, heads, F, F]}: for sequence {@code s = (b*R1 + r1)*R2 + r2} (video
 * {@code b}, pixel {@code (r1, r2)}), head {@code j}, query frame {@code i}, key frame {@code k}, the weight
 * {@code softmax_k(q_i . k_k / sqrt(headDim))}; every row sums to 1. When the forward pass records gradients the
 * tensor is part of the graph, so an energy built from it can be differentiated back to the input video.
 */
@FunctionalInterface
public interface TemporalAttentionHook {
    /** {@code layer} is the block's parameter prefix, e.g. {@code "dec1_tattn"}. */
    void accept(String layer, Tensor probabilities);
}
