package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ObjectPresence} on the demo's own data, whose objects the generator knows (present in every frame, of the
 * clip's class shape and colour), on the same clips with the object painted out of some frames (known absent), asked
 * for another class's object (absent: the colour is not there), and on hand-made frames with a speck and a wash of the
 * right colour (no plausible object).
 */
class ObjectPresenceTest {
    static final int N = 60;

    static List<Tensor> real(DataSpec d, VideoDataset data) {
        return data.videos(DataSpec.HELD_OUT_B, N);
    }

    /** {@code video} with frames {@code from .. F-1} replaced by their border-ring median colour: the object painted out. */
    static Tensor paintedOut(Tensor video, int from) {
        int frames = video.shape(0), h = video.shape(2), w = video.shape(3), plane = h * w;
        double[] x = video.toDoubleArray();
        for (int f = from; f < frames; f++) {
            double[] one = new double[3 * plane];
            System.arraycopy(x, f * 3 * plane, one, 0, one.length);
            double[] bg = BackgroundStats.of(one, 1, h, w).color();
            for (int c = 0; c < 3; c++) for (int i = 0; i < plane; i++) x[(f * 3 + c) * plane + i] = 2 * bg[c] - 1;
        }
        return Tensor.of(x, video.shape());
    }

    @Test
    void theDataShowsItsObjectInEveryFrameWithItsShape() {
        DataSpec d = DemoConfig.full().run().data();
        VideoDataset data = d.open();
        List<ObjectPresence.Asked> asked = ObjectPresence.ofData(data, DataSpec.HELD_OUT_B, N);
        ObjectPresence.Summary s = ObjectPresence.of(real(d, data), asked);
        System.out.println("ObjectPresence, " + N + " real clips: " + s.describe());
        for (ObjectPresence.Row r : s.perObject()) System.out.println("  " + r.what() + ": " + r.describe());
        assertEquals(N, s.all().clips());
        assertEquals(N * d.frames(), s.all().frames());
        assertEquals(s.all().frames(), s.all().present(), s.describe());
        assertEquals(N, s.all().everyFrame());
        assertEquals(0, s.all().noFrame());
        assertEquals(5, s.perObject().size());
        // The shape reading is a template match at 16x16: most, not all, frames read right (the measure's ceiling).
        assertTrue(s.all().shapeAccuracy() >= 0.8, s.describe());
        // The demo's data: class c is shape c in its class colour, so the class labels ask for the same objects.
        List<Long> labels = new ArrayList<>();
        for (long i = 0; i < N; i++) labels.add((long) data.clip(DataSpec.HELD_OUT_B + i).label());
        assertEquals(asked, ObjectPresence.ofClasses(labels.stream().mapToLong(Long::longValue).toArray()));
    }

    @Test
    void objectsPaintedOutOfFramesAreCountedAbsent() {
        DataSpec d = DemoConfig.full().run().data();
        VideoDataset data = d.open();
        List<Tensor> videos = real(d, data).subList(0, 10);
        List<ObjectPresence.Asked> asked = ObjectPresence.ofData(data, DataSpec.HELD_OUT_B, 10);
        List<Tensor> cut = new ArrayList<>();
        // Clip i keeps its object in frames 0 .. i-1 (clip 0 in none, clips 8 and 9 in all 8).
        for (int i = 0; i < videos.size(); i++) cut.add(paintedOut(videos.get(i), Math.min(i, d.frames())));
        ObjectPresence.Summary s = ObjectPresence.of(cut, asked);
        for (int i = 0; i < cut.size(); i++) assertEquals(Math.min(i, d.frames()), ObjectPresence.of(cut.get(i), asked.get(i)).present(), "clip " + i);
        assertEquals(0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 8, s.all().present());
        assertEquals(2, s.all().everyFrame());
        assertEquals(1, s.all().noFrame());
    }

