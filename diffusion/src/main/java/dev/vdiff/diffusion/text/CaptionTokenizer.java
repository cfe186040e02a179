package dev.vdiff.diffusion.text;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.AtomicWrite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A deterministic word-level tokenizer over the vocabulary of a set of captions: the stand-in for
 * VideoCrafter2's OpenCLIP BPE tokenizer (SPEC §1.7: 77 tokens, a 49,408-entry vocabulary) that a model trained
 * from scratch on a few thousand captions can learn. [RECONSTRUCTED] choice, documented in {@code package-info}.
 *
 * <pre>
 * words(caption)  = lower-case the caption (Locale.ROOT), split at every character that is not a letter or digit
 * encode(caption) = [START, id(w_1), .., id(w_k), PAD, .., PAD]   exactly maxLength ids; words past maxLength-1 dropped
 * id(w)           = its row in the vocabulary, UNK if the word was not in the captions the vocabulary was built from
 * </pre>
 *
 * Ids 0, 1, 2 are {@link #PAD}, {@link #UNK}, {@link #START}; words follow in sorted (String) order, so the same set
 * of captions gives the same ids whatever their order. The empty caption encodes as {@code [START, PAD, ..]}: the
 * null condition of classifier-free guidance (SPEC §1.4: "the unconditional prompt is the empty string"), whose
 * ids depend on no vocabulary. START is always present (like CLIP's start-of-text token), so no caption is an empty
 * key set for the cross-attention, and the null caption has a learned encoding.
 *
 * <pre>{@code
 * CaptionTokenizer tok = CaptionTokenizer.build(List.of("a red square", "a blue disc"), 6);
 * tok.words();                       // [<pad>, <unk>, <start>, a, blue, disc, red, square]
 * tok.encode("A red, red disc!");    // [2, 3, 6, 6, 5, 0]
 * tok.encode("a green square");      // [2, 3, 1, 7, 0, 0]     green is unknown
 * tok.encode("");                    // [2, 0, 0, 0, 0, 0]     the null caption
 * }</pre>
 *
 * The vocabulary is part of a trained model (the token embedding rows follow it): save it with the run or the
 * checkpoint ({@link #write}, {@link #toLines}) and read it back with {@link #read}/{@link #fromLines}.
 */
public final class CaptionTokenizer {
    public static final int PAD = 0, UNK = 1, START = 2;
    static final String PAD_WORD = "<pad>", UNK_WORD = "<unk>", START_WORD = "<start>";

    private final List<String> words;            // row i = the word with id i; rows 0..2 the special tokens
    private final Map<String, Integer> ids;
    private final int maxLength;

    private CaptionTokenizer(List<String> words, int maxLength) {
        if (maxLength < 1) throw new IllegalArgumentException("CaptionTokenizer: maxLength must be >= 1 (the start token), got " + maxLength);
        this.words = List.copyOf(words);
        this.maxLength = maxLength;
        this.ids = new HashMap<>();
        for (int i = 0; i < this.words.size(); i++) ids.put(this.words.get(i), i);
    }

    /** The vocabulary of {@code captions}: every word that occurs, sorted; captions are encoded to {@code maxLength} ids. */
    public static CaptionTokenizer build(Collection<String> captions, int maxLength) {
        TreeSet<String> all = new TreeSet<>();
        for (String c : captions) all.addAll(words(c));
        List<String> w = new ArrayList<>(List.of(PAD_WORD, UNK_WORD, START_WORD));
        w.addAll(all);
        return new CaptionTokenizer(w, maxLength);
    }

    /** The words of a caption: lower case, split at every character that is not a letter or a digit. */
    public static List<String> words(String caption) {
        List<String> out = new ArrayList<>();
        if (caption == null) return out;
        StringBuilder cur = new StringBuilder();
        String s = caption.toLowerCase(Locale.ROOT);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                cur.appendCodePoint(cp);
            } else if (cur.length() > 0) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            i += Character.charCount(cp);
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /** Vocabulary size V, the special tokens included: the rows of the token embedding. */
    public int vocabSize() {
        return words.size();
    }

    /** L: ids per encoded caption, the start token included. */
    public int maxLength() {
        return maxLength;
    }

    /** The vocabulary, id order. */
    public List<String> words() {
        return words;
    }

    /** The {@link #maxLength()} ids of one caption (see the class comment). */
    public long[] encode(String caption) {
        long[] out = new long[maxLength];   // PAD = 0
        out[0] = START;
        List<String> w = words(caption);
        for (int i = 0; i < w.size() && i + 1 < maxLength; i++) out[i + 1] = ids.getOrDefault(w.get(i), UNK);
        return out;
    }

    /** Whether {@code caption} has more words than fit ({@code maxLength - 1}): the rest would be dropped. */
    public boolean truncates(String caption) {
        return words(caption).size() > maxLength - 1;
    }

    /** The words of {@code caption} that are not in the vocabulary (they encode as UNK), in caption order. */
    public List<String> unknownWords(String caption) {
        List<String> out = new ArrayList<>();
        for (String w : words(caption)) if (!ids.containsKey(w)) out.add(w);
        return out;
    }

    /** int64 {@code [B, L]}: row b = {@code encode(captions.get(b))}. */
    public Tensor encodeBatch(List<String> captions) {
        int b = captions.size();
        long[] out = new long[b * maxLength];
        for (int i = 0; i < b; i++) System.arraycopy(encode(captions.get(i)), 0, out, i * maxLength, maxLength);
        return Tensor.ofLongs(out, b, maxLength);
    }

    /** int64 {@code [B, L]}: the empty caption in every row, the null condition of classifier-free guidance. */
    public static Tensor nullTokens(int batch, int maxLength) {
        long[] out = new long[batch * maxLength];
        for (int i = 0; i < batch; i++) out[i * maxLength] = START;
        return Tensor.ofLongs(out, batch, maxLength);
    }

    /** int64 {@code [B, L]} with 1 where {@code tokens} is not {@link #PAD}: the keys a query may attend to. */
    public static Tensor paddingMask(Tensor tokens) {
        long[] t = tokens.contiguous().longs(), m = new long[t.length];
        for (int i = 0; i < t.length; i++) m[i] = t[i] == PAD ? 0 : 1;
        return Tensor.ofLongs(m, tokens.shape());
    }

    /** The file form: line 1 {@code maxLength <L>}, then one word per line in id order (the special tokens first). */
    public List<String> toLines() {
        List<String> out = new ArrayList<>(words.size() + 1);
        out.add("maxLength " + maxLength);
        out.addAll(words);
        return out;
    }

    /** Reads {@link #toLines()}; {@code source} names the file in the error messages. */
    public static CaptionTokenizer fromLines(List<String> lines, String source) {
        if (lines.isEmpty() || !lines.get(0).startsWith("maxLength ")) {
            throw new IllegalArgumentException(source + ": not a caption vocabulary (line 1 must be 'maxLength <L>')");
        }
        int len;
        try {
            len = Integer.parseInt(lines.get(0).substring("maxLength ".length()).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": line 1 '" + lines.get(0) + "' must be 'maxLength <L>' with an integer L");
        }
        if (len < 1) throw new IllegalArgumentException(source + ": maxLength must be >= 1, got " + len);
        List<String> w = lines.subList(1, lines.size());
        if (w.size() < 3 || !w.get(PAD).equals(PAD_WORD) || !w.get(UNK).equals(UNK_WORD) || !w.get(START).equals(START_WORD)) {
            throw new IllegalArgumentException(source + ": lines 2-4 must be " + PAD_WORD + ", " + UNK_WORD + ", " + START_WORD);
        }
        for (int i = 3; i < w.size(); i++) {
            String x = w.get(i);
            if (!List.of(x).equals(words(x))) throw new IllegalArgumentException(source + ": line " + (i + 2) + " '" + x + "' is not one lower-case word of letters and digits");
            if (i > 3 && w.get(i - 1).compareTo(x) >= 0) throw new IllegalArgumentException(source + ": line " + (i + 2) + " '" + x + "' is not after '" + w.get(i - 1) + "' (the words must be sorted and distinct)");
        }
        return new CaptionTokenizer(w, len);
    }

    /** Writes {@link #toLines()} to {@code file} atomically ({@link AtomicWrite}: a temporary file, then a move). */
    public void write(Path file) throws IOException {
        AtomicWrite.writeFile(file, tmp -> Files.write(tmp, toLines(), StandardCharsets.UTF_8));
    }

    /** Reads a file written by {@link #write}. */
    public static CaptionTokenizer read(Path file) throws IOException {
        return fromLines(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaptionTokenizer c && c.maxLength == maxLength && c.words.equals(words);
    }

    @Override
    public int hashCode() {
        return words.hashCode() * 31 + maxLength;
    }

    @Override
    public String toString() {
        return "CaptionTokenizer(" + words.size() + " words, maxLength " + maxLength + ")";
    }
}
