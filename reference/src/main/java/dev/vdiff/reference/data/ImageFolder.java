package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.UserError;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A folder of still images (png, jpg/jpeg, bmp; read with the JDK's {@code javax.imageio}), each centre-cropped to
 * the target aspect and resized to {@code [3, height, width]} in [-1, 1] exactly as a video frame is
 * ({@link Resize}: area averaging when shrinking, bilinear when enlarging). MCM's high-quality image set
 * ({@code vdiff distill --method mcm --images DIR}).
 *
 * <p>Files are found recursively, sorted by relative path; hidden files are ignored. Labels, in this order:
 * <ol>
 *   <li>{@code captions.csv} in the folder, rows {@code path,caption,label} as for a video folder: a file without a
 *       row is skipped (reported);</li>
 *   <li>else class subfolders, as torchvision's {@code ImageFolder}: {@code DIR/<class>/...}, where {@code <class>}
 *       is the label number ({@code 0}, {@code 1}, ...) or the class name with {@code -} or {@code _} for spaces
 *       ({@code circle}, {@code red-circle}); then every image must be in such a subfolder (a file at the top or
 *       in an unknown subfolder is an error naming it);</li>
 *   <li>else (images directly in the folder) no labels: {@code -1}, every image serves every class.</li>
 * </ol>
 * Files that cannot be decoded are never dropped silently: they are reported in one warning; a folder with no
 * readable image is a {@link UserError}.
 */
public final class ImageFolder {
    /** File name endings read as images (lower case). */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    /** One image {@code [3, H, W]} in [-1, 1], its label (-1: none) and file. */
    public record Image(Tensor pixels, int label, Path file) {}

    private ImageFolder() {}

    /**
     * The first {@code limit} readable images of {@code dir} in path order.
     *
     * @param classes   the labels the images may have: {@code 0 .. classes - 1}
     * @param className the name of each label (subfolder names)
     * @param warn      hears one message about skipped files, if any
     */
    public static List<Image> read(Path dir, int height, int width, int limit, int classes, IntFunction<String> className, Consumer<String> warn) {
        if (!Files.isDirectory(dir)) throw new UserError("image folder " + dir + " does not exist or is not a folder");
        List<Path> files = new ArrayList<>();
        boolean videos = false;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted((a, b) -> FolderPaths.relative(dir, a).compareTo(FolderPaths.relative(dir, b))).toList()) {
                if (EXTENSIONS.contains(FolderPaths.extension(p))) files.add(p);
                else if (VideoFolder.EXTENSIONS.contains(FolderPaths.extension(p))) videos = true;
            }
        } catch (IOException e) {
            throw new UserError("cannot list image folder " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new UserError("no image files (" + String.join(", ", new java.util.TreeSet<>(EXTENSIONS)) + ") in " + dir
                + (videos ? ": it holds videos; give a folder of still images of high visual quality" : ""));
        }
        Path csv = dir.resolve("captions.csv");
        Map<String, CaptionTable.Entry> table = Files.isRegularFile(csv) ? CaptionTable.read(csv) : null;
        Map<String, Integer> byName = classNames(classes, className);
        boolean subfolders = table == null && files.stream().anyMatch(p -> FolderPaths.relative(dir, p).contains("/"));
        List<Image> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path f : files) {
            if (out.size() == limit) break;
            String r = FolderPaths.relative(dir, f);
            int label = -1;
            if (table != null) {
                CaptionTable.Entry e = table.get(r);
                if (e == null) {
                    skipped.add(r + " (no row in captions.csv)");
                    continue;
                }
                label = e.label();
            } else if (subfolders) {
                int slash = r.indexOf('/');
                String folder = slash < 0 ? null : r.substring(0, slash);
                Integer l = folder == null ? null : byName.get(folder.toLowerCase(Locale.ROOT));
                if (l == null) {
                    throw new UserError("--images " + dir + ": " + r + (folder == null ? " is not in a class subfolder" : " is in '" + folder + "', not a class")
                        + "; class subfolders are named by label number or class name: " + String.join(", ", byName.keySet()));
                }
                label = l;
            }
            if (label >= classes) throw new UserError("--images " + dir + ": " + r + " has label " + label + ", the teacher's labels are 0.." + (classes - 1));
            try {
                out.add(new Image(Tensor.of(decode(f, height, width), 3, height, width), label, f));
            } catch (IOException e) {
                skipped.add(r + " (" + e.getMessage() + ")");
            }
        }
        if (out.isEmpty()) throw new UserError("no readable image in " + dir + ": " + String.join("; ", skipped));
        if (!skipped.isEmpty()) warn.accept("skipped " + skipped.size() + " file(s) in " + dir + ": " + String.join("; ", skipped));
        return out;
    }

    /** Label names accepted as subfolder names: the number, and the class name with '-' or '_' for spaces, lower case. */
    private static Map<String, Integer> classNames(int classes, IntFunction<String> className) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int c = 0; c < classes; c++) {
            m.put(Integer.toString(c), c);
            String n = className.apply(c).toLowerCase(Locale.ROOT);
            m.putIfAbsent(n.replace(' ', '-'), c);
            m.putIfAbsent(n.replace(' ', '_'), c);
        }
        return m;
    }

    /** One image file as planes {@code [3, height, width]} in [-1, 1] (centre crop, then resize). */
    static float[] decode(Path file, int height, int width) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("unreadable: " + e.getMessage(), e);
        }
        if (img == null) throw new IOException("not a readable image");
        int w = img.getWidth(), h = img.getHeight();
        ByteBuffer rgb = ByteBuffer.allocate(3 * w * h);   // RGB24, row y at byte 3 w y
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);   // alpha dropped: transparent pixels keep their colour
            for (int x = 0; x < w; x++) {
                int p = row[x];
                rgb.put((byte) (p >> 16)).put((byte) (p >> 8)).put((byte) p);
            }
        }
        rgb.flip();
        return Resize.rgb24(rgb, 3 * w, w, h, height, width);
    }
}
