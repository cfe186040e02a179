package dev.vdiff.diffusion.text;

import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptionTokenizerTest {
    private static final CaptionTokenizer TOK = CaptionTokenizer.build(List.of("a red square", "a blue disc"), 6);

    @Test
    void vocabularyIsTheSortedWordsAfterTheSpecialTokens() {
        assertEquals(List.of("<pad>", "<unk>", "<start>", "a", "blue", "disc", "red", "square"), TOK.words());
        assertEquals(8, TOK.vocabSize());
        // The same captions in another order, case and punctuation give the same ids.
        assertEquals(TOK, CaptionTokenizer.build(List.of("A  Blue-disc.", "a RED square", "red"), 6));
    }

    @Test
    void encodesStartWordsPaddingUnknownAndTruncation() {
        assertArrayEquals(new long[] {2, 3, 6, 6, 5, 0}, TOK.encode("A red, red disc!"));
        assertArrayEquals(new long[] {2, 3, 1, 7, 0, 0}, TOK.encode("a green square"));
        assertEquals(List.of("green"), TOK.unknownWords("a green square"));
        assertArrayEquals(new long[] {2, 0, 0, 0, 0, 0}, TOK.encode(""));
        assertArrayEquals(new long[] {2, 0, 0, 0, 0, 0}, TOK.encode(" ,;! "));
        // 6 ids = start + 5 words: the sixth word is dropped, and the tokenizer says so.
        assertArrayEquals(new long[] {2, 3, 6, 7, 3, 4}, TOK.encode("a red square a blue disc"));
        assertTrue(TOK.truncates("a red square a blue disc"));
        assertFalse(TOK.truncates("a red square a blue"));
        assertEquals(List.of("über", "3d", "x"), CaptionTokenizer.words("Über_3D x"));
    }

    @Test
    void nullTokensAreTheEmptyCaptionAndTheMaskHidesPadding() {
        Tensor batch = TOK.encodeBatch(List.of("red disc", ""));
        assertArrayEquals(new int[] {2, 6}, batch.shape());
        assertArrayEquals(new long[] {2, 6, 5, 0, 0, 0, 2, 0, 0, 0, 0, 0}, batch.longs());
        assertArrayEquals(TOK.encodeBatch(List.of("", "")).longs(), CaptionTokenizer.nullTokens(2, 6).longs());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0}, CaptionTokenizer.paddingMask(batch).longs());
    }

    @Test
    void roundTripsThroughItsFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("vocab.txt");
        TOK.write(f);
        assertEquals("maxLength 6\n<pad>\n<unk>\n<start>\na\nblue\ndisc\nred\nsquare\n", Files.readString(f));
        assertEquals(TOK, CaptionTokenizer.read(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file is left behind");
        }
    }

    @Test
    void rejectsDamagedVocabularies() {
        List<String> good = TOK.toLines();
        assertEquals(TOK, CaptionTokenizer.fromLines(good, "v.txt"));
        List<String> unsorted = new ArrayList<>(good);
        unsorted.set(5, "zebra");
        var e = assertThrows(IllegalArgumentException.class, () -> CaptionTokenizer.fromLines(unsorted, "v.txt"));
        assertTrue(e.getMessage().startsWith("v.txt: line 7 'disc' is not after 'zebra'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CaptionTokenizer.fromLines(List.of("maxLength x"), "v.txt"));
        assertTrue(e.getMessage().contains("integer L"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CaptionTokenizer.fromLines(List.of("maxLength 4", "<pad>", "<start>", "<unk>"), "v.txt"));
        assertTrue(e.getMessage().contains("lines 2-4"), e.getMessage());
        List<String> twoWords = new ArrayList<>(good);
        twoWords.add("two words");
        e = assertThrows(IllegalArgumentException.class, () -> CaptionTokenizer.fromLines(twoWords, "v.txt"));
        assertTrue(e.getMessage().contains("not one lower-case word"), e.getMessage());
    }
}
