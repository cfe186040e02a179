package dev.vdiff.reference.train;

import dev.vdiff.diffusion.text.CaptionTokenizer;
import dev.vdiff.diffusion.text.TextEncoderConfig;
import dev.vdiff.reference.data.VideoDataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caption conditioning of a run (section {@value #SECTION} of {@code run.json}): the vocabulary of the training
 * captions (the rows of the token embedding, so it belongs to the trained model) and the sizes of the text encoder.
 * A run with this section trains a {@code VideoUNet} with a {@code TextEncoder} and cross-attention (SPEC §1.7); its
 * condition is the caption's token ids instead of a class label, and the empty caption is the null condition of
 * classifier-free guidance (SPEC §1.4), substituted with the run's conditioning dropout.
 *
 * <pre>
 * "captions": {"max_length": 12, "dim": 64, "layers": 2, "heads": 4,
 *              "vocabulary": ["&lt;pad&gt;", "&lt;unk&gt;", "&lt;start&gt;", "a", "blue", ...]}
 * </pre>
 *
 * @param tokenizer the word-level tokenizer over the training captions
 * @param text      the text encoder's sizes (its vocabulary and length are the tokenizer's)
 */
public record CaptionSpec(CaptionTokenizer tokenizer, TextEncoderConfig text) {
    public static final String SECTION = "captions";
    /** The longest caption the tokenizer keeps, in ids (start token included). */
    public static final int MAX_LENGTH_CAP = 32;

    public CaptionSpec {
        if (text.vocabSize() != tokenizer.vocabSize() || text.maxLength() != tokenizer.maxLength()) {
            throw new IllegalArgumentException("caption spec: the text encoder's vocabulary/length " + text.vocabSize() + "/" + text.maxLength()
                + " differ from the tokenizer's " + tokenizer.vocabSize() + "/" + tokenizer.maxLength());
        }
    }

    /**
     * The vocabulary of the captions of clips {@code 0 .. n-1} (what the run trains on), ids long enough for the
     * longest (at most {@link #MAX_LENGTH_CAP}), and {@link TextEncoderConfig#small}'s encoder.
     */
    public static CaptionSpec fromData(VideoDataset data, long n) {
        List<String> captions = new ArrayList<>();
        int longest = 0;
        for (long i = 0; i < n; i++) {
            String c = data.caption(i);
            captions.add(c);
            longest = Math.max(longest, CaptionTokenizer.words(c).size());
        }
        CaptionTokenizer tok = CaptionTokenizer.build(captions, Math.min(MAX_LENGTH_CAP, longest + 1));
        return new CaptionSpec(tok, TextEncoderConfig.small(tok));
    }

    /** The run's caption conditioning, or null when it has none (class labels or unconditional). */
    public static CaptionSpec of(RunSpec run) {
        return run.readSection(SECTION, CaptionSpec::fromJson, null);
    }

    public static RunSpec into(RunSpec run, CaptionSpec c) {
        return run.withSection(SECTION, c == null ? null : c.toJson());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_length", (long) tokenizer.maxLength());
        m.put("dim", (long) text.dim());
        m.put("layers", (long) text.layers());
        m.put("heads", (long) text.heads());
        m.put("vocabulary", new ArrayList<>(tokenizer.words()));
        return m;
    }

    public static CaptionSpec fromJson(Map<String, Object> m) {
        List<String> lines = new ArrayList<>();
        lines.add("maxLength " + JsonFields.longOf(m, "max_length"));
        for (Object w : JsonFields.listOf(m, "vocabulary")) lines.add(String.valueOf(w));
        CaptionTokenizer tok = CaptionTokenizer.fromLines(lines, "vocabulary");
        TextEncoderConfig t = new TextEncoderConfig(tok.vocabSize(), tok.maxLength(), (int) JsonFields.longOf(m, "dim"),
            (int) JsonFields.longOf(m, "layers"), (int) JsonFields.longOf(m, "heads"), 1e-5);
        return new CaptionSpec(tok, t);
    }

    /** One line: {@code captions: 29 words, 12 ids, text=V32 L12 D64 2x4}. */
    public String describe() {
        return "captions: " + (tokenizer.vocabSize() - 3) + " words, " + tokenizer.maxLength() + " ids, " + text.describe();
    }
}
