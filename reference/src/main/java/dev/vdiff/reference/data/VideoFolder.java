package dev.vdiff.reference.data;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A data set of the video files under a folder (mp4, gif, webm, avi, mov, mkv, ... read with the bundled
 * FFmpeg), each clip centre-cropped and resized to {@code [frames, 3, height, width]} in [-1, 1] with frames
 * sampled every {@code stride} (see {@link VideoDecoder}).
 *
 * <pre>{@code
 * VideoFolder data = VideoFolder.open(Path.of("videos"), new VideoFolder.Options(8, 32, 32, 2, null));
 * data.size();              // readable videos, sorted by relative path
 * data.clip(0).caption();   // from videos/captions.csv if present
 * data.skipped();           // files that could not be used, with reasons (also printed once at open)
 * }</pre>
 *
 * <p>Files are found recursively, sorted by relative path; hidden files (name starting with {@code .}) are
 * ignored. Captions and labels come from a CSV ({@link CaptionTable}): the one named in the options, else
 * {@code captions.csv} in the folder if it exists, else none (caption "", label -1). With a CSV, a video not
 * listed in it is skipped, and a row naming a missing file is reported.
 *
 * <p>At open every video is probed (opened and its first frame decoded). Unreadable files are never dropped
 * silently: they are listed in {@link #skipped()} with FFmpeg's reason and reported in one warning. A folder
 * with no readable video is a {@link UserError}. A file that probes fine but fails to decode later makes
 * {@link #clip(long)} throw a {@link UserError} naming it.
 */
public final class VideoFolder implements VideoDataset {
    /** File name endings read as video (lower case). */
    public static final Set<String> EXTENSIONS = Set.of("mp4", "m4v", "mov", "mkv", "webm", "avi", "gif", "mpg", "mpeg", "ogv", "flv", "wmv", "ts");

    /**
     * @param frames   frames per clip
     * @param height   output height
     * @param width    output width
     * @param stride   take every {@code stride}-th frame (1 = consecutive)
     * @param captions CSV of {@code path,caption[,label]}; null = {@code captions.csv} in the folder if present
     */
    public record Options(int frames, int height, int width, int stride, Path captions) {
        public Options {
            if (frames < 1 || height < 1 || width < 1 || stride < 1) {
                throw new IllegalArgumentException("VideoFolder: frames, height, width and stride must be >= 1, got " + frames + ", " + height + ", " + width + ", " + stride);
            }
        }
    }

    /** A file that is not in the data set, and why. */
    public record Skipped(Path file, String reason) {
        @Override
        public String toString() {
            return file + " (" + reason + ")";
        }
    }

    private record Item(Path file, String caption, int label) {}

    private final Path dir;
    private final Options options;
    private final List<Item> items;
    private final List<Skipped> skipped;
    private final Path captionsFile;
    private final Map<Path, Integer> shortClips = new java.util.concurrent.ConcurrentHashMap<>();

    private VideoFolder(Path dir, Options options, List<Item> items, List<Skipped> skipped, Path captionsFile) {
        this.captionsFile = captionsFile;
        this.dir = dir;
        this.options = options;
        this.items = items;
        this.skipped = skipped;
    }

    /** Opens {@code dir}, reporting skipped files once to standard error. */
    public static VideoFolder open(Path dir, Options options) {
        return open(dir, options, msg -> System.err.println("vdiff: warning: " + msg));
    }

    /** Opens {@code dir}, reporting skipped files once to {@code warn} (one message). */
    public static VideoFolder open(Path dir, Options options, Consumer<String> warn) {
        if (!Files.isDirectory(dir)) throw new UserError("video folder " + dir + " does not exist or is not a folder");
        List<Path> files = videoFiles(dir);
        Path csv = options.captions() != null ? options.captions() : dir.resolve("captions.csv");
        Map<String, CaptionTable.Entry> table = options.captions() != null || Files.isRegularFile(csv) ? CaptionTable.read(csv) : null;

        List<Item> items = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path file : files) {
            String rel = FolderPaths.relative(dir, file);
            CaptionTable.Entry entry = table == null ? new CaptionTable.Entry("", -1) : table.remove(rel);
            if (entry == null) {
                skipped.add(new Skipped(file, "no row in " + csv.getFileName()));
                continue;
            }
            try {
                VideoDecoder.probe(file);
                items.add(new Item(file, entry.caption(), entry.label()));
            } catch (IOException e) {
                skipped.add(new Skipped(file, "unreadable: " + Ffmpeg.reason(e)));
            }
        }
        if (table != null) {
            for (String missing : table.keySet()) skipped.add(new Skipped(dir.resolve(missing), "listed in " + csv.getFileName() + " but not found"));
        }
        if (items.isEmpty()) {
            String why = files.isEmpty() ? "no video files (" + String.join(", ", new java.util.TreeSet<>(EXTENSIONS)) + ")"
                : files.size() + " video file(s), none readable: " + summary(skipped);
            throw new UserError("no readable video in " + dir + ": " + why);
        }
        if (!skipped.isEmpty()) {
            warn.accept("skipped " + skipped.size() + " file(s) in " + dir + ": " + summary(skipped));
        }
        return new VideoFolder(dir, options, List.copyOf(items), Collections.unmodifiableList(skipped), table == null ? null : csv);
    }

    private static List<Path> videoFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .filter(p -> EXTENSIONS.contains(FolderPaths.extension(p)))
                .sorted((a, b) -> FolderPaths.relative(dir, a).compareTo(FolderPaths.relative(dir, b)))
                .toList();
        } catch (IOException e) {
            throw new UserError("cannot list video folder " + dir + ": " + Ffmpeg.reason(e));
        }
    }


    private static String summary(List<Skipped> skipped) {
        StringBuilder sb = new StringBuilder();
        for (Skipped s : skipped) sb.append(sb.length() == 0 ? "" : "; ").append(s);
        return sb.toString();
    }

    /** Files that are not in the data set, with reasons. */
    public List<Skipped> skipped() {
        return skipped;
    }

    /** The video files in the data set, in clip order. */
    @Override
    public String caption(long index) {
        return items.get(Math.toIntExact(index)).caption();
    }

    @Override
    public int label(long index) {
        return items.get(Math.toIntExact(index)).label();
    }

    /**
     * The files decoded so far that had fewer frames than asked for, with their frame count: their last frame was
     * repeated to fill the clip (so the caller can say so).
     */
    public Map<Path, Integer> shortClips() {
        return new java.util.TreeMap<>(shortClips);
    }

    /** The captions CSV the captions and labels came from, or null when the folder has none. */
    public Path captionsFile() {
        return captionsFile;
    }

    public List<Path> files() {
        return items.stream().map(Item::file).toList();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public long size() {
        return items.size();
    }

    @Override
    public Clip clip(long index) {
        if (index < 0 || index >= items.size()) throw new IndexOutOfBoundsException("VideoFolder: clip " + index + " of " + items.size());
        Item item = items.get((int) index);
        Tensor video;
        try {
            video = read(item.file(), options, n -> {
                if (n < options.frames()) shortClips.put(item.file(), n);
            });
        } catch (IOException e) {
            throw new UserError("cannot decode " + item.file() + ": " + e.getMessage(), e);
        }
        return new Clip(video, item.label(), item.caption(), null);
    }

    /**
     * One video file read exactly as {@link #clip} reads a file of a folder opened with {@code options}
     * ({@code [frames, 3, height, width]} in [-1, 1]), for callers that get files one at a time (the Spark job).
     * An IOException whose message is FFmpeg's one-line reason if it cannot be read.
     */
    public static Tensor read(Path file, Options options) throws IOException {
        return read(file, options, n -> { });
    }

    /** As {@link #read(Path, Options)}, telling {@code framesFound} how many frames the file had (before padding). */
    public static Tensor read(Path file, Options options, java.util.function.IntConsumer framesFound) throws IOException {
        float[] v;
        try {
            v = VideoDecoder.read(file, options.frames(), options.stride(), options.height(), options.width(), framesFound);
        } catch (IOException e) {
            throw new IOException(Ffmpeg.reason(e), e);
        }
        return Tensor.of(v, options.frames(), 3, options.height(), options.width());
    }

    @Override
    public int frames() {
        return options.frames();
    }

    @Override
    public int height() {
        return options.height();
    }

    @Override
    public int width() {
        return options.width();
    }
}
