package dev.vdiff.reference.train;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.Composition;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.VideoDataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DataSpec#heldOut}: a held-out shape x direction pair appears in no clip and no caption, and everything else still does. */
class HeldOutCompositionTest {
    static final DataSpec TOY = DataSpec.synthetic(2, 8, 8).withClasses(5).withSeed(0).withSpeeds(0.4, 0.8).withStaticProbability(0.0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);
    static final List<Composition> OUT = List.of(Composition.parse("circle:left"), Composition.parse("ring:up-right"));

    @Test
    void noTrainingClipShowsAHeldOutPair() {
        int n = 2000;
        assertTrue(count(TOY.open(), OUT, n) > 2 * n / 40 * 0.5, "without exclusion the pairs do appear (about 1/40 of clips each)");
        VideoDataset data = TOY.withHeldOut(OUT).open();
        assertEquals(0, count(data, OUT, n));
        // Every other composition of the two shapes still appears, and every direction with other shapes.
        for (ShapeKind k : List.of(ShapeKind.CIRCLE, ShapeKind.RING)) {
            for (Direction d : Direction.values()) {
                Composition c = new Composition(k, d);
                if (!OUT.contains(c)) assertTrue(count(data, List.of(c), n) > 0, c + " still appears");
            }
        }
        assertTrue(count(data, List.of(Composition.parse("square:left"), Composition.parse("cross:up-right")), n) > 0);
    }

    /** Clips of {@code 0 .. n-1} showing one of {@code pairs}, checked on both the rendered clip's spec and its caption. */
    private static int count(VideoDataset data, List<Composition> pairs, int n) {
        int hits = 0;
        for (long i = 0; i < n; i++) {
            Clip c = data.clip(i);
            String caption = data.caption(i);
            assertEquals(c.caption(), caption);
            boolean bySpec = false, byCaption = false;
            for (Composition p : pairs) {
                bySpec |= p.matches(c.spec());
                byCaption |= caption.matches(".* " + p.shape().noun() + " moving (slowly |quickly )?" + p.direction().word() + " on .*");
            }
            assertEquals(bySpec, byCaption, caption);
            if (bySpec) hits++;
        }
        return hits;
    }

    @Test
    void heldOutPairsRoundTripThroughRunJsonAndBadOnesAreRefused() {
        DataSpec d = TOY.withHeldOut(OUT);
        assertEquals(d, DataSpec.fromJson(viaText(d.toJson())));
        assertEquals(List.of("circle:left", "ring:up-right"), d.toJson().get("held_out"));
        assertTrue(!TOY.toJson().containsKey("held_out"), "no key when nothing is held out (older run files read the same)");
        List<Composition> all = new ArrayList<>();
        for (Direction dir : Direction.values()) all.add(new Composition(ShapeKind.SQUARE, dir));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TOY.withHeldOut(all));
        assertTrue(e.getMessage().contains("every direction of the square"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Composition.parse("circle-left"));
        assertTrue(e.getMessage().contains("shape:direction"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Composition.parse("blob:left"));
        assertTrue(e.getMessage().contains("unknown shape 'blob'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DataSpec.folder(java.nio.file.Path.of("v"), 2, 8, 8, 0, 1).withHeldOut(OUT));
        assertTrue(e.getMessage().contains("synthetic"), e.getMessage());
        assertEquals(TOY, DataSpec.fromJson(viaText(TOY.toJson())));
    }

    /** The map as run.json holds it: written and parsed back. */
    private static Map<String, Object> viaText(Map<String, Object> m) {
        return dev.vdiff.tensor.io.Json.parseObject(dev.vdiff.tensor.io.Json.write(m).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
