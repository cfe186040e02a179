package dev.vdiff.reference.turbo;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.OpRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * T2V-Turbo-v2's own op of the papers suite, {@code motion_guidance_energy} (oracle/papers PAPERS.md §3.5; SPEC
 * §3.1 eqs. 5-7, §3.4): per layer the temporal attention {@link MotionGuidanceEnergy#attention} of
 * {@code q_l, k_l}, then {@link MotionGuidanceEnergy#energy} against the constant reference maps {@code aref_l}.
 * The distillation ops it shares with MCM ({@code lcm_timesteps}, {@code guidance_embedding},
 * {@code cfg_ddim_teacher_step}, {@code consistency_distillation_loss}) are
 * {@code dev.vdiff.verification.ops.DistillationOps}.
 */
public final class TurboOps implements OpFamily {
    @Override
    public void register(OpRegistry r) {
        r.register("motion_guidance_energy", ctx -> {
            int layers = ctx.attrs().integer("num_layers");
            List<Tensor> attention = new ArrayList<>(layers), reference = new ArrayList<>(layers);
            for (int l = 0; l < layers; l++) {
                attention.add(MotionGuidanceEnergy.attention(ctx.input("q_" + l), ctx.input("k_" + l)));
                reference.add(ctx.input("aref_" + l));
            }
            return Evaluation.of("energy", MotionGuidanceEnergy.energy(attention, reference));
        });
    }
}
