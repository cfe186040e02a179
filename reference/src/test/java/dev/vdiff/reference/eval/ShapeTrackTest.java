package dev.vdiff.reference.eval;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ShapeTrack} on real clips whose colour and direction are known (the caption demo's data: 16x16, 8 frames,
 * plain backgrounds, one colour per class, 0.6-1.2 pixels per frame): it must recognise them far above chance
 * (1/5 for the class colour, 1/8 for the direction), and reversing a clip's frames must reverse its direction.
 */
class ShapeTrackTest {
    static final DataSpec DEMO = DataSpec.synthetic(8, 16, 16).withClasses(5).withSeed(0).withSpeeds(0.6, 1.2).withStaticProbability(0.0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);

    @Test
    void readsTheClassColourAndDirectionOfRealClips() {
        VideoDataset data = DEMO.open();
        List<ShapeColor> colors = new ArrayList<>();
        for (ShapeKind k : ShapeKind.values()) colors.add(DataSpec.classColor(k));
        int n = 0, colorRight = 0, dirRight = 0;
        for (long i = 0; i < 200; i++) {
            Clip c = data.clip(DataSpec.HELD_OUT_A + i);
            ClipSpec s = c.spec();
            ShapeTrack.Reading r = ShapeTrack.of(c.video());
            n++;
            if (r.nearest(colors) == s.color()) colorRight++;
            if (r.direction() == s.direction()) dirRight++;
        }
        assertTrue(colorRight >= 0.9 * n, "class colour right for " + colorRight + " of " + n + " (chance 1/5)");
        assertTrue(dirRight >= 0.9 * n, "direction right for " + dirRight + " of " + n + " (chance 1/8)");
    }

    @Test
    void reversedFramesMoveTheOtherWayAndAStillClipHasNoDirection() {
        ClipSpec right = ClipSpec.clean(ShapeKind.CIRCLE, ShapeColor.GREEN, BackgroundKind.FLAT, 1.0, Direction.RIGHT, 7);
        Tensor v = dev.vdiff.reference.data.ClipRenderer.render(right, 8, 16, 16);   // [F, 3, H, W]
        ShapeTrack.Reading fwd = ShapeTrack.of(v);
        assertEquals(Direction.RIGHT, fwd.direction());
        assertEquals(1.0, fwd.vx(), 0.15);   // the centroid moves about one pixel per frame
        assertEquals(0.0, fwd.vy(), 0.15);
        float[] a = v.floats(), rev = new float[a.length];
        int frame = 3 * 16 * 16;
        for (int f = 0; f < 8; f++) System.arraycopy(a, f * frame, rev, (7 - f) * frame, frame);
        assertEquals(Direction.LEFT, ShapeTrack.of(Tensor.of(rev, 8, 3, 16, 16)).direction());
        assertNull(ShapeTrack.of(dev.vdiff.reference.data.ClipRenderer.render(right.withStatic(), 8, 16, 16)).direction());
        assertEquals(ShapeColor.GREEN, fwd.nearest(List.of(ShapeColor.RED, ShapeColor.GREEN, ShapeColor.BLUE)));
    }
}
