package dev.vdiff.reference.data;

import dev.vdiff.tensor.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ImageFolder}: PNG and JPEG files read, cropped and resized to [-1, 1] planes; labels from class subfolders
 * (number or name), from captions.csv, or none; unreadable files reported, never dropped silently; one-line errors.
 */
public class ImageFolderTest {
    @TempDir
    Path tmp;

    static final String[] NAMES = {"square", "circle", "red triangle"};

    /** A solid image {@code w x h} of colour {@code rgb}, its left half {@code left} if not -1. */
    public static void write(Path file, int w, int h, int rgb, int left, String format) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, left >= 0 && x < w / 2 ? left : rgb);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    @Test
    void pngPixelsAreTheColourInMinusOneToOneAndResizedByArea() throws Exception {
        Path dir = tmp.resolve("flat");
        write(dir.resolve("a.png"), 16, 8, 0xFF8000, -1, "png");       // orange, 2:1: cropped to 8x8, then 4x4
        write(dir.resolve("b.png"), 8, 8, 0x000000, 0xFFFFFF, "png");  // left half white, right half black
        List<ImageFolder.Image> im = ImageFolder.read(dir, 4, 4, 100, 3, c -> NAMES[c], m -> { throw new AssertionError(m); });
        assertEquals(2, im.size());
        float[] a = im.get(0).pixels().contiguous().floats();
        assertEquals(-1, im.get(0).label());
        for (int i = 0; i < 16; i++) {
            assertEquals(255 / 127.5 - 1, a[i], 1e-6);          // R
            assertEquals(128 / 127.5 - 1, a[16 + i], 1e-6);     // G
            assertEquals(-1, a[32 + i], 1e-6);                  // B
        }
        float[] b = im.get(1).pixels().contiguous().floats();
        for (int y = 0; y < 4; y++) {
            assertEquals(1, b[y * 4], 1e-6);        // x = 0, 1: source columns 0..3, white
            assertEquals(1, b[y * 4 + 1], 1e-6);
            assertEquals(-1, b[y * 4 + 2], 1e-6);   // x = 2, 3: black
            assertEquals(-1, b[y * 4 + 3], 1e-6);
        }
    }

    @Test
    void labelsFromClassSubfoldersByNumberOrNameAndJpegIsRead() throws Exception {
        Path dir = tmp.resolve("classes");
        write(dir.resolve("0/x.png"), 8, 8, 0x102030, -1, "png");
        write(dir.resolve("circle/y.jpg"), 8, 8, 0x808080, -1, "jpg");
        write(dir.resolve("red-triangle/z.png"), 8, 8, 0xFF0000, -1, "png");
        List<ImageFolder.Image> im = ImageFolder.read(dir, 4, 4, 100, 3, c -> NAMES[c], m -> { throw new AssertionError(m); });
        assertEquals(List.of(0, 1, 2), im.stream().map(ImageFolder.Image::label).toList());
        float[] grey = im.get(1).pixels().contiguous().floats();
        for (float v : grey) assertEquals(128 / 127.5 - 1, v, 4 / 127.5);   // JPEG: grey within a few levels

        write(dir.resolve("top.png"), 8, 8, 0, -1, "png");
        UserError e = assertThrows(UserError.class, () -> ImageFolder.read(dir, 4, 4, 100, 3, c -> NAMES[c], m -> { }));
        assertTrue(e.getMessage().contains("top.png is not in a class subfolder") && e.getMessage().contains("circle"), e.getMessage());
        Files.delete(dir.resolve("top.png"));
        write(dir.resolve("dog/w.png"), 8, 8, 0, -1, "png");
        e = assertThrows(UserError.class, () -> ImageFolder.read(dir, 4, 4, 100, 3, c -> NAMES[c], m -> { }));
        assertTrue(e.getMessage().contains("is in 'dog', not a class"), e.getMessage());
    }

    @Test
    void captionsCsvLabelsUnreadableFilesReportedLimitAndEmptyFolders() throws Exception {
        Path dir = tmp.resolve("csv");
        write(dir.resolve("a.png"), 8, 8, 0, -1, "png");
        write(dir.resolve("b.png"), 8, 8, 0, -1, "png");
        write(dir.resolve("c.png"), 8, 8, 0, -1, "png");
        Files.writeString(dir.resolve("broken.jpg"), "not an image");
        Files.writeString(dir.resolve("captions.csv"), "path,caption,label\na.png,one,2\nb.png,two,1\nbroken.jpg,x,0\n");
        List<String> warnings = new ArrayList<>();
        List<ImageFolder.Image> im = ImageFolder.read(dir, 4, 4, 100, 3, c -> NAMES[c], warnings::add);
        assertEquals(List.of(2, 1), im.stream().map(ImageFolder.Image::label).toList());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("skipped 2 file(s)") && warnings.get(0).contains("broken.jpg") && warnings.get(0).contains("c.png (no row in captions.csv)"), warnings.get(0));
        assertEquals(1, ImageFolder.read(dir, 4, 4, 1, 3, c -> NAMES[c], m -> { }).size(), "the limit");

        Path videos = tmp.resolve("videos");
        Files.createDirectories(videos);
        Files.writeString(videos.resolve("clip.mp4"), "x");
        UserError e = assertThrows(UserError.class, () -> ImageFolder.read(videos, 4, 4, 10, 3, c -> NAMES[c], m -> { }));
        assertTrue(e.getMessage().contains("no image files") && e.getMessage().contains("it holds videos"), e.getMessage());
        e = assertThrows(UserError.class, () -> ImageFolder.read(tmp.resolve("none"), 4, 4, 10, 3, c -> NAMES[c], m -> { }));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
