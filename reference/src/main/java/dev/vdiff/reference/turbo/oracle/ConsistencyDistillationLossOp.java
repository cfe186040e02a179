package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.distill.ConsistencyDistillationLoss;
import dev.vdiff.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code consistency_distillation_loss} (PAPERS.md §3.4; SPEC §1.5, §3.3): {@link ConsistencyDistillationLoss#evaluate}. */
public final class ConsistencyDistillationLossOp implements OracleOp {
    @Override
    public String name() {
        return "consistency_distillation_loss";
    }

    @Override
    public Map<String, Tensor> evaluate(Context ctx) {
        ConsistencyDistillationLoss cd = new ConsistencyDistillationLoss(Schedules.of(ctx),
            new LcmBoundary(ctx.real("sigma_data"), ctx.real("timestep_scaling")), ctx.real("huber_c"));
        ConsistencyDistillationLoss.Result r = cd.evaluate(ctx.input("z"), ctx.input("eps_student"), ctx.input("z_prev"),
            ctx.input("eps_target"), ctx.integerInput("t_s"), ctx.integerInput("t_e"));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("f_student", r.fStudent());
        out.put("f_target", r.fTarget());
        out.put("loss", r.loss());
        return out;
    }
}
