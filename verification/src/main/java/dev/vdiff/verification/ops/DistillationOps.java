package dev.vdiff.verification.ops;

import dev.vdiff.diffusion.GuidanceEmbedding;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.ConsistencyDistillationLoss;
import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.OpRegistry;

/**
 * The consistency-distillation ops of the papers suite (oracle/papers PAPERS.md §3.1-3.4), shared by
 * T2V-Turbo-v2 and MCM and computed by {@code dev.vdiff.diffusion} classes only:
 * <ul>
 *   <li>{@code lcm_timesteps} by {@link Timesteps#lcm} (SPEC §1.5), an int64 output;</li>
 *   <li>{@code guidance_embedding} by {@link GuidanceEmbedding#embed} (SPEC §1.5 {@code emb(w)});</li>
 *   <li>{@code cfg_ddim_teacher_step} by {@link GuidedDdimSolver#step} with the released code's motion factor
 *       {@code sqrt(1 - sqrt(abar))}, the suite's convention (SPEC §1.3, §1.4, §3.3);</li>
 *   <li>{@code consistency_distillation_loss} by {@link ConsistencyDistillationLoss#evaluate} (SPEC §1.5, §3.3,
 *       §4.2), three outputs and one backward through all of them.</li>
 * </ul>
 * The paper-specific op of T2V-Turbo-v2 ({@code motion_guidance_energy}) is {@code reference.turbo.TurboOps}.
 */
public final class DistillationOps implements OpFamily {
    @Override
    public void register(OpRegistry r) {
        r.register("lcm_timesteps", ctx -> {
            Attrs at = ctx.attrs();
            int[] t = Timesteps.lcm(at.integer("num_inference_steps"), at.integer("origin_steps"), at.integer("num_train_timesteps"));
            long[] out = new long[t.length];
            for (int i = 0; i < t.length; i++) out[i] = t[i];
            return Evaluation.of("timesteps", Tensor.ofLongs(out, out.length));
        });
        r.register("guidance_embedding", ctx -> Evaluation.of(GuidanceEmbedding.embed(ctx.input("w"), ctx.attrs().integer("dim"), ctx.dtype())));
        r.register("cfg_ddim_teacher_step", ctx -> {
            GuidedDdimSolver solver = new GuidedDdimSolver(schedule(ctx.attrs()), ctx.attrs().integer("skip"), GuidedDdimSolver.MotionTerm.RELEASED_CODE);
            GuidedDdimSolver.Result s = solver.step(ctx.input("z"), ctx.input("e_c"), ctx.input("e_u"), ctx.input("g"),
                ctx.input("omega"), ctx.input("lambda_in"), ctx.integerInput("t_s"));
            return Evaluation.of("x0_T", s.x0T(), "e_T", s.eT(), "z_prev", s.zPrev());
        });
        r.register("consistency_distillation_loss", ctx -> {
            Attrs at = ctx.attrs();
            ConsistencyDistillationLoss cd = new ConsistencyDistillationLoss(schedule(at),
                new LcmBoundary(at.real("sigma_data"), at.real("timestep_scaling")), at.real("huber_c"));
            ConsistencyDistillationLoss.Result l = cd.evaluate(ctx.input("z"), ctx.input("eps_student"), ctx.input("z_prev"),
                ctx.input("eps_target"), ctx.integerInput("t_s"), ctx.integerInput("t_e"));
            return Evaluation.of("f_student", l.fStudent(), "f_target", l.fTarget(), "loss", l.loss());
        });
    }

    /** The schedule named by the suite's schedule attrs (PAPERS.md §2). */
    private static NoiseSchedule schedule(Attrs at) {
        return NoiseSchedule.of(at.string("beta_schedule"), at.integer("num_train_timesteps"), at.real("beta_start"), at.real("beta_end"));
    }
}
