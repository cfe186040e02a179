package dev.vdiff.diffusion.unet;

import dev.vdiff.diffusion.text.TextEncoderConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The sizes of a {@link VideoUNet}: everything except the batch {@code B} and the latent height and width,
 * which the network takes from its input.
 *
 * <p>The defaults ({@link #benchmark()}) are the benchmark model {@code tiny_video_unet} v1
 * ({@code docs/bench/tiny_video_unet.md}, {@code docs/ORACLE.md} §5.20): 2,369,220 parameters in 117 tensors.
 *
 * <table>
 * <caption>fields (benchmark values)</caption>
 * <tr><td>{@code frames} (8)</td><td>F, frames per video; the temporal attention's position table has F rows</td></tr>
 * <tr><td>{@code channels} (4)</td><td>C, latent channels in and out</td></tr>
 * <tr><td>{@code levels} (64, 128 with attention)</td><td>one entry per resolution, finest first: model channels and
 *     whether the level has spatial and temporal attention; level {@code i} runs at {@code H/2^i x W/2^i}</td></tr>
 * <tr><td>{@code heads}, {@code headDim} (4, 32)</td><td>attention heads and channels per head; every level with
 *     attention (and the middle block) must have {@code heads * headDim} channels</td></tr>
 * <tr><td>{@code groups}, {@code gnEps} (32, 1e-5)</td><td>groups and eps of every GroupNorm</td></tr>
 * <tr><td>{@code numClasses} (10)</td><td>class labels {@code 0..numClasses-1}; label {@code numClasses} is the null
 *     (unconditional) label. 0 = no class conditioning: no {@code label_emb} table and {@code y} is not read</td></tr>
 * <tr><td>{@code tDim}, {@code embDim} (64, 256)</td><td>widths of the sinusoidal timestep embedding and of the
 *     time/label embedding {@code e}</td></tr>
 * <tr><td>{@code text} (null)</td><td>caption conditioning: the {@link TextEncoderConfig} of the model's own caption
 *     encoder, and a {@link CrossAttention} from every spatial attention block to its tokens (SPEC §1.7); null = no
 *     caption conditioning, no parameters added, the network bit for bit the one without this field. Class labels
 *     ({@code numClasses}) and captions can be on together</td></tr>
 * </table>
 *
 * <p>Network shape: per level one ResBlock on the way down (then spatial and temporal attention where the level
 * has them), a stride-2 conv between levels; a middle block ResBlock, [attention], ResBlock at the deepest level
 * (attention as the deepest level has it); on the way up per level a ResBlock on {@code concat(h, skip)},
 * [attention], and, except at level 0, nearest upsampling and a 3x3 conv. With two levels this is exactly the
 * network of docs/ORACLE.md §5.20.
 */
public record VideoUNetConfig(int frames, int channels, List<Level> levels, int heads, int headDim, int groups,
                              double gnEps, int numClasses, int tDim, int embDim, TextEncoderConfig text) {

    /** One resolution of the UNet: its model channels and which attention blocks it has. */
    public record Level(int channels, boolean spatialAttention, boolean temporalAttention) {
        public boolean hasAttention() {
            return spatialAttention || temporalAttention;
        }
    }

    public VideoUNetConfig {
        levels = List.copyOf(levels);
        List<String> errors = new ArrayList<>();
        if (frames < 1) errors.add("frames must be >= 1, got " + frames);
        if (channels < 1) errors.add("channels must be >= 1, got " + channels);
        if (levels.isEmpty()) errors.add("at least one level is needed");
        if (heads < 1 || headDim < 1) errors.add("heads and headDim must be >= 1, got " + heads + " and " + headDim);
        if (groups < 1) errors.add("groups must be >= 1, got " + groups);
        if (!(gnEps > 0)) errors.add("gnEps must be > 0, got " + gnEps);
        if (numClasses < 0) errors.add("numClasses must be >= 0, got " + numClasses);
        if (tDim < 2 || tDim % 2 != 0) errors.add("tDim must be even and >= 2, got " + tDim);
        if (embDim < 1) errors.add("embDim must be >= 1, got " + embDim);
        for (int i = 0; i < levels.size(); i++) {
            Level l = levels.get(i);
            if (l.channels() < 1) errors.add("level " + i + " has " + l.channels() + " channels");
            // Every GroupNorm input width: the level's own, and the concatenations the decoder normalises.
            int up = i + 1 < levels.size() ? levels.get(i + 1).channels() : l.channels();
            for (int c : new int[] {l.channels(), l.channels() + up}) {
                if (groups >= 1 && (c % groups != 0 || c / groups < 2)) {
                    errors.add("groups = " + groups + " must divide the " + c + " channels of level " + i + " with at least two channels per group");
                    break;
                }
            }
            if (l.hasAttention()) {
                if (heads * headDim != l.channels()) errors.add("heads * headDim = " + heads + " * " + headDim + " = " + heads * headDim + " but level " + i + " has attention on " + l.channels() + " channels");
                if (l.temporalAttention() && l.channels() % 2 != 0) errors.add("temporal attention needs an even channel count for its frame position embedding, level " + i + " has " + l.channels());
            }
        }
        if (text != null && levels.stream().noneMatch(Level::spatialAttention)) errors.add("caption conditioning needs at least one level with spatial attention (its cross-attention lives there)");
        if (!errors.isEmpty()) throw new IllegalArgumentException("invalid VideoUNetConfig: " + String.join("; ", errors));
    }

    /** A configuration without caption conditioning ({@code text = null}). */
    public VideoUNetConfig(int frames, int channels, List<Level> levels, int heads, int headDim, int groups,
                           double gnEps, int numClasses, int tDim, int embDim) {
        this(frames, channels, levels, heads, headDim, groups, gnEps, numClasses, tDim, embDim, null);
    }

    /**
     * The two-level network of docs/ORACLE.md §5.20 with its attrs: level 0 ({@code ch0} channels) without attention,
     * level 1 ({@code ch1} channels) with spatial and temporal attention.
     */
    public static VideoUNetConfig twoLevel(int frames, int channels, int ch0, int ch1, int heads, int headDim, int groups,
                                           double gnEps, int numClasses, int tDim, int embDim) {
        return new VideoUNetConfig(frames, channels, List.of(new Level(ch0, false, false), new Level(ch1, true, true)),
            heads, headDim, groups, gnEps, numClasses, tDim, embDim);
    }

    /** The benchmark model {@code tiny_video_unet} v1: F=8, C=4, channels 64/128, 4 heads of 32, 32 groups, 10 classes. */
    public static VideoUNetConfig benchmark() {
        return twoLevel(8, 4, 64, 128, 4, 32, 32, 1e-5, 10, 64, 256);
    }

    /** Level 0's channels ({@code ch0} of docs/ORACLE.md). */
    public int ch0() {
        return levels.get(0).channels();
    }

    /** The deepest level's channels ({@code ch1} of docs/ORACLE.md for two levels). */
    public int ch1() {
        return levels.get(levels.size() - 1).channels();
    }

    /** Whether labels are read: {@code numClasses > 0}. */
    public boolean classConditional() {
        return numClasses > 0;
    }

    /** How much H and W shrink at the deepest level: {@code 2^(levels-1)}; H and W must be multiples of it. */
    public int downsampleFactor() {
        return 1 << (levels.size() - 1);
    }

    /** Whether captions are read: {@code text != null}. */
    public boolean captionConditional() {
        return text != null;
    }

    public VideoUNetConfig withFrames(int f) {
        return new VideoUNetConfig(f, channels, levels, heads, headDim, groups, gnEps, numClasses, tDim, embDim, text);
    }

    public VideoUNetConfig withNumClasses(int n) {
        return new VideoUNetConfig(frames, channels, levels, heads, headDim, groups, gnEps, n, tDim, embDim, text);
    }

    /** The same network conditioned on captions encoded by {@code t} (null: no caption conditioning). */
    public VideoUNetConfig withText(TextEncoderConfig t) {
        return new VideoUNetConfig(frames, channels, levels, heads, headDim, groups, gnEps, numClasses, tDim, embDim, t);
    }

    /**
     * One line for error messages: {@code F=8 C=4 levels=[64, 128(s,t)] heads=4x32 groups=32 classes=10}, followed by
     * the text encoder ({@code text=V120 L16 D64 2x4}) when captions condition the model.
     */
    public String describe() {
        StringBuilder b = new StringBuilder("F=" + frames + " C=" + channels + " levels=[");
        for (int i = 0; i < levels.size(); i++) {
            Level l = levels.get(i);
            if (i > 0) b.append(", ");
            b.append(l.channels());
            if (l.hasAttention()) b.append('(').append(l.spatialAttention() ? "s" : "").append(l.spatialAttention() && l.temporalAttention() ? "," : "").append(l.temporalAttention() ? "t" : "").append(')');
        }
        return b.append("] heads=").append(heads).append('x').append(headDim).append(" groups=").append(groups).append(" classes=").append(numClasses)
            .append(text == null ? "" : " " + text.describe()).toString();
    }
}
