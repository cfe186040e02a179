package dev.vdiff.diffusion.distill;

import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.PredictionType;
import dev.vdiff.diffusion.unet.TemporalAttentionHook;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;

import java.util.Arrays;

/**
 * The teacher of consistency distillation: a trained eps-predicting {@link VideoUNet} whose weights never change
 * (SPEC §3: VideoCrafter2 for T2V-Turbo; here a model {@code vdiff train} made). Its parameters are marked as not
 * requiring gradients, so a backward pass through it (the motion score {@code g = dE/dz}, SPEC §3.3) reaches the
 * input latent and nothing else.
 *
 * <p>The unconditional pass of classifier-free guidance uses the null condition: the null class label
 * {@code numClasses} of a class-conditioned UNet (the empty prompt of a text model).
 *
 * <pre>{@code
 * FrozenTeacher teacher = new FrozenTeacher(unet);
 * Tensor eC = teacher.eps(z, tS, labels), eU = teacher.eps(z, tS, teacher.nullCondition(labels));
 * }</pre>
 */
public final class FrozenTeacher {
    private final VideoUNet unet;

    /** Takes {@code unet} over: its parameters stop requiring gradients from now on. */
    public FrozenTeacher(VideoUNet unet) {
        if (unet == null) throw new IllegalArgumentException("FrozenTeacher: a teacher UNet is required");
        for (Tensor p : unet.parameters()) p.requiresGrad(false);
        this.unet = unet;
    }

    public VideoUNet unet() {
        return unet;
    }

    public DType dtype() {
        return unet.dtype();
    }

    /** The null condition for a batch like {@code cond}: the null label for every sample, or null without labels. */
    public Tensor nullCondition(Tensor cond) {
        if (!unet.config().classConditional()) return null;
        if (cond == null || cond.dtype() != DType.INT64 || cond.rank() != 1) {
            throw new IllegalArgumentException("FrozenTeacher: labels must be int64 [B], got " + (cond == null ? "null" : cond.dtype() + Shape.str(cond.shape())));
        }
        long[] v = new long[cond.shape(0)];
        Arrays.fill(v, unet.config().numClasses());
        return Tensor.ofLongs(v, v.length);
    }

    /** The teacher's noise prediction, recorded for nothing (a constant). */
    public Tensor eps(Tensor z, Tensor t, Tensor cond) {
        try (var s = Autograd.noGrad()) {
            return unet.forward(z, t, cond);
        }
    }

    /**
     * The teacher's prediction with gradients to {@code z} (when {@code z} requires one), handing the temporal
     * attention probabilities of every layer to {@code hook} (null: none) during this call only.
     */
    public Tensor epsWithAttention(Tensor z, Tensor t, Tensor cond, TemporalAttentionHook hook) {
        unet.setTemporalAttentionHook(hook);
        try {
            return unet.forward(z, t, cond);
        } finally {
            unet.setTemporalAttentionHook(null);
        }
    }

    /** The teacher as a {@link Denoiser} (no gradients), e.g. for DDIM sampling or DDIM inversion. */
    public Denoiser denoiser() {
        return Denoiser.of(PredictionType.EPSILON, this::eps);
    }
}
