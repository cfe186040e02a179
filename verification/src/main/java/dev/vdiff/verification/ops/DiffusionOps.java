package dev.vdiff.verification.ops;

import dev.vdiff.diffusion.DdimStep;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpRegistry;

/**
 * The sampler numerics of docs/ORACLE.md §5.17-5.19: {@code ddpm_schedule}, {@code ddim_step} and
 * {@code lcm_boundary}, by the {@code dev.vdiff.diffusion} classes.
 */
public final class DiffusionOps {
    private DiffusionOps() {}

    public static void register(OpRegistry r) {
        r.register("ddpm_schedule", ctx -> {
            NoiseSchedule s = schedule(ctx.attrs());
            return Evaluation.of("betas", s.betas(ctx.dtype()), "alphas_cumprod", s.alphasCumprod(ctx.dtype()),
                "sqrt_alphas_cumprod", s.sqrtAlphasCumprod(ctx.dtype()), "sqrt_one_minus_alphas_cumprod", s.sqrtOneMinusAlphasCumprod(ctx.dtype()));
        });
        r.register("ddim_step", ctx -> {
            Attrs at = ctx.attrs();
            DdimStep ddim = new DdimStep(schedule(at), PredictionType.parse(at.string("prediction_type")), at.real("eta"));
            DdimStep.Result step = ddim.step(ctx.input("x_t"), ctx.input("model_output"), at.integer("t"), at.integer("t_prev"));
            return Evaluation.of("prev_sample", step.prevSample(), "pred_original_sample", step.predOriginalSample(), "pred_epsilon", step.predEpsilon());
        });
        r.register("lcm_boundary", ctx -> {
            LcmBoundary lcm = new LcmBoundary(ctx.attrs().real("sigma_data"), ctx.attrs().real("timestep_scaling"));
            Tensor t = ctx.integerInput("t");
            return Evaluation.of("c_skip", lcm.cSkip(t, ctx.dtype()), "c_out", lcm.cOut(t, ctx.dtype()));
        });
    }

    /** The schedule named by the attrs shared by {@code ddpm_schedule} and {@code ddim_step}. */
    private static NoiseSchedule schedule(Attrs at) {
        return NoiseSchedule.of(at.string("beta_schedule"), at.integer("num_train_timesteps"), at.real("beta_start"), at.real("beta_end"));
    }
}
