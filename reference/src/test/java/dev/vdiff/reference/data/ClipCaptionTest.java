package dev.vdiff.reference.data;

import dev.vdiff.diffusion.text.CaptionTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link ClipSpec#caption()}: the caption the synthetic generator writes from its own attributes, the text condition
 * of a caption-conditioned model trained on synthetic clips.
 */
class ClipCaptionTest {
    private static ClipSpec spec(ShapeKind k, ShapeColor c, BackgroundKind b, double speed, Direction d) {
        return ClipSpec.clean(k, c, b, speed, d, 7);
    }

    @Test
    void writesShapeColourMotionAndBackground() {
        assertEquals("a red square moving left on a noisy texture", spec(ShapeKind.SQUARE, ShapeColor.RED, BackgroundKind.VALUE_NOISE, 1.5, Direction.LEFT).caption());
        assertEquals("a blue circle moving quickly up-right on stripes", spec(ShapeKind.CIRCLE, ShapeColor.BLUE, BackgroundKind.STRIPES, 3, Direction.UP_RIGHT).caption());
        assertEquals("a white ring moving slowly down on a gradient", spec(ShapeKind.RING, ShapeColor.WHITE, BackgroundKind.GRADIENT, 0.5, Direction.DOWN).caption());
        assertEquals("a green cross standing still on a plain background", spec(ShapeKind.CROSS, ShapeColor.GREEN, BackgroundKind.FLAT, 0, Direction.UP).caption());
        // The speed words' boundaries: [0, 1) slowly, [1, 2.5) plain, from 2.5 quickly.
        assertEquals("a yellow triangle moving down-left on stripes", spec(ShapeKind.TRIANGLE, ShapeColor.YELLOW, BackgroundKind.STRIPES, 1.0, Direction.DOWN_LEFT).caption());
        assertEquals("a yellow triangle moving quickly down-left on stripes", spec(ShapeKind.TRIANGLE, ShapeColor.YELLOW, BackgroundKind.STRIPES, 2.5, Direction.DOWN_LEFT).caption());
        // Quality is not content: shuffling and degradations leave the caption as it is.
        ClipSpec s = spec(ShapeKind.SQUARE, ShapeColor.CYAN, BackgroundKind.FLAT, 2, Direction.RIGHT);
        assertEquals(s.caption(), s.withShuffled(true).withDegradations(1.5, 0.1, 2, 2).caption());
        assertEquals("a cyan square standing still on a plain background", s.withStatic().caption());
    }

    @Test
    void everySyntheticCaptionFitsASmallVocabularyAndNamesItsAttributes() {
        List<String> captions = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        int combos = 0;
        for (ShapeKind k : ShapeKind.values()) {
            for (ShapeColor c : ShapeColor.values()) {
                for (BackgroundKind b : BackgroundKind.values()) {
                    for (Direction d : Direction.values()) {
                        for (double speed : new double[] {0.5, 1.5, 3}) {
                            String cap = spec(k, c, b, speed, d).caption();
                            captions.add(cap);
                            distinct.add(cap);
                            combos++;
                        }
                    }
                    captions.add(spec(k, c, b, 0, Direction.RIGHT).caption());
                    distinct.add(captions.get(captions.size() - 1));
                    combos++;
                }
            }
        }
        // No two attribute combinations share a caption: the caption determines shape, colour, background, direction and speed class.
        assertEquals(combos, distinct.size());
        // a, 7 colours, 5 shapes, standing still moving slowly quickly, up down left right, on, plain background gradient stripes noisy texture.
        CaptionTokenizer tok = CaptionTokenizer.build(captions, 12);
        assertEquals(3 + 1 + 7 + 5 + 5 + 4 + 1 + 6, tok.vocabSize(), String.valueOf(tok.words()));
        // The longest ("a magenta triangle moving quickly down-right on a plain background") has 11 words: 12 ids with the start token.
        for (String cap : captions) assertFalse(tok.truncates(cap), cap);
        assertEquals(11, captions.stream().mapToInt(x -> CaptionTokenizer.words(x).size()).max().getAsInt());
    }
}
