package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.reference.turbo.MotionGuidanceEnergy;
import dev.vdiff.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code motion_guidance_energy} (PAPERS.md §3.5; SPEC §3.1 eqs. 5-7, §3.4): per layer the attention of
 * {@code q_l, k_l}, then {@link MotionGuidanceEnergy#energy} against the constant {@code aref_l}.
 */
public final class MotionGuidanceEnergyOp implements OracleOp {
    @Override
    public String name() {
        return "motion_guidance_energy";
    }

    @Override
    public Map<String, Tensor> evaluate(Context ctx) {
        int layers = ctx.integer("num_layers");
        List<Tensor> attention = new ArrayList<>(layers), reference = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            attention.add(MotionGuidanceEnergy.attention(ctx.input("q_" + l), ctx.input("k_" + l)));
            reference.add(ctx.input("aref_" + l));
        }
        return Map.of("energy", MotionGuidanceEnergy.energy(attention, reference));
    }
}