    @Test
    void anotherClassesObjectIsNotTheAskedFor() {
        DataSpec d = DemoConfig.full().run().data();
        VideoDataset data = d.open();
        List<Tensor> videos = real(d, data);
        List<ObjectPresence.Asked> asked = ObjectPresence.ofData(data, DataSpec.HELD_OUT_B, N);
        for (int i = 0; i < N; i++) {
            ObjectPresence.Asked a = asked.get(i);
            ShapeKind other = ShapeKind.values()[(a.shape().ordinal() + 1) % 5];
            ObjectPresence.Asked wrong = new ObjectPresence.Asked(other, DataSpec.classColor(other));
            assertEquals(0, ObjectPresence.of(videos.get(i), wrong).present(), "clip " + i + " (" + a.name() + ") asked for " + wrong.name());
        }
    }

    /** One frame {@code [1, 3, 16, 16]} on a flat grey-blue background with the pixels of {@code blue} painted blue. */
    static Tensor frame(boolean[] blue) {
        double[] bg = {0.2, 0.25, 0.3};
        double[] x = new double[3 * 256];
        for (int c = 0; c < 3; c++) for (int i = 0; i < 256; i++) x[c * 256 + i] = 2 * (blue[i] ? ShapeColor.BLUE.channel(c) : bg[c]) - 1;
        return Tensor.of(x, 1, 3, 16, 16);
    }

    @Test
    void aSpeckOrAWashOfTheColourIsNoObject() {
        ObjectPresence.Asked triangle = new ObjectPresence.Asked(ShapeKind.TRIANGLE, ShapeColor.BLUE);
        boolean[] speck = new boolean[256];
        speck[5 * 16 + 5] = speck[5 * 16 + 6] = speck[6 * 16 + 5] = true;   // 3 pixels: below 0.0166 * 256 = 4.3
        assertEquals(0, ObjectPresence.of(frame(speck), triangle).present());
        boolean[] wash = new boolean[256];
        for (int i = 0; i < 256; i++) wash[i] = i / 16 >= 2 && i / 16 < 9 && i % 16 >= 1 && i % 16 < 15;   // 7 x 14 = 98 pixels: above 0.357 * 256 = 91.4
        assertEquals(0, ObjectPresence.of(frame(wash), triangle).present());
        // Two specks of 3 pixels apart do not add up: the largest 8-connected piece counts.
        boolean[] two = speck.clone();
        two[10 * 16 + 10] = two[10 * 16 + 11] = two[11 * 16 + 10] = true;
        assertEquals(0, ObjectPresence.of(frame(two), triangle).present());
        // A 3 x 3 block (9 pixels) is an object, and reads as a square, not a triangle.
        boolean[] block = new boolean[256];
        for (int y = 6; y < 9; y++) for (int xx = 6; xx < 9; xx++) block[y * 16 + xx] = true;
        ObjectPresence.Clip c = ObjectPresence.of(frame(block), triangle);
        assertEquals(1, c.present());
        assertEquals(0, c.shapeRight());
        assertEquals(ShapeKind.SQUARE, ObjectPresence.readFrame(frame(block).toDoubleArray(), 0, 16, 16, ShapeColor.BLUE));
    }

    @Test
    void largestComponentIsEightConnected() {
        // 3 x 3 grid: a diagonal of three is one component (8-connectivity); two corners apart are two, the first one wins.
        boolean[] diag = {true, false, false, false, true, false, false, false, true};
        assertEquals(3, count(ObjectPresence.largestComponent(diag, 3, 3)));
        boolean[] corners = {true, false, true, false, false, false, false, false, false};
        boolean[] c = ObjectPresence.largestComponent(corners, 3, 3);
        assertTrue(c[0]);
        assertEquals(1, count(c));
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) if (v) n++;
        return n;
    }

    @Test
    void badInputIsOneClearLine() {
        ObjectPresence.Asked a = new ObjectPresence.Asked(ShapeKind.SQUARE, ShapeColor.RED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectPresence.of(Tensor.of(new double[48], 1, 4, 3, 4), a));
        assertTrue(e.getMessage().contains("[1, 4, 3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ObjectPresence.of(List.of(Tensor.of(new double[48], 1, 3, 4, 4)), List.of()));
        assertTrue(e.getMessage().contains("1 clips but 0"), e.getMessage());
    }
}
