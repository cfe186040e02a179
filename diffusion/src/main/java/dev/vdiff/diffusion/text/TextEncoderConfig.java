package dev.vdiff.diffusion.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The sizes of a {@link TextEncoder}, the caption encoder of a caption-conditioned {@code VideoUNet}.
 *
 * <table>
 * <caption>fields ({@link #small} values)</caption>
 * <tr><td>{@code vocabSize}</td><td>V, rows of the token embedding: {@link CaptionTokenizer#vocabSize()}</td></tr>
 * <tr><td>{@code maxLength}</td><td>L, ids per caption (start token included): {@link CaptionTokenizer#maxLength()};
 *     rows of the position table (VideoCrafter2: 77, SPEC §1.7)</td></tr>
 * <tr><td>{@code dim} (64)</td><td>D_text, width of the token features the UNet's cross-attention reads
 *     (VideoCrafter2: 1024, OpenCLIP ViT-H/14)</td></tr>
 * <tr><td>{@code layers} (2)</td><td>pre-norm transformer layers; 0 = no transformer: the caption is one pooled
 *     feature (the mean of its token embeddings), a bag of words</td></tr>
 * <tr><td>{@code heads} (4)</td><td>attention heads per layer; must divide {@code dim}</td></tr>
 * <tr><td>{@code lnEps} (1e-5)</td><td>eps of every LayerNorm</td></tr>
 * </table>
 */
public record TextEncoderConfig(int vocabSize, int maxLength, int dim, int layers, int heads, double lnEps) {

    public TextEncoderConfig {
        List<String> errors = new ArrayList<>();
        if (vocabSize < 3) errors.add("vocabSize must be >= 3 (pad, unknown and start tokens), got " + vocabSize);
        if (maxLength < 1) errors.add("maxLength must be >= 1, got " + maxLength);
        if (dim < 1) errors.add("dim must be >= 1, got " + dim);
        if (layers < 0) errors.add("layers must be >= 0, got " + layers);
        if (heads < 1 || dim % Math.max(1, heads) != 0) errors.add("heads must be >= 1 and divide dim " + dim + ", got " + heads);
        if (!(lnEps > 0)) errors.add("lnEps must be > 0, got " + lnEps);
        if (!errors.isEmpty()) throw new IllegalArgumentException("invalid TextEncoderConfig: " + String.join("; ", errors));
    }

    /** The defaults for a tokenizer: D_text 64, 2 layers of 4 heads. */
    public static TextEncoderConfig small(CaptionTokenizer tokenizer) {
        return new TextEncoderConfig(tokenizer.vocabSize(), tokenizer.maxLength(), 64, 2, 4, 1e-5);
    }

    /** The length of the encoder's output sequence: L, or 1 when the caption is pooled ({@code layers = 0}). */
    public int outputLength() {
        return layers == 0 ? 1 : maxLength;
    }

    public TextEncoderConfig withLayers(int n) {
        return new TextEncoderConfig(vocabSize, maxLength, dim, n, heads, lnEps);
    }

    /** One line: {@code text=V120 L16 D64 2x4}. */
    public String describe() {
        return "text=V" + vocabSize + " L" + maxLength + " D" + dim + " " + layers + "x" + heads;
    }
}
