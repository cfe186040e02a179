package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.eval.ShapeTrack;
import dev.vdiff.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a clip shows the object it was asked for, frame by frame, and whether that object has the asked-for shape.
 * The distance of {@code SampleQuality} rewards a clip whose object has vanished (its frames change little and evenly:
 * docs/demo/RECIPE.md, third round), so "the blue triangle is gone from frame 2 on" has to be counted on its own.
 * Every demo clip shows one shape of its class's colour on a flat background ({@code ClipRenderer}); this reads it back
 * without a learned model, the same way for generated and real clips, so the real clips' score is the measure's ceiling.
 *
 * <p>Per frame of a clip asked for shape {@code k} in colour {@code c} (RGB in [0, 1], u = (x + 1) / 2):
 * <pre>
 *   b          = per-channel median of the frame's border ring           the background ({@link BackgroundStats})
 *   mask(p)    = |u(p) - b| > {@link #STANDS_OUT}                        the pixel stands out ({@link ShapeTrack#THRESHOLD})
 *                and the nearest {@link ShapeColor} to u(p) is c             it has the asked-for colour, not another
 *                and |u(p) - c| <= {@link #MAX_COLOR_DISTANCE}              and is not merely nearer to c than to the rest
 *   blob       = the largest 8-connected component of mask             (a thin ring's anti-aliased pixels touch at corners)
 *   present    = MIN_AREA s^2 <= |blob| <= MAX_AREA s^2,  s = min(H, W)    a plausible size for one of the data's shapes
 *   shape read = the kind k' and radius r maximising IoU(blob, template(k', r) centred on the blob's centroid)
 * </pre>
 * The data's shapes have radius 0.16 s to 0.24 s and area 1.3 r^2 to 3.1 r^2 ({@code ClipRenderer}, {@link ShapeKind}):
 * 0.033 s^2 to 0.179 s^2 (8 to 46 pixels at 16x16). {@link #MIN_AREA} is half the smallest, {@link #MAX_AREA} twice the
 * largest: a speck of the right colour is not an object, nor is a wash of it over half the frame. A template is the set
 * of pixels at least half inside shape {@code k'} of radius r (4x4 sub-samples per pixel), for r from 0.14 s to 0.26 s
 * in steps of 0.01 s; every kind's centroid is its centre (the triangle is equilateral), so the blob's centroid places
 * it. Ties go to the first kind in {@link ShapeKind}'s order.
 */
public final class ObjectPresence {
    /** RGB distance from the frame's background above which a pixel can belong to the object. */
    static final double STANDS_OUT = ShapeTrack.THRESHOLD;
    /**
     * RGB distance from the asked-for colour within which a pixel counts as that colour; the nearest two shape colours
     * (blue and cyan) are 0.56 apart, so a pixel this close to one is not halfway to another.
     */
    static final double MAX_COLOR_DISTANCE = 0.45;
    /** Plausible object areas, as fractions of {@code min(H, W)^2}: half the data's smallest shape, twice its largest. */
    static final double MIN_AREA = 0.5 * 1.3 * 0.16 * 0.16, MAX_AREA = 2 * 3.1 * 0.24 * 0.24;
    /** Template radii, fractions of {@code min(H, W)}: {@code R_LOW + i R_STEP} for {@code i < R_COUNT}. */
    static final double R_LOW = 0.14, R_STEP = 0.01;
    static final int R_COUNT = 13;
    private static final int SUB = 4;

    private ObjectPresence() {}

    /** What a clip was asked for: one shape in one colour. */
    public record Asked(ShapeKind shape, ShapeColor color) {
        /** "blue triangle". */
        public String name() {
            return color.word() + " " + shape.noun();
        }
    }

    /**
     * One clip's reading.
     *
     * @param frames     frames in the clip
     * @param present    frames that show a blob of the asked-for colour of plausible size
     * @param shapeRight of those, frames whose blob reads as the asked-for shape
     */
    public record Clip(int frames, int present, int shapeRight) {}

    /**
     * Totals over a set of clips.
     *
     * @param what            what the clips are ("blue triangle", "all")
     * @param clips           clips
     * @param frames          frames in them
     * @param present         frames that show the asked-for object
     * @param everyFrame      clips that show it in every frame
     * @param noFrame         clips that show it in no frame
     * @param shapeRight      frames whose object reads as the asked-for shape
     */
    public record Row(String what, int clips, int frames, int present, int everyFrame, int noFrame, int shapeRight) {
        /** Fraction of the frames that show the object. */
        public double presence() {
            return frames == 0 ? Double.NaN : (double) present / frames;
        }

        /** Fraction of the frames that show the object whose object has the asked-for shape (NaN when none shows it). */
        public double shapeAccuracy() {
            return present == 0 ? Double.NaN : (double) shapeRight / present;
        }

        /** One line: "object in 87% of frames (22 of 30 clips in every frame, 2 in none); shape right in 64% of them". */
        public String describe() {
            return String.format(Locale.ROOT, "object in %.0f%% of frames (%d of %d clips in every frame, %d in none); shape right in %.0f%% of them",
                100 * presence(), everyFrame, clips, noFrame, 100 * shapeAccuracy());
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clips", (long) clips);
            m.put("frames", (long) frames);
            m.put("frames_present", (long) present);
            m.put("presence", presence());
            m.put("clips_every_frame", (long) everyFrame);
            m.put("clips_no_frame", (long) noFrame);
            m.put("frames_shape_right", (long) shapeRight);
            m.put("shape_accuracy", shapeAccuracy());
            return m;
        }
    }

    /** All clips, then one row per asked-for object in the order they first appear. */
    public record Summary(Row all, List<Row> perObject) {
        public String describe() {
            return all.describe();
        }

        /** {@code metrics.json}'s object: the totals and one object per asked-for object, keyed by its name. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = all.toJson();
            Map<String, Object> per = new LinkedHashMap<>();
            for (Row r : perObject) per.put(r.what(), r.toJson());
            m.put("per_object", per);
            return m;
        }
    }

    /** The asked-for objects of class labels when each class is one shape in its class colour (the demo's data). */
    public static List<Asked> ofClasses(long[] labels) {
        List<Asked> out = new ArrayList<>();
        for (long y : labels) {
            ShapeKind k = ShapeKind.values()[(int) y];
            out.add(new Asked(k, dev.vdiff.reference.train.DataSpec.classColor(k)));
        }
        return out;
    }

    /** What real clips {@code first .. first + n - 1} of {@code data} show (their generator's spec), for the ceiling row. */
    public static List<Asked> ofData(VideoDataset data, long first, int n) {
        List<Asked> out = new ArrayList<>();
        for (long i = first; i < first + n; i++) {
            ClipSpec s = data.clip(i).spec();
            if (s == null) throw new IllegalArgumentException("ObjectPresence: clip " + i + " is not a synthetic clip (no spec to compare with)");
            out.add(new Asked(s.shape(), s.color()));
        }
        return out;
    }

    /** The reading of every clip, {@code asked.get(i)} for {@code videos.get(i)}, totalled. */
    public static Summary of(List<Tensor> videos, List<Asked> asked) {
        if (videos.size() != asked.size()) throw new IllegalArgumentException("ObjectPresence: " + videos.size() + " clips but " + asked.size() + " asked-for objects");
        if (videos.isEmpty()) throw new IllegalArgumentException("ObjectPresence: no clips");
        Map<Asked, int[]> per = new LinkedHashMap<>();
        int[] all = new int[6];
        for (int i = 0; i < videos.size(); i++) {
            Clip c = of(videos.get(i), asked.get(i));
            add(all, c);
            add(per.computeIfAbsent(asked.get(i), k -> new int[6]), c);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Asked, int[]> e : per.entrySet()) rows.add(row(e.getKey().name(), e.getValue()));
        return new Summary(row("all", all), rows);
    }

    private static void add(int[] t, Clip c) {
        t[0]++;
        t[1] += c.frames();
        t[2] += c.present();
        if (c.present() == c.frames()) t[3]++;
        if (c.present() == 0) t[4]++;
        t[5] += c.shapeRight();
    }

    private static Row row(String what, int[] t) {
        return new Row(what, t[0], t[1], t[2], t[3], t[4], t[5]);
    }

    /** One clip, float32 or float64 {@code [F, 3, H, W]} in [-1, 1]. */
    public static Clip of(Tensor video, Asked asked) {
        if (video.rank() != 4 || video.shape(1) != 3 || video.shape(2) < 2 || video.shape(3) < 2) {
            throw new IllegalArgumentException("ObjectPresence: video must be [F, 3, H, W] with H, W >= 2, got " + Arrays.toString(video.shape()));
        }
        int frames = video.shape(0), h = video.shape(2), w = video.shape(3);
        double[] x = video.toDoubleArray();   // [F, 3, H, W]
        int present = 0, right = 0;
        for (int f = 0; f < frames; f++) {
            ShapeKind k = readFrame(x, f, h, w, asked.color());
            if (k != null) {
                present++;
                if (k == asked.shape()) right++;
            }
        }
        return new Clip(frames, present, right);
    }

    /** Frame {@code f}'s object of colour {@code c}: the kind its blob reads as, or null when no blob of plausible size shows. */
    static ShapeKind readFrame(double[] x, int f, int h, int w, ShapeColor c) {
        int plane = h * w;
        double[] one = new double[3 * plane];
        System.arraycopy(x, f * 3 * plane, one, 0, one.length);
        double[] bg = BackgroundStats.of(one, 1, h, w).color();
        boolean[] mask = new boolean[plane];
        double[] u = new double[3];
        for (int i = 0; i < plane; i++) {
            for (int ch = 0; ch < 3; ch++) u[ch] = Math.min(1, Math.max(0, 0.5 * (one[ch * plane + i] + 1)));
            mask[i] = dist(u, bg) > STANDS_OUT && nearest(u) == c && dist(u, c) <= MAX_COLOR_DISTANCE;
        }
        boolean[] blob = largestComponent(mask, h, w);
        int area = 0;
        double cx = 0, cy = 0;
        for (int i = 0; i < plane; i++) {
            if (!blob[i]) continue;
            area++;
            cx += i % w + 0.5;   // pixel (x, y) covers [x, x + 1) x [y, y + 1): its centre is (x + 0.5, y + 0.5)
            cy += i / w + 0.5;
        }
        double s = Math.min(h, w);
        if (area == 0 || area < MIN_AREA * s * s || area > MAX_AREA * s * s) return null;
        return bestKind(blob, area, cx / area, cy / area, h, w);
    }

    /** The kind whose template (over the radii of the class comment) overlaps the blob best (intersection over union). */
    static ShapeKind bestKind(boolean[] blob, int area, double cx, double cy, int h, int w) {
        ShapeKind best = null;
        double bestIou = -1;
        double s = Math.min(h, w);
        for (ShapeKind k : ShapeKind.values()) {
            for (int j = 0; j < R_COUNT; j++) {
                double iou = iou(blob, area, template(k, cx, cy, (R_LOW + j * R_STEP) * s, h, w));
                if (iou > bestIou) {
                    bestIou = iou;
                    best = k;
                }
            }
        }
        return best;
    }

    /** The pixels at least half inside shape {@code k} of radius {@code r} centred at {@code (cx, cy)}, {@code [H*W]}. */
    static boolean[] template(ShapeKind k, double cx, double cy, double r, int h, int w) {
        boolean[] t = new boolean[h * w];
        int x0 = Math.max(0, (int) Math.floor(cx - r)), x1 = Math.min(w - 1, (int) Math.floor(cx + r));
        int y0 = Math.max(0, (int) Math.floor(cy - r)), y1 = Math.min(h - 1, (int) Math.floor(cy + r));
        for (int y = y0; y <= y1; y++) {
            for (int xx = x0; xx <= x1; xx++) {
                int inside = 0;
                for (int sy = 0; sy < SUB; sy++) {
                    double dy = (y + (sy + 0.5) / SUB - cy) / r;
                    for (int sx = 0; sx < SUB; sx++) if (k.contains((xx + (sx + 0.5) / SUB - cx) / r, dy)) inside++;
                }
                t[y * w + xx] = 2 * inside >= SUB * SUB;
            }
        }
        return t;
    }

    private static double iou(boolean[] blob, int area, boolean[] t) {
        int both = 0, tArea = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i]) {
                tArea++;
                if (blob[i]) both++;
            }
        }
        return (double) both / (area + tArea - both);
    }

    /** The largest 8-connected component of {@code mask [H*W]} (the first found among equals, in raster order). */
    static boolean[] largestComponent(boolean[] mask, int h, int w) {
        int n = h * w;
        int[] label = new int[n];
        int[] stack = new int[n];
        int best = 0, bestSize = 0, next = 0;
        for (int start = 0; start < n; start++) {
            if (!mask[start] || label[start] != 0) continue;
            int id = ++next, size = 0, top = 0;
            label[start] = id;
            stack[top++] = start;
            while (top > 0) {
                int p = stack[--top];
                size++;
                int px = p % w, py = p / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int qx = px + dx, qy = py + dy, q = qy * w + qx;
                        if (qx < 0 || qx >= w || qy < 0 || qy >= h || !mask[q] || label[q] != 0) continue;
                        label[q] = id;
                        stack[top++] = q;
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                best = id;
            }
        }
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) out[i] = best != 0 && label[i] == best;
        return out;
    }

    /** The {@link ShapeColor} nearest to {@code u} (RGB in [0, 1]). */
    static ShapeColor nearest(double[] u) {
        ShapeColor best = null;
        double bestD = Double.POSITIVE_INFINITY;
        for (ShapeColor c : ShapeColor.values()) {
            double d = dist(u, c);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    private static double dist(double[] u, ShapeColor c) {
        double d2 = 0;
        for (int ch = 0; ch < 3; ch++) d2 += (u[ch] - c.channel(ch)) * (u[ch] - c.channel(ch));
        return Math.sqrt(d2);
    }

    private static double dist(double[] u, double[] v) {
        double d2 = 0;
        for (int ch = 0; ch < 3; ch++) d2 += (u[ch] - v[ch]) * (u[ch] - v[ch]);
        return Math.sqrt(d2);
    }
}
