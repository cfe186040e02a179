package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Composition;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.eval.ShapeTrack;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether caption-conditioned samples follow their captions: the caption demo asks for "a red square moving left on a
 * plain background" and reads back, with {@link ShapeTrack}, which class colour the sample's shape has (the class: one
 * colour per shape kind) and which of the eight directions it moves in. Chance is 1/5 for the class (five class colours)
 * and 1/8 for the direction. The same reading of real clips (whose class and direction are known) is the measure's
 * ceiling: a sample that follows its caption can score no better than the data does.
 *
 * <p>Two kinds of prompt: <b>seen</b> compositions, for each class a caption per evaluation clip cycling through the
 * shape's trained directions (they are also the clips of the sample-quality metric), and <b>held out</b>: the
 * shape x direction pairs no training clip showed ({@link DataSpec#heldOut}), each asked for several times.
 */
public final class CaptionFollowing {
    private CaptionFollowing() {}

    /** One caption asked for, and what a sample that follows it shows. */
    record Prompt(ShapeKind shape, ShapeColor color, Direction direction, boolean heldOut) {
        /** The caption in the generator's own words ({@link ClipSpec#caption()}), at a speed captioned plainly "moving". */
        String caption() {
            return ClipSpec.clean(shape, color, BackgroundKind.FLAT, 1.5, direction, 0).caption();
        }

        /** A file name: {@code red-square-left}. */
        String fileName() {
            return (color.word() + " " + shape.noun() + " " + direction.word()).replace(' ', '-');
        }
    }

    /** How many of {@code n} readings had the class and the direction asked for. */
    public record Score(String what, boolean heldOut, int n, int classRight, int directionRight) {
        public double classAccuracy() {
            return n == 0 ? Double.NaN : (double) classRight / n;
        }

        public double directionAccuracy() {
            return n == 0 ? Double.NaN : (double) directionRight / n;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompts", what);
            m.put("held_out", heldOut);
            m.put("clips", (long) n);
            m.put("class_accuracy", classAccuracy());
            m.put("direction_accuracy", directionAccuracy());
            return m;
        }
    }

    /** Chance levels: a guess among the class colours, and among the eight directions. */
    static double classChance(DataSpec d) {
        return 1.0 / d.classes();
    }

    static double directionChance() {
        return 1.0 / Direction.values().length;
    }

    /** For each class, {@code perClass} prompts with the shape's trained directions in turn (class-major order). */
    static List<Prompt> seen(DataSpec d, int perClass) {
        List<Prompt> out = new ArrayList<>();
        for (int c = 0; c < d.classes(); c++) {
            ShapeKind shape = ShapeKind.values()[c];
            List<Direction> trained = new ArrayList<>();
            for (Direction dir : Direction.values()) if (!d.heldOut().contains(new Composition(shape, dir))) trained.add(dir);
            for (int i = 0; i < perClass; i++) out.add(new Prompt(shape, DataSpec.classColor(shape), trained.get((c + i) % trained.size()), false));
        }
        return out;
    }

    /** Each held-out composition {@code per} times (composition-major order). */
    static List<Prompt> heldOut(DataSpec d, int per) {
        List<Prompt> out = new ArrayList<>();
        for (Composition c : d.heldOut()) for (int i = 0; i < per; i++) out.add(new Prompt(c.shape(), DataSpec.classColor(c.shape()), c.direction(), true));
        return out;
    }

    static List<String> captions(List<Prompt> prompts) {
        List<String> out = new ArrayList<>();
        for (Prompt p : prompts) out.add(p.caption());
        return out;
    }

    /** Scores {@code videos[i]} against {@code prompts[i]} for {@code i} in {@code [from, to)}; class colours are those of the data's classes. */
    static Score score(String what, boolean heldOut, DataSpec d, List<Prompt> prompts, List<Tensor> videos, int from, int to) {
        int classRight = 0, dirRight = 0;
        List<ShapeColor> colors = classColors(d);
        for (int i = from; i < to; i++) {
            ShapeTrack.Reading r = ShapeTrack.of(videos.get(i));
            if (r.nearest(colors) == prompts.get(i).color()) classRight++;
            if (r.direction() == prompts.get(i).direction()) dirRight++;
        }
        return new Score(what, heldOut, to - from, classRight, dirRight);
    }

    /**
     * The measure's ceiling: {@code n} real moving clips from {@code data} (from index {@code first} on), scored
     * against their own class colour and direction.
     */
    static Score real(DataSpec d, VideoDataset data, long first, int n) {
        List<Prompt> prompts = new ArrayList<>();
        List<Tensor> videos = new ArrayList<>();
        for (long i = first; prompts.size() < n && i < first + 100L * n; i++) {
            Clip c = data.clip(i);
            ClipSpec s = c.spec();
            if (s == null || s.isStatic() || s.speed() == 0) continue;
            prompts.add(new Prompt(s.shape(), s.color(), s.direction(), false));
            videos.add(c.video());
        }
        return score("real held-out clips (the measure's ceiling)", false, d, prompts, videos, 0, prompts.size());
    }

    static List<ShapeColor> classColors(DataSpec d) {
        List<ShapeColor> out = new ArrayList<>();
        for (int c = 0; c < d.classes(); c++) out.add(DataSpec.classColor(ShapeKind.values()[c]));
        return out;
    }

    /** The report's section: pictures per prompt group and the table. */
    static String markdown(DataSpec d, List<Prompt> seen, int perClass, List<Prompt> held, int perHeldOut, int shown, List<Score> rows) {
        StringBuilder s = new StringBuilder("## Do the samples follow their captions?\n\n");
        s.append(String.format(Locale.ROOT, "The model is conditioned on the clips' captions (a text encoder over their %s vocabulary and cross-attention "
            + "from the UNet's spatial transformer blocks, SPEC §1.7), not on class labels. The training clips never show these shape x direction "
            + "compositions: %s (a clip drawn with one moves another way, and its caption says so). Each sample is read back with `ShapeTrack`: its shape's colour, nearest "
            + "of the %d class colours, gives the class (chance %.0f%%); the slope of its centroid over the frames gives the nearest of the 8 directions (chance %.1f%%).%n%n",
            "word", heldOutWords(d), d.classes(), 100 * classChance(d), 100 * directionChance()));
        s.append("| prompts | compositions | clips | class right | direction right |\n|---|---|---:|---:|---:|\n");
        for (Score r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f%% | %.0f%% |%n", r.what(), r.heldOut() ? "**held out**" : "seen", r.n(),
                100 * r.classAccuracy(), 100 * r.directionAccuracy()));
        }
        s.append(String.format(Locale.ROOT, "| chance | | | %.0f%% | %.1f%% |%n%n", 100 * classChance(d), 100 * directionChance()));
        s.append("### Held-out compositions\n\nThe first ").append(shown).append(" of ").append(perHeldOut).append(" samples of each caption the model never saw in training:\n\n");
        for (int i = 0; i < held.size(); i += perHeldOut) {
            Prompt p = held.get(i);
            s.append("**\"").append(p.caption()).append("\"**\n\n");
            s.append("![").append(p.fileName()).append("](samples/held-out-").append(p.fileName()).append(".gif) ");
            s.append("![").append(p.fileName()).append(" frames](samples/held-out-").append(p.fileName()).append(".png)\n\n");
        }
        s.append("### Seen compositions\n\nThe per-class files of the Samples section above show the first ").append(shown).append(" of each class's captions: ");
        for (int c = 0; c < d.classes(); c++) {
            List<String> words = new ArrayList<>();
            for (int i = 0; i < shown; i++) words.add(seen.get(c * perClass + i).direction().word());
            s.append(c == 0 ? "" : "; ").append(d.className(c)).append(" moving ").append(String.join(", ", words));
        }
        s.append(" (top to bottom).\n\n");
        return s.toString();
    }

    private static String heldOutWords(DataSpec d) {
        List<String> out = new ArrayList<>();
        for (Composition c : d.heldOut()) out.add(c.shape().noun() + " moving " + c.direction().word());
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
