package dev.vdiff.reference.turbo.reward;

import dev.vdiff.tensor.Tensor;

/**
 * A reward model the student is trained to please by backpropagation (T2V-Turbo-v2 eq. 10; SPEC §3.3): higher is
 * better, differentiable in its pixel input. The paper's image rewards are HPSv2.1 and CLIPScore on single frames,
 * its video reward InternVideo2 on 4 strided frames; vdiff's stand-ins are classifiers trained on the synthetic
 * data (issue 11: the frame classifier's log-probability of the requested class, the clip classifier's of class
 * and motion direction).
 *
 * <p>Image rewards get frames {@code [N, C, H, W]}, video rewards clips {@code [N, F', C, H, W]}, in both cases
 * pixels in [0, 1] (SPEC §3.3: "pixels mapped to [0, 1]") and one condition per row ({@code cond [N]} labels).
 */
@FunctionalInterface
public interface DifferentiableReward {
    /** One reward per row of {@code input}, {@code [N]}, recorded for autodiff when the input requires a gradient. */
    Tensor reward(Tensor input, Tensor cond);
}
