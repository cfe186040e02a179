package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.pyramid.TemporalResampling.Downsampling;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.verification.Attrs;
import dev.vdiff.verification.OpEvaluator.Evaluation;
import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.OpRegistry;

import java.util.Locale;

/**
 * TPDiff's ops of the papers suite (oracle/papers PAPERS.md §3.8-3.10), each computed by the project's own
 * classes with the options the case's attrs name: {@code tpdiff_renoise} by {@link Renoise},
 * {@code tpdiff_stage_schedule} by {@link PyramidStages}, {@code tpdiff_flow_stage_target} by {@link StagePath}.
 * Layout: the suite's videos are {@code [B, C, F, H, W]}, so the frame axis is 2.
 */
public final class TpdiffOps implements OpFamily {

    /** The frame axis of the suite's {@code [B, C, F, H, W]} videos. */
    private static final int FRAME_AXIS = PyramidConfig.FRAME_AXIS_BCFHW;

    @Override
    public void register(OpRegistry r) {
        r.register("tpdiff_renoise", ctx -> {
            Attrs at = ctx.attrs();
            Renoise.Jump jump = Renoise.jumpIntoStart(at.real("gamma_start"), at.real("sigma_start"), normalisation(at.string("form")),
                PyramidConfig.RenoiseCoefficient.RATIO);
            Tensor out = Renoise.applyWithNoise(ctx.input("x"), jump, FRAME_AXIS, ctx.input("z"));
            return Evaluation.of("out", out, "c", Tensor.scalar(ctx.dtype(), jump.c()), "alpha", Tensor.scalar(ctx.dtype(), jump.alpha()));
        });
        r.register("tpdiff_stage_schedule", ctx -> {
            Attrs at = ctx.attrs();
            checkFlow(at.string("form"));
            PyramidStages stages = flowConfig(at.integer("K")).withBoundaries(at.reals("boundaries")).stages();
            int k = stages.count();
            double[] start = new double[k], end = new double[k], c = new double[k - 1], alpha = new double[k - 1];
            for (int i = 0; i < k; i++) {                  // sampling order: index i is stage K - i
                start[i] = stages.start(k - i);
                end[i] = stages.end(k - i);
                if (i < k - 1) {                            // the jump from stage K - i into stage K - i - 1
                    Renoise.Jump j = stages.jump(k - i - 1);
                    c[i] = j.c();
                    alpha[i] = j.alpha();
                }
            }
            DType d = ctx.dtype();
            return Evaluation.of("start_time", vector(start, d), "end_time", vector(end, d), "c", vector(c, d), "alpha", vector(alpha, d));
        });
        r.register("tpdiff_flow_stage_target", ctx -> {
            Attrs at = ctx.attrs();
            int kCount = at.integer("K"), k = at.integer("stage");
            PyramidStages stages = flowConfig(kCount)
                .withDataDownsampling(downsampling(at.string("data_down"), false))
                .withNoiseDownsampling(downsampling(at.string("noise_down"), true)).stages();
            checkTime(ctx.oracleCase().id(), "start_time", at.real("start_time"), stages.start(k));
            checkTime(ctx.oracleCase().id(), "end_time", at.real("end_time"), stages.end(k));
            Tensor epsK = StagePath.stageNoise(stages, k, ctx.input("eps"));
            StagePath.Endpoints p = StagePath.endpoints(stages, k, ctx.input("x0"), epsK);
            double[] local = ctx.input("t_prime").toDoubleArray();
            double[] t = new double[local.length];
            for (int b = 0; b < t.length; b++) t[b] = stages.time(k, local[b]);
            return Evaluation.of("x_t", StagePath.flowPoint(p, local), "v_target", StagePath.flowTarget(p), "t", vector(t, ctx.dtype()));
        });
    }

    /** A flow pyramid of K uniform stages on the suite's frame axis, renoised with the ratio coefficient (the defaults). */
    private static PyramidConfig flowConfig(int stages) {
        return PyramidConfig.flow().withUniformStages(stages).withFrameAxis(FRAME_AXIS);
    }

    /** The suites hold flow schedules only: the VP time map of the stages is a reconstruction (PAPERS.md §3.9). */
    private static void checkFlow(String form) {
        if (!"flow".equals(form)) throw new IllegalArgumentException("tpdiff_stage_schedule: form '" + form + "': vdiff's VP stages are discrete timesteps, not the suite's trigonometric path; only flow is evaluated");
    }

    private static DiffusionForm.Normalisation normalisation(String form) {
        switch (form) {
            case "flow": return DiffusionForm.Normalisation.FLOW;
            case "vp": return DiffusionForm.Normalisation.VARIANCE_PRESERVING;
            default: throw new IllegalArgumentException("tpdiff_renoise: form '" + form + "' is neither flow nor vp");
        }
    }

    /**
     * PAPERS.md §3.10's names: {@code subsample} keeps the first frame of every block; {@code pair_average} is the
     * block mean for data and the block sum over {@code sqrt(m)} (mean times {@code sqrt(m)}) for noise.
     */
    private static Downsampling downsampling(String name, boolean noise) {
        switch (name) {
            case "subsample": return Downsampling.SUBSAMPLE;
            case "pair_average": return noise ? Downsampling.AVERAGE_SCALED : Downsampling.AVERAGE;
            default: throw new IllegalArgumentException("tpdiff_flow_stage_target: downsampling '" + name + "' is neither subsample nor pair_average");
        }
    }

    /** The case names the stage's times; they must be the ones our stages compute from K (PAPERS.md §3.10). */
    private static void checkTime(String caseId, String name, double given, double ours) {
        if (Math.abs(given - ours) > 1e-12) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "case %s: attr %s = %s, but the K uniform stages give %s", caseId, name, given, ours));
        }
    }

    private static Tensor vector(double[] v, DType dtype) {
        return Tensor.of(v, v.length).to(dtype);
    }
}
