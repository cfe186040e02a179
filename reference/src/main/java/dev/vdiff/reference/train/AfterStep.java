package dev.vdiff.reference.train;

import dev.vdiff.tensor.random.Rng;

import java.util.Map;

/**
 * Work a method does after the {@link Trainer}'s optimizer step, in the same training step: a second network's
 * optimizer step on its own loss (an adversarial discriminator), EMA updates of extra modules, an adaptive loss
 * weight. It returns the named values it measured (e.g. the parts of the loss and the discriminator's loss), which
 * the trainer keeps with the step ({@link Trainer.StepResult#terms()}), in its history ({@link Trainer#terms()})
 * and in every checkpoint; a method returns the same names at every step.
 *
 * <p>Randomness: it draws only from {@code stepStream} (the step's stream, {@link Trainer#withStepStream}), on
 * sub-streams its loss does not use, so that a resumed run replays it. What it updates must be in a
 * {@link CheckpointState}.
 */
@FunctionalInterface
public interface AfterStep {
    /**
     * @param step       the 0-based number of the step that just updated the parameters
     * @param stepStream the step's random stream (the one its loss received)
     * @return named values of this step, in a fixed order (may be empty)
     */
    Map<String, Double> afterStep(long step, Rng stepStream);
}
