package dev.vdiff.reference.train;

import dev.vdiff.diffusion.ClassifierFreeGuidance;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.VelocityModel;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.sampling.DdimSampler;
import dev.vdiff.diffusion.sampling.FlowEulerSampler;
import dev.vdiff.diffusion.sampling.LcmSampler;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Generates label- or caption-conditioned videos from a trained {@link Denoiser} with the samplers of
 * {@code dev.vdiff.diffusion.sampling} and classifier-free guidance in the Imagen form
 * {@code e_u + s (e_c - e_u)} (SPEC §1.4; two forward passes per step, {@link ClassifierFreeGuidance}):
 * <ul>
 *   <li>DDIM (SPEC §1.3): {@link DdimSampler} over the benchmark's grid from t = 999 down
 *       ({@link Timesteps.Spacing#FROM_TOP}), last step to alpha_bar = 1, x0 clipped to the data range with the
 *       noise estimate derived from the clipped x0 (see {@link #clipped});</li>
 *   <li>LCM multistep (SPEC §1.5): {@link LcmSampler} with T2V-Turbo's boundary scalings; on a network trained
 *       with plain DDPM (not distilled) each step is "predict x0, renoise to the next time";</li>
 *   <li>flow-matching Euler (SPEC §1.6): {@link FlowEulerSampler} for networks trained with
 *       {@link Objective#FLOW}; the model timestep {@code 1000 sigma} is rounded to the integer the network
 *       embeds (training used {@code t+1 = 1000 sigma} exactly).</li>
 * </ul>
 * A run whose training method needs its own sampling loop (a {@link VideoSampler} from
 * {@link TrainingMethod#sampler}, e.g. TPDiff's stage-by-stage samplers, SPEC §5.5b) is sampled with that loop
 * instead, with the same guidance; the starting noise then has the sampler's {@link VideoSampler#noiseFrames}.
 *
 * <p>Sample {@code i} starts from the noise {@code rng.split(i).normal(...)}, so it does not depend on how many
 * others are generated with it; samples are generated {@code chunk} at a time to bound memory (the fresh
 * noise of stochastic samplers comes from a per-chunk stream).
 */
public final class VideoGenerator {
    private final Denoiser model;
    private final Objective objective;
    private final NoiseSchedule schedule;
    private final SamplerSettings settings;
    private final int chunk;
    private final VideoSampler custom;

    public VideoGenerator(Denoiser model, Objective objective, NoiseSchedule schedule, SamplerSettings settings, int chunk) {
        this(model, objective, schedule, settings, chunk, null);
    }

    /** A generator whose sampling loop is {@code custom} (null: the standard sampler of {@code settings}). */
    public VideoGenerator(Denoiser model, Objective objective, NoiseSchedule schedule, SamplerSettings settings, int chunk, VideoSampler custom) {
        if (settings.kind() == SamplerSettings.Kind.FLOW && objective != Objective.FLOW) {
            throw new IllegalArgumentException("the flow sampler needs a flow-matching model (train with --objective flow); this one was trained with --objective " + objective.cliName + ", sample it with ddim or lcm");
        }
        if (settings.kind() != SamplerSettings.Kind.FLOW && objective == Objective.FLOW) {
            throw new IllegalArgumentException("this model was trained with the flow-matching objective; sample it with --sampler flow");
        }
        if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
        if (custom != null) custom.check(settings);
        if (custom != null && settings.guidanceRescale() != 0) throw new IllegalArgumentException("guidance rescale is not implemented for this run's own sampling loop (" + custom.describe() + ")");
        this.custom = custom;
        this.model = model;
        this.objective = objective;
        this.schedule = schedule;
        this.settings = settings;
        this.chunk = chunk;
    }

    /**
     * Videos for {@code labels} (each {@code [F, C, H, W]}, float32), in order; {@code progress} (may be null)
     * hears the number of samples finished.
     */
    public List<Tensor> generate(long[] labels, int frames, int channels, int height, int width, Rng rng, IntConsumer progress) {
        if (model.tokenizer() != null) throw new IllegalArgumentException("this model is conditioned on captions, not labels: generate it from captions");
        for (long y : labels) {
            if (y < 0 || y > model.nullLabel()) throw new IllegalArgumentException("label " + y + " is outside 0.." + (model.nullLabel() - 1) + " (or " + model.nullLabel() + " for unconditional)");
        }
        return generate(Tensor.ofLongs(labels, labels.length), frames, channels, height, width, rng, progress);
    }

    /**
     * Videos for captions (a caption-conditioned model, {@link Denoiser#tokenizer()}), in order; the empty caption
     * is the unconditional one. Same noise rule as for labels: sample {@code i} starts from {@code rng.split(i)}.
     */
    public List<Tensor> generateCaptioned(List<String> captions, int frames, int channels, int height, int width, Rng rng, IntConsumer progress) {
        if (model.tokenizer() == null) throw new IllegalArgumentException("this model is not conditioned on captions");
        return generate(model.tokenizer().encodeBatch(captions), frames, channels, height, width, rng, progress);
    }

    /** Videos for conditions {@code [N]} (labels) or {@code [N, L]} (caption ids): row i conditions sample i. */
    private List<Tensor> generate(Tensor conditions, int frames, int channels, int height, int width, Rng rng, IntConsumer progress) {
        DType dtype = model.module().dtype();
        List<Tensor> out = new ArrayList<>();
        int total = conditions.shape(0);
        for (int start = 0; start < total; start += chunk) {
            int n = Math.min(chunk, total - start);
            Tensor[] noise = new Tensor[n];
            int noiseFrames = custom == null ? frames : custom.noiseFrames(frames);
            for (int i = 0; i < n; i++) noise[i] = rng.split(start + i).normal(dtype, 1, noiseFrames, channels, height, width);
            Tensor x = Concat.cat(0, noise);                                                   // [n, F, C, H, W]
            Tensor y = conditions.narrow(0, start, n).contiguous();                            // [n] or [n, L]
            Tensor videos;
            try (var g = Autograd.noGrad()) {
                videos = sample(x, y, rng.split(-1 - start));
            }
            for (int i = 0; i < n; i++) out.add(videos.narrow(0, i, 1).reshape(frames, channels, height, width).to(DType.FLOAT32).contiguous());
            if (progress != null) progress.accept(start + n);
        }
        return out;
    }

    private Tensor sample(Tensor noise, Tensor y, Rng rng) {
        Tensor nullLabels = model.nullCondition(y.shape(0));   // null labels [n] or empty captions [n, L]
        boolean guided = settings.guidance() != 1 && model.conditional();
        double s = settings.guidance();
        if (custom != null) return sampleCustom(noise, y, rng, guided, nullLabels, s);
        switch (settings.kind()) {
            case FLOW: {
                VelocityModel v = (x, t, c) -> model.forward(x, roundTimesteps(t), c);
                if (guided) v = ClassifierFreeGuidance.guide(v, nullLabels, ClassifierFreeGuidance.Convention.IMAGEN, s);
                return new FlowEulerSampler(settings.steps(), settings.flowShift()).sample(v, noise, y, rng);
            }
            case LCM: {
                dev.vdiff.diffusion.Denoiser d = epsilonModel(guided, nullLabels, s);
                return new LcmSampler(schedule, LcmBoundary.T2V_TURBO, settings.steps(), settings.lcmOriginSteps()).sample(d, noise, y, rng);
            }
            default: {
                dev.vdiff.diffusion.Denoiser d = clipped(epsilonModel(guided, nullLabels, s));
                return new DdimSampler(schedule, Timesteps.Spacing.FROM_TOP, settings.steps(), Timesteps.FinalStep.TO_CLEAN, settings.eta(), DdimSampler.NO_CLIP)
                    .sample(d, noise, y, rng);
            }
        }
    }

    /** A method's own sampling loop; a flow model sees its float time unrounded (TPDiff's stage times are not integers). */
    private Tensor sampleCustom(Tensor noise, Tensor y, Rng rng, boolean guided, Tensor nullLabels, double s) {
        VelocityModel v = model::forward;
        if (guided) v = ClassifierFreeGuidance.guide(v, nullLabels, ClassifierFreeGuidance.Convention.IMAGEN, s);
        dev.vdiff.diffusion.Denoiser d = objective == Objective.FLOW ? null : epsilonModel(guided, nullLabels, s);
        return custom.sample(new VideoSampler.Network(v, d), noise, y, settings, rng);
    }

    private dev.vdiff.diffusion.Denoiser epsilonModel(boolean guided, Tensor nullLabels, double s) {
        dev.vdiff.diffusion.Denoiser d = dev.vdiff.diffusion.Denoiser.of(objective.predictionType(), model::forward);
        return guided ? ClassifierFreeGuidance.guide(d, nullLabels, ClassifierFreeGuidance.Convention.IMAGEN, s, settings.guidanceRescale()) : d;
    }

    /**
     * With {@code clipX0} finite: the network as an x0-predictor whose estimate (SPEC §1.2, e.g. {@code (z_t - s_t e) / a_t}) is
     * clamped to {@code [-clipX0, clipX0]}, so that DDIM derives its noise estimate from the clamped x0
     * (diffusers' {@code clip_sample} with {@code use_clipped_model_output}). Clamping x0 but keeping the raw
     * noise estimate instead (the benchmark's DDIM) turns the wild x0 estimates of a briefly trained network at
     * high noise into saturated pixel noise in the result; deriving the noise from the clamped x0 keeps the
     * update consistent and lets later, better x0 estimates take over.
     */
    private dev.vdiff.diffusion.Denoiser clipped(dev.vdiff.diffusion.Denoiser net) {
        double c = settings.clipX0();
        if (Double.isInfinite(c)) return net;
        return dev.vdiff.diffusion.Denoiser.of(PredictionType.SAMPLE, (x, t, cond) -> {
            int step = (int) t.longs()[0];
            Tensor x0 = Parameterization.x0(net.predictionType(), x, net.predict(x, t, cond), schedule.sqrtAlphaBar(step), schedule.sqrtOneMinusAlphaBar(step));
            return Pointwise.clamp(x0, -c, c);
        });
    }

    /** The flow sampler's continuous model timesteps {@code 1000 sigma}, rounded to the int64 the network embeds. */
    private static Tensor roundTimesteps(Tensor t) {
        double[] v = t.toDoubleArray();
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.round(v[i]);
        return Tensor.ofLongs(r, r.length);
    }

    /** Labels {@code 0,..,0, 1,..,1, ...}: {@code perClass} of each class (one null label 0 run when {@code classes = 0}). */
    public static long[] balancedLabels(int classes, int perClass) {
        long[] y = new long[Math.max(1, classes) * perClass];
        for (int i = 0; i < y.length; i++) y[i] = classes == 0 ? 0 : i / perClass;
        return y;
    }
}
