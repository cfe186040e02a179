package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cfg_ddim_teacher_step} (PAPERS.md §3.3; SPEC §1.3, §1.4, §3.3): {@link GuidedDdimSolver#step} with the
 * released code's motion factor, the suite's convention.
 */
public final class CfgDdimTeacherStepOp implements OracleOp {
    @Override
    public String name() {
        return "cfg_ddim_teacher_step";
    }

    @Override
    public Map<String, Tensor> evaluate(Context ctx) {
        GuidedDdimSolver solver = new GuidedDdimSolver(Schedules.of(ctx), ctx.integer("skip"), GuidedDdimSolver.MotionTerm.RELEASED_CODE);
        GuidedDdimSolver.Result r = solver.step(ctx.input("z"), ctx.input("e_c"), ctx.input("e_u"), ctx.input("g"),
            ctx.input("omega"), ctx.input("lambda_in"), ctx.integerInput("t_s"));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("x0_T", r.x0T());
        out.put("e_T", r.eT());
        out.put("z_prev", r.zPrev());
        return out;
    }
}
