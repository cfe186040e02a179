package dev.vdiff.reference.train;

import dev.vdiff.diffusion.text.CaptionTokenizer;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;

/**
 * A label-conditioned noise-prediction network, the thing the {@link Trainer} trains and the samplers call:
 * {@code forward(x [B, F, C, H, W], t int64 [B], y int64 [B]) -> [B, F, C, H, W]} (the predicted epsilon,
 * SPEC §1.2). Label {@link #numClasses()} is the null label used for classifier-free guidance (SPEC §1.4);
 * a network with {@code numClasses() == 0} ignores {@code y}. A caption-conditioned network ({@link #tokenizer()} not
 * null, {@link CaptionSpec}) takes caption ids int64 {@code [B, L]} as {@code y} instead, and the empty caption is
 * its null condition.
 *
 * <p>The video UNet ({@code dev.vdiff.diffusion.unet.VideoUNet}) is the real one; tests use tiny stand-ins.
 */
public interface Denoiser {
    /** The trainable parameters live here (names and order of the state dict). */
    Module module();

    /** The prediction for noisy videos {@code x} at timesteps {@code t} with labels {@code y}. */
    Tensor forward(Tensor x, Tensor t, Tensor y);

    /** Class labels {@code 0..numClasses()-1}; {@code numClasses()} is the null (unconditional) label. */
    int numClasses();

    /** The null label: what class dropout substitutes and what the unconditional CFG branch sees. */
    default int nullLabel() {
        return numClasses();
    }

    /** The tokenizer of a caption-conditioned network (its condition is caption ids {@code [B, L]}); null for labels. */
    default CaptionTokenizer tokenizer() {
        return null;
    }

    /** Whether the network reads a condition at all (labels or captions): only then is guidance meaningful. */
    default boolean conditional() {
        return numClasses() > 0 || tokenizer() != null;
    }

    /** The null condition of {@code b} samples: the null label {@code [B]}, or the empty caption {@code [B, L]}. */
    default Tensor nullCondition(int b) {
        CaptionTokenizer tok = tokenizer();
        if (tok != null) return CaptionTokenizer.nullTokens(b, tok.maxLength());
        long[] y = new long[b];
        java.util.Arrays.fill(y, nullLabel());
        return Tensor.ofLongs(y, b);
    }
}
