package dev.vdiff.reference.train;

import dev.vdiff.tensor.Tensor;

import java.util.Map;

/**
 * State that a training method keeps beside the network, optimizer and EMA and that a resumed run must get back
 * bit for bit: the weights of an extra module (an adapter, a reward head), a target network, a running statistic.
 * Register it with {@link Trainer#withExtraState} (or {@link TrainingSetup#extraState}); {@link Checkpoints}
 * writes it as {@code step-NNNNNNNN/<name>.safetensors} and loads it back in place.
 *
 * <p>Contract: {@link #loadStateDict} receives exactly the names and shapes {@link #stateDict} wrote.
 */
public interface CheckpointState {
    /** The file name stem, unique within a run: lower case letters, digits, {@code _} and {@code -}. */
    String name();

    /** The current state by tensor name (the tensors may be shared with the live objects; they are only read). */
    Map<String, Tensor> stateDict();

    /** Restores the state saved by {@link #stateDict}. */
    void loadStateDict(Map<String, Tensor> state);
}
