package dev.vdiff.reference.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sizes of a run's video UNet (a two-level {@code VideoUNetConfig}, docs/ORACLE.md §5.20 / docs/bench/tiny_video_unet.md),
 * saved in the run file so that sampling rebuilds the same network. {@link Models#build} makes the network.
 *
 * <p>{@code patch = p > 1} folds every {@code p x p} block of pixels into channels before the UNet and unfolds
 * its output (space-to-depth, {@link PatchedDenoiser}): the UNet runs at {@code H/p x W/p} with {@code C p^2}
 * channels. The rearrangement is a permutation of the pixels, so the noise, the loss and the samples are exactly
 * those of pixel-space diffusion; only the network's first and last layers see 2x2 patches (as a ViT/DiT
 * patch embedding does), at a quarter of the convolution cost.
 *
 * @param frames   F
 * @param channels C, input/output channels of the videos (3: RGB pixels)
 * @param patch    pixels per side folded into channels before the UNet (1 = none)
 * @param ch0      model channels at full resolution (no attention)
 * @param ch1      model channels at half resolution (spatial and temporal attention)
 * @param heads    attention heads; {@code ch1 / heads} channels each
 * @param groups   GroupNorm groups
 * @param classes  class labels; label {@code classes} is the null label (0 = unconditional)
 * @param tDim     sinusoidal timestep-embedding width
 * @param embDim   time/label embedding width
 * @param temporal0 temporal attention also at full resolution (then {@code ch0 = ch1}: every attention level has
 *                 {@code heads x ch1/heads} channels); frames then exchange information at both levels
 */
public record ModelSpec(int frames, int channels, int patch, int ch0, int ch1, int heads, int groups, int classes, int tDim, int embDim,
                        boolean temporal0) {
    public ModelSpec {
        if (patch < 1) throw new IllegalArgumentException("model: patch must be >= 1, got " + patch);
    }

    /**
     * {@code vdiff train}'s network (except its patch: {@code vdiff train} defaults to 1): 8 frames of RGB, 2x2 patches,
     * 32/64 channels, 4 heads, 16 groups, 5 classes, embedding widths 64/128, temporal attention at half resolution
     * only. The 2x2 patches keep the many tests built on it fast; an eps run with them samples a checkerboard
     * (docs/experiments/turbo.md), hence the command's default. Vary it with the withers, by name:
     * {@code ModelSpec.defaults().withFrames(4).withCh0(8).withCh1(16)}.
     */
    public static ModelSpec defaults() {
        return new ModelSpec(8, 3, 2, 32, 64, 4, 16, 5, 64, 128, false);
    }

    public ModelSpec withFrames(int v) {
        return new ModelSpec(v, channels, patch, ch0, ch1, heads, groups, classes, tDim, embDim, temporal0);
    }

    public ModelSpec withChannels(int v) {
        return new ModelSpec(frames, v, patch, ch0, ch1, heads, groups, classes, tDim, embDim, temporal0);
    }

    public ModelSpec withPatch(int v) {
        return new ModelSpec(frames, channels, v, ch0, ch1, heads, groups, classes, tDim, embDim, temporal0);
    }

    public ModelSpec withCh0(int v) {
        return new ModelSpec(frames, channels, patch, v, ch1, heads, groups, classes, tDim, embDim, temporal0);
    }

    public ModelSpec withCh1(int v) {
        return new ModelSpec(frames, channels, patch, ch0, v, heads, groups, classes, tDim, embDim, temporal0);
    }

    public ModelSpec withHeads(int v) {
        return new ModelSpec(frames, channels, patch, ch0, ch1, v, groups, classes, tDim, embDim, temporal0);
    }

    public ModelSpec withGroups(int v) {
        return new ModelSpec(frames, channels, patch, ch0, ch1, heads, v, classes, tDim, embDim, temporal0);
    }

    public ModelSpec withClasses(int v) {
        return new ModelSpec(frames, channels, patch, ch0, ch1, heads, groups, v, tDim, embDim, temporal0);
    }

    public ModelSpec withTDim(int v) {
        return new ModelSpec(frames, channels, patch, ch0, ch1, heads, groups, classes, v, embDim, temporal0);
    }

    public ModelSpec withEmbDim(int v) {
        return new ModelSpec(frames, channels, patch, ch0, ch1, heads, groups, classes, tDim, v, temporal0);
    }

    public ModelSpec withTemporal0(boolean v) {
        return new ModelSpec(frames, channels, patch, ch0, ch1, heads, groups, classes, tDim, embDim, v);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "video_unet");
        m.put("frames", frames);
        m.put("channels", channels);
        m.put("patch", patch);
        m.put("ch0", ch0);
        m.put("ch1", ch1);
        m.put("heads", heads);
        m.put("groups", groups);
        m.put("classes", classes);
        m.put("t_dim", tDim);
        m.put("emb_dim", embDim);
        m.put("temporal_attention_level0", temporal0);
        return m;
    }

    public static ModelSpec fromJson(Map<?, ?> m) {
        String kind = JsonFields.stringOf(m, "kind");
        if (!kind.equals("video_unet")) throw new IllegalArgumentException("unknown model kind '" + kind + "' (expected video_unet)");
        return new ModelSpec((int) JsonFields.longOf(m, "frames"), (int) JsonFields.longOf(m, "channels"), (int) JsonFields.longOf(m, "patch"), (int) JsonFields.longOf(m, "ch0"),
            (int) JsonFields.longOf(m, "ch1"), (int) JsonFields.longOf(m, "heads"), (int) JsonFields.longOf(m, "groups"),
            (int) JsonFields.longOf(m, "classes"), (int) JsonFields.longOf(m, "t_dim"), (int) JsonFields.longOf(m, "emb_dim"),
            JsonFields.boolOf(m, "temporal_attention_level0"));
    }

    /** One line for reports: {@code F=8 C=3 patch=2x2 ch=32/64 heads=4 groups=16 classes=5 emb=128}. */
    public String describe() {
        return "F=" + frames + " C=" + channels + (patch > 1 ? " patch=" + patch + "x" + patch : "") + " ch=" + ch0 + "/" + ch1 + " heads=" + heads + " groups=" + groups + " classes=" + classes + " emb=" + embDim + (temporal0 ? " temporal-attention-at-both-levels" : "");
    }
}
