package dev.vdiff.reference.train;

import dev.vdiff.reference.data.BackgroundKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code DataSpec.synthetic(F, H, W)} and its with-ers (issue 9: configs with named fields): each sets its own field and nothing else. */
class DataSpecNamedFieldsTest {
    @Test
    void synthesisedSpecStartsAtTheGeneratorDefaultsAndEachWitherSetsOneField() {
        DataSpec d = DataSpec.synthetic(4, 8, 12);
        // The generator's documented defaults (SyntheticConfig.defaults): 5 classes, seed 0, 0.5..2 px/frame, 15% still.
        assertEquals(List.of("synthetic", 4, 8, 12, 5, 0L, 0.5, 2.0, 0.15, List.of(), false, 1),
            List.of(d.source(), d.frames(), d.height(), d.width(), d.classes(), d.seed(), d.minSpeed(), d.maxSpeed(), d.staticProbability(),
                d.backgrounds(), d.colorByClass(), d.stride()));
        DataSpec e = d.withClasses(3).withSeed(9).withSpeeds(0.25, 0.75).withStaticProbability(0.5).withBackgrounds(List.of(BackgroundKind.STRIPES))
            .withColorByClass(true);
        assertEquals(List.of("synthetic", 4, 8, 12, 3, 9L, 0.25, 0.75, 0.5, List.of(BackgroundKind.STRIPES), true, 1),
            List.of(e.source(), e.frames(), e.height(), e.width(), e.classes(), e.seed(), e.minSpeed(), e.maxSpeed(), e.staticProbability(),
                e.backgrounds(), e.colorByClass(), e.stride()));
        // The with-ers go through the same checks as the constructor.
        assertThrows(IllegalArgumentException.class, () -> d.withClasses(7).withColorByClass(true));
    }
}
