package dev.vdiff.reference.train;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Composition;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.data.VideoFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a run's clips come from, saved in the run file so that sampling and resuming see the same data:
 * the built-in synthetic moving shapes ({@code source = "synthetic"}) or a folder of video files
 * ({@code source} = its path).
 *
 * <p>Synthetic clips are clean (no degradations) and may be restricted to some {@link BackgroundKind}s: a clip
 * whose drawn background is not allowed gets an allowed one chosen from its seed. Labels are the shape kinds
 * ({@code classes <= 5}) or shape x colour. Held-out sets for evaluation take indices from
 * {@link #HELD_OUT_A} and {@link #HELD_OUT_B} on, far from the training indices {@code 0 .. trainClips-1}.
 *
 * @param source            "synthetic" or a folder path
 * @param frames            F
 * @param height            H
 * @param width             W
 * @param classes           number of class labels (0 = unconditional; a folder's labels come from its captions CSV)
 * @param seed              synthetic data seed
 * @param minSpeed          synthetic: slowest motion, pixels per frame
 * @param maxSpeed          synthetic: fastest motion
 * @param staticProbability synthetic: chance a clip stands still
 * @param backgrounds       synthetic: the background kinds allowed (empty = all)
 * @param colorByClass      synthetic: every shape kind has its own colour (square red, circle green, triangle blue,
 *                          cross yellow, ring cyan) instead of a random one, so that even a blurry 16x16 sample
 *                          shows its class at a glance (needs classes <= 5)
 * @param stride            folder: take every stride-th frame
 * @param captionsFile       folder: the CSV of {@code path,caption[,label]} rows (absolute), or null for the folder's own
 *                          {@code captions.csv} if it has one ({@code --captions FILE})
 * @param heldOut           synthetic: shape x direction {@link Composition}s no clip shows (empty = none). A clip drawn with a
 *                          held-out pair moves in another direction instead, chosen from its seed among the shape's allowed
 *                          ones, and its caption says so: the pair appears in no training clip, no held-out evaluation clip
 *                          and no caption, so a caption-conditioned model can be asked for it as an unseen composition
 */
public record DataSpec(String source, int frames, int height, int width, int classes, long seed, double minSpeed,
                       double maxSpeed, double staticProbability, List<BackgroundKind> backgrounds, boolean colorByClass, int stride,
                       String captionsFile, List<Composition> heldOut) {
    public static final String SYNTHETIC = "synthetic";
    /** First data-set index of the two held-out synthetic sets. */
    public static final long HELD_OUT_A = 1_000_000_000L, HELD_OUT_B = 2_000_000_000L;

    /** No composition held out. */
    public DataSpec(String source, int frames, int height, int width, int classes, long seed, double minSpeed,
                    double maxSpeed, double staticProbability, List<BackgroundKind> backgrounds, boolean colorByClass, int stride, String captionsFile) {
        this(source, frames, height, width, classes, seed, minSpeed, maxSpeed, staticProbability, backgrounds, colorByClass, stride, captionsFile, List.of());
    }

    /** Without a separate captions file. */
    public DataSpec(String source, int frames, int height, int width, int classes, long seed, double minSpeed,
                    double maxSpeed, double staticProbability, List<BackgroundKind> backgrounds, boolean colorByClass, int stride) {
        this(source, frames, height, width, classes, seed, minSpeed, maxSpeed, staticProbability, backgrounds, colorByClass, stride, null);
    }

    public DataSpec {
        backgrounds = List.copyOf(backgrounds);
        heldOut = heldOut == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(heldOut));
        if (!heldOut.isEmpty() && !SYNTHETIC.equals(source)) throw new IllegalArgumentException("held-out compositions are for synthetic data; a folder's clips are what they are");
        for (ShapeKind k : ShapeKind.values()) {
            int out = 0;
            for (Composition c : heldOut) if (c.shape() == k) out++;
            if (out == Direction.values().length) throw new IllegalArgumentException("held-out compositions: every direction of the " + k.noun() + " is held out; keep at least one");
        }
        if (captionsFile != null && SYNTHETIC.equals(source)) throw new IllegalArgumentException("a captions file is for a folder of videos; synthetic clips caption themselves");
        if (source == null || source.isBlank()) throw new IllegalArgumentException("data source must be 'synthetic' or a folder");
        if (frames < 1 || height < 4 || width < 4) throw new IllegalArgumentException("clips must have >= 1 frame and be at least 4x4, got " + frames + "x" + height + "x" + width);
        if (classes < 0) throw new IllegalArgumentException("classes must be >= 0, got " + classes);
        if (stride < 1) throw new IllegalArgumentException("frame stride must be >= 1, got " + stride);
        if (colorByClass && classes > ShapeKind.values().length) throw new IllegalArgumentException("colour by class needs at most " + ShapeKind.values().length + " classes (the shapes), got " + classes);
        if (isSynthetic()) synthetic();   // validates the synthetic knobs with SyntheticConfig's messages
    }

    /**
     * Synthetic moving shapes of {@code frames x height x width}, label = shape kind, at the generator's defaults
     * ({@link SyntheticConfig#defaults()}): 5 classes, data seed 0, 0.5 to 2 pixels per frame, 15% still clips,
     * every background, random colours. Change them by name: {@link #withClasses}, {@link #withSeed},
     * {@link #withSpeeds}, {@link #withStaticProbability}, {@link #withBackgrounds}, {@link #withColorByClass}.
     */
    public static DataSpec synthetic(int frames, int height, int width) {
        SyntheticConfig d = SyntheticConfig.defaults();
        return new DataSpec(SYNTHETIC, frames, height, width, d.classes(), d.seed(), d.minSpeed(), d.maxSpeed(), d.staticProbability(), List.of(), false, 1);
    }

    /** This synthetic spec with another data seed. */
    public DataSpec withSeed(long s) {
        return new DataSpec(source, frames, height, width, classes, s, minSpeed, maxSpeed, staticProbability, backgrounds, colorByClass, stride, captionsFile);
    }

    /** This synthetic spec with motion between {@code min} and {@code max} pixels per frame. */
    public DataSpec withSpeeds(double min, double max) {
        return new DataSpec(source, frames, height, width, classes, seed, min, max, staticProbability, backgrounds, colorByClass, stride, captionsFile);
    }

    /** This synthetic spec with chance {@code p} that a clip stands still. */
    public DataSpec withStaticProbability(double p) {
        return new DataSpec(source, frames, height, width, classes, seed, minSpeed, maxSpeed, p, backgrounds, colorByClass, stride, captionsFile);
    }

    /** This synthetic spec with only these background kinds (empty = all). */
    public DataSpec withBackgrounds(List<BackgroundKind> kinds) {
        return new DataSpec(source, frames, height, width, classes, seed, minSpeed, maxSpeed, staticProbability, kinds, colorByClass, stride, captionsFile);
    }

    /** This synthetic spec with (or without) one colour per shape kind. */
    public DataSpec withColorByClass(boolean on) {
        return new DataSpec(source, frames, height, width, classes, seed, minSpeed, maxSpeed, staticProbability, backgrounds, on, stride, captionsFile);
    }

    /** Video files under {@code dir}. */
    public static DataSpec folder(Path dir, int frames, int height, int width, int classes, int stride) {
        return new DataSpec(dir.toString(), frames, height, width, classes, 0, 0, 0, 0, List.of(), false, stride);
    }

    /** This spec with its classes replaced (what the data decided, {@link Conditioning}). */
    public DataSpec withClasses(int n) {
        return new DataSpec(source, frames, height, width, n, seed, minSpeed, maxSpeed, staticProbability, backgrounds, colorByClass, stride, captionsFile, heldOut);
    }

    /** This synthetic spec with the shape x direction pairs {@code pairs} held out of every clip (see {@link #heldOut}). */
    public DataSpec withHeldOut(List<Composition> pairs) {
        return new DataSpec(source, frames, height, width, classes, seed, minSpeed, maxSpeed, staticProbability, backgrounds, colorByClass, stride, captionsFile, pairs);
    }

    /** This folder spec with captions and labels from {@code csv} instead of the folder's captions.csv. */
    public DataSpec withCaptionsFile(Path csv) {
        return new DataSpec(source, frames, height, width, classes, seed, minSpeed, maxSpeed, staticProbability, backgrounds, colorByClass, stride,
            csv == null ? null : csv.toAbsolutePath().normalize().toString(), heldOut);
    }

    public boolean isSynthetic() {
        return SYNTHETIC.equals(source);
    }

    /** The data set (a folder is opened and checked now: unreadable files are reported by name). */
    public VideoDataset open() {
        if (!isSynthetic() && !java.nio.file.Files.isDirectory(Path.of(source))) {
            throw new dev.vdiff.tensor.UserError("the run's data folder " + source + " does not exist any more (moved or deleted?); put the videos back there to resume or sample this run");
        }
        if (captionsFile != null && !java.nio.file.Files.isRegularFile(Path.of(captionsFile))) {
            throw new dev.vdiff.tensor.UserError("the run's captions file " + captionsFile + " does not exist any more (moved or deleted?)");
        }
        if (!isSynthetic()) return VideoFolder.open(Path.of(source), new VideoFolder.Options(frames, height, width, stride, captionsFile == null ? null : Path.of(captionsFile)));
        SyntheticVideos base = new SyntheticVideos(synthetic());
        boolean allBackgrounds = backgrounds.isEmpty() || backgrounds.containsAll(List.of(BackgroundKind.values()));
        if (allBackgrounds && !colorByClass && heldOut.isEmpty()) return base;
        return new Restricted(base, allBackgrounds ? List.of(BackgroundKind.values()) : backgrounds, colorByClass, heldOut);
    }

    private SyntheticConfig synthetic() {
        // classes = 0 (captions or unconditional): every shape and colour, as with the 5 shape classes.
        return SyntheticConfig.defaults().withSeed(seed).withSize(frames, height, width).withClasses(classes == 0 ? ShapeKind.values().length : classes)
            .withMotion(minSpeed, maxSpeed, staticProbability, 0).clean();
    }

    /** Synthetic clips with only some background kinds, optionally one colour per shape kind, and some shape x direction pairs held out. */
    private record Restricted(SyntheticVideos base, List<BackgroundKind> allowed, boolean colorByClass, List<Composition> heldOut) implements VideoDataset {
        @Override
        public Clip clip(long index) {
            return base.render(spec(index));
        }

        /** The base spec with an allowed background and the class colour: the caption then describes the clip drawn. */
        private ClipSpec spec(long index) {
            ClipSpec s = base.spec(index);
            BackgroundKind bg = allowed.contains(s.background()) ? s.background() : allowed.get((int) Math.floorMod(s.seed(), (long) allowed.size()));
            ShapeColor color = colorByClass ? classColor(s.shape()) : s.color();
            Direction dir = s.direction();
            if (heldOut.contains(new Composition(s.shape(), dir))) {
                // A held-out pair: another direction of this shape, from the clip's seed (the constructor keeps at least one).
                List<Direction> ok = new ArrayList<>();
                for (Direction d : Direction.values()) if (!heldOut.contains(new Composition(s.shape(), d))) ok.add(d);
                dir = ok.get((int) Math.floorMod(s.seed(), (long) ok.size()));
            }
            return new ClipSpec(s.shape(), color, bg, s.speed(), dir, s.isStatic(), s.shuffled(),
                s.blurSigma(), s.noiseStd(), s.blockStrength(), s.downscale(), s.seed());
        }

        @Override
        public String caption(long index) {
            return spec(index).caption();
        }

        @Override
        public int label(long index) {
            return base.label(index);   // the label depends on the shape (and the drawn colour for shape x colour classes, which colorByClass excludes)
        }

        @Override
        public long size() {
            return base.size();
        }

        @Override
        public int frames() {
            return base.frames();
        }

        @Override
        public int height() {
            return base.height();
        }

        @Override
        public int width() {
            return base.width();
        }
    }

    /** The colour of a shape kind when colours follow the class: the shape's ordinal-th {@link ShapeColor}. */
    public static ShapeColor classColor(ShapeKind shape) {
        return ShapeColor.values()[shape.ordinal()];
    }

    /** The readable name of class {@code label} ("circle", or "red circle" for shape x colour labels or colour by class). */
    public String className(int label) {
        if (!isSynthetic()) return "class" + label;
        int shapes = ShapeKind.values().length;
        ShapeKind shape = ShapeKind.values()[label % shapes];
        if (colorByClass) return classColor(shape).word() + " " + shape.noun();
        return classes <= shapes ? shape.noun() : ShapeColor.values()[label / shapes].word() + " " + shape.noun();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("frames", frames);
        m.put("height", height);
        m.put("width", width);
        m.put("classes", classes);
        m.put("seed", seed);
        m.put("min_speed", minSpeed);
        m.put("max_speed", maxSpeed);
        m.put("static_probability", staticProbability);
        List<String> bg = new ArrayList<>();
        for (BackgroundKind k : backgrounds) bg.add(k.name().toLowerCase(Locale.ROOT));
        m.put("backgrounds", bg);
        m.put("color_by_class", colorByClass);
        m.put("stride", stride);
        if (captionsFile != null) m.put("captions_file", captionsFile);
        if (!heldOut.isEmpty()) {
            List<String> h = new ArrayList<>();
            for (Composition c : heldOut) h.add(c.toString());
            m.put("held_out", h);
        }
        return m;
    }

    public static DataSpec fromJson(Map<?, ?> m) {
        List<BackgroundKind> bg = new ArrayList<>();
        for (Object o : JsonFields.listOf(m, "backgrounds")) bg.add(parseBackground(String.valueOf(o)));
        return new DataSpec(JsonFields.stringOf(m, "source"), (int) JsonFields.longOf(m, "frames"), (int) JsonFields.longOf(m, "height"),
            (int) JsonFields.longOf(m, "width"), (int) JsonFields.longOf(m, "classes"), JsonFields.longOf(m, "seed"),
            JsonFields.doubleOf(m, "min_speed"), JsonFields.doubleOf(m, "max_speed"), JsonFields.doubleOf(m, "static_probability"),
            bg, JsonFields.boolOf(m, "color_by_class"), (int) JsonFields.longOf(m, "stride"),
            m.containsKey("captions_file") ? JsonFields.stringOf(m, "captions_file") : null,
            m.containsKey("held_out") ? Composition.parseAll(JsonFields.listOf(m, "held_out")) : List.of());
    }

    /** {@code flat}, {@code gradient}, {@code stripes}, {@code value_noise} (or {@code noise}). */
    public static BackgroundKind parseBackground(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (n.equals("noise")) n = "value_noise";
        for (BackgroundKind k : BackgroundKind.values()) if (k.name().toLowerCase(Locale.ROOT).equals(n)) return k;
        throw new IllegalArgumentException("unknown background '" + name + "' (expected flat, gradient, stripes or noise)");
    }
}
