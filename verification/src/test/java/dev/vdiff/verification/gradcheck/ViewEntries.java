package dev.vdiff.verification.gradcheck;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Pointwise;

import java.util.List;

import static dev.vdiff.verification.gradcheck.Entry.other;
import static dev.vdiff.verification.gradcheck.Inputs.uniform;

/**
 * Gradient-table rows for the differentiable views on {@code Tensor}: reshape, permute, transpose, narrow,
 * expand, squeeze, unsqueeze, contiguous and the dtype cast. A view alone is linear, so each is also composed
 * with a nonlinear op or another view, where a wrong stride in the backward would show.
 */
final class ViewEntries {
    private ViewEntries() {}

    static List<Entry> all() {
        return List.of(
            other("reshape [2,3,4] -> [4,6]", () -> GradCheck.check(x -> x[0].reshape(4, 6), uniform(300, 2, 3, 4))),
            other("reshape of a transposed view (copies)", () -> GradCheck.check(x -> Pointwise.square(x[0].transpose(0, 1).reshape(-1)), uniform(301, 3, 4))),
            other("permute (2,0,1)", () -> GradCheck.check(x -> Pointwise.tanh(x[0].permute(2, 0, 1)), uniform(302, 2, 3, 4))),
            other("transpose (0,2)", () -> GradCheck.check(x -> x[0].transpose(0, 2), uniform(303, 2, 3, 4))),
            other("narrow axis 1 [1,3) of a permuted view", () -> GradCheck.check(x -> Pointwise.square(x[0].permute(1, 0, 2).narrow(0, 1, 2)), uniform(304, 2, 4, 3))),
            other("two narrows of one input, multiplied", () -> GradCheck.check(x -> Arithmetic.mul(x[0].narrow(1, 0, 2), x[0].narrow(1, 3, 2)), uniform(305, 2, 5))),
            other("expand [3,1] -> [2,3,4] (gradient sums)", () -> GradCheck.check(x -> Pointwise.sigmoid(x[0].expand(2, 3, 4)), uniform(306, 3, 1))),
            other("unsqueeze then expand", () -> GradCheck.check(x -> x[0].unsqueeze(1).expand(3, 2, 4), uniform(307, 3, 4))),
            other("squeeze axis 1", () -> GradCheck.check(x -> Pointwise.exp(x[0].squeeze(1)), uniform(308, 3, 1, 2))),
            other("contiguous of a permuted view", () -> GradCheck.check(x -> x[0].permute(1, 0).contiguous(), uniform(309, 3, 5))),
            // The cast: float64 -> float32 -> float64 rounds to float32 (relative 6e-8), so the default 1e-6 step
            // would measure rounding, not the derivative. The round trip is the identity, so a large step is
            // exact and leaves the rounding (~6e-8 / 2e-3) far below the tolerance; this checks that the cast
            // hands its gradient back in the input's dtype and shape.
            other("to(FLOAT32).to(FLOAT64) round trip (step 1e-3)", () -> GradCheck.check(x -> x[0].transpose(0, 1).to(DType.FLOAT32).to(DType.FLOAT64), 1e-3, 1e-5, 1e-3, uniform(310, 3, 4))),
            other("to(FLOAT64) on float64 (identity)", () -> GradCheck.check(x -> Pointwise.square(x[0].to(DType.FLOAT64)), uniform(311, 3, 4))));
    }
}
