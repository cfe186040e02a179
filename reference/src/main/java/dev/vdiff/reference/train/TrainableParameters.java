package dev.vdiff.reference.train;

import dev.vdiff.tensor.Tensor;

import java.util.Map;

/**
 * What the {@link Trainer} optimises when it is not the network's own parameters: low-rank adapters of a frozen
 * network, an extra head trained beside it. The optimizer, the gradient-norm clipping and the trainer's EMA act on
 * {@link #parameters()} (in its order, which fixes the summation order of the gradient norm); the network's
 * {@code module()} is still what the loss calls and what a checkpoint's {@code model.safetensors} holds.
 *
 * <p>Step 7 of {@link Trainer}'s class comment becomes: {@link #zeroGrad()} with the optimizer's, backward,
 * {@link #afterBackward()} (turn what the backward pass wrote into the gradients of {@link #parameters()}, e.g.
 * LoRA's {@code dA = s B^T dL/dW}), clip, AdamW step. State of these tensors that {@code model.safetensors} does not
 * hold (the adapters themselves) belongs in a {@link CheckpointState}.
 */
public interface TrainableParameters {
    /** The tensors the optimizer trains, by name (the optimizer state's names); each requires a gradient. */
    Map<String, Tensor> parameters();

    /** Clears gradients the backward pass accumulates outside {@link #parameters()} (called before the loss). */
    default void zeroGrad() {}

    /** Turns the gradients of the backward pass into gradients of {@link #parameters()} (called before clipping). */
    default void afterBackward() {}
}
