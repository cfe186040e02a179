package dev.vdiff.reference.mcm.oracle;

import dev.vdiff.reference.mcm.ButterworthFilter;
import dev.vdiff.reference.mcm.MotionRepresentation;
import dev.vdiff.tensor.Tensor;

import java.util.Map;

/**
 * The papers-suite op {@code mcm_motion_representation} (PAPERS.md §3.6, SPEC §4.2) evaluated with
 * {@link MotionRepresentation}: input {@code x [B, C, F, H, W]}, attrs {@code kind} (raw, diff, freq_low,
 * freq_high), {@code cutoff}, {@code temporal_cutoff}, {@code order}; output {@code out}. Shaped like the
 * verification module's {@code OpEvaluator}: inputs (already in the evaluation's dtype, leaves requiring a
 * gradient where the case checks one) and attrs in, outputs by name out.
 */
public final class MotionRepresentationOp {
    private MotionRepresentationOp() {}

    public static final String OP = "mcm_motion_representation";

    public static Map<String, Tensor> evaluate(Map<String, Tensor> inputs, Map<String, Object> attrs) {
        Tensor x = OpInputs.required(OP, inputs, "x");
        MotionRepresentation kind = MotionRepresentation.parse(OpInputs.string(OP, attrs, "kind"));
        ButterworthFilter filter = new ButterworthFilter(OpInputs.real(OP, attrs, "cutoff"), OpInputs.real(OP, attrs, "temporal_cutoff"), OpInputs.integer(OP, attrs, "order"));
        return Map.of("out", kind.apply(x, filter));
    }
}
