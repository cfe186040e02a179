package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.Tensor;

/**
 * The vector-Jacobian product of one op: given {@code dL/dout} (dense, the output's shape and dtype), returns
 * {@code dL/dinput} for each input in the order they were recorded, or null for an input that needs none
 * (check {@link Tensor#requiresGrad()} to skip work). Runs with recording switched off.
 */
@FunctionalInterface
public interface BackwardFn {
    Tensor[] apply(Tensor gradOut);
}
