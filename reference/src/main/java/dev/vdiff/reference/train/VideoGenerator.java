package dev.vdiff.reference.train;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generates label-conditioned videos from a trained {@link Denoiser} with classifier-free guidance.
 *
 * <p>Sample {@code i} starts from the noise {@code rng.split(i).normal(...)}, so a sample does not depend on
 * how many others are generated with it or on the chunk size; samples are generated {@code chunk} at a time
 * to bound memory.
 */
public final class VideoGenerator {
    private final Denoiser model;
    private final Objective objective;
    private final NoiseSchedule schedule;
    private final SamplerSettings settings;
    private final int chunk;

    public VideoGenerator(Denoiser model, Objective objective, NoiseSchedule schedule, SamplerSettings settings, int chunk) {
        if (settings.kind() == SamplerSettings.Kind.FLOW && objective != Objective.FLOW) {
            throw new IllegalArgumentException("the flow sampler needs a flow-matching model (train with --objective flow); this one predicts epsilon, use ddim or lcm");
        }
        if (settings.kind() != SamplerSettings.Kind.FLOW && objective == Objective.FLOW) {
            throw new IllegalArgumentException("this model was trained with the flow-matching objective; sample it with --sampler flow");
        }
        if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
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
    public List<Tensor> generate(long[] labels, int frames, int channels, int height, int width, Rng rng, java.util.function.IntConsumer progress) {
        for (long y : labels) {
            if (y < 0 || y > model.nullLabel()) throw new IllegalArgumentException("label " + y + " is outside 0.." + (model.nullLabel() - 1) + " (or " + model.nullLabel() + " for unconditional)");
        }
        DType dtype = model.module().dtype();
        List<Tensor> out = new ArrayList<>();
        for (int start = 0; start < labels.length; start += chunk) {
            int n = Math.min(chunk, labels.length - start);
            Tensor[] noise = new Tensor[n];
            for (int i = 0; i < n; i++) noise[i] = rng.split(start + i).normal(dtype, 1, frames, channels, height, width);
            Tensor x = Concat.cat(0, noise);                                                   // [n, F, C, H, W]
            Tensor y = Tensor.ofLongs(Arrays.copyOfRange(labels, start, start + n), n);
            Tensor videos;
            try (var g = Autograd.noGrad()) {
                videos = ddim(x, y);
            }
            for (int i = 0; i < n; i++) out.add(videos.narrow(0, i, 1).reshape(frames, channels, height, width).to(DType.FLOAT32).contiguous());
            if (progress != null) progress.accept(start + n);
        }
        return out;
    }

    /** The guided noise prediction {@code e_u + s (e_c - e_u)} (SPEC §1.4, Imagen form); one pass when s = 1. */
    private Tensor guidedEpsilon(Tensor x, Tensor t, Tensor y) {
        double s = settings.guidance();
        if (s == 1 || model.numClasses() == 0) return model.forward(x, t, y);
        long[] nul = new long[y.shape(0)];
        Arrays.fill(nul, model.nullLabel());
        Tensor cond = model.forward(x, t, y);
        Tensor uncond = model.forward(x, t, Tensor.ofLongs(nul, nul.length));
        return Arithmetic.add(uncond, Arithmetic.mul(Arithmetic.sub(cond, uncond), s));
    }

    /**
     * Deterministic DDIM (SPEC §1.3, eta = 0) over {@code steps} evenly spaced timesteps
     * {@code t_k = T-1 - floor(k T / steps)}, ending at alpha_bar = 1, with the predicted x0 clamped (the
     * benchmark's sampling procedure, tiny_video_unet.md §7).
     */
    private Tensor ddim(Tensor x, Tensor y) {
        int total = schedule.numTrainTimesteps(), steps = settings.steps();
        int b = x.shape(0);
        for (int k = 0; k < steps; k++) {
            int t = total - 1 - (int) ((long) k * total / steps);
            int tPrev = k + 1 < steps ? total - 1 - (int) ((long) (k + 1) * total / steps) : -1;
            long[] tt = new long[b];
            Arrays.fill(tt, t);
            Tensor eps = guidedEpsilon(x, Tensor.ofLongs(tt, b), y);
            double ab = schedule.alphaBar(t), abPrev = tPrev < 0 ? 1.0 : schedule.alphaBar(tPrev);
            // 1. x0_hat = (z_t - s_t e) / a_t, clamped; 2. z_p = a_p x0_hat + s_p e (DDIM eq. 12, eta = 0).
            Tensor x0 = Arithmetic.mul(Arithmetic.sub(x, Arithmetic.mul(eps, Math.sqrt(1 - ab))), 1 / Math.sqrt(ab));
            if (Double.isFinite(settings.clipX0())) x0 = Pointwise.clamp(x0, -settings.clipX0(), settings.clipX0());
            x = Arithmetic.add(Arithmetic.mul(x0, Math.sqrt(abPrev)), Arithmetic.mul(eps, Math.sqrt(1 - abPrev)));
        }
        return x;
    }
}
