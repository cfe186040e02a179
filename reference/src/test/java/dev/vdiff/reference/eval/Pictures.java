package dev.vdiff.reference.eval;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that the pictures an experiment writes are real pictures, not empty or blank files. */
public final class Pictures {
    private Pictures() {}

    /** A PNG that decodes, at least {@code minWidth x minHeight}, with at least {@code minColours} distinct colours. */
    public static BufferedImage assertPng(Path file, int minWidth, int minHeight, int minColours) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', file + " is not a PNG");
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " does not decode");
        assertTrue(img.getWidth() >= minWidth && img.getHeight() >= minHeight,
            file + " is " + img.getWidth() + "x" + img.getHeight() + ", expected at least " + minWidth + "x" + minHeight);
        int colours = colours(img);
        assertTrue(colours >= minColours, file + " has " + colours + " colours, expected at least " + minColours + " (a blank picture?)");
        return img;
    }

    /** A GIF that decodes into {@code frames} frames of {@code width x height}, not all of one colour. */
    public static void assertGif(Path file, int frames, int width, int height) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in);
            int n = reader.getNumImages(true);
            assertTrue(n == frames, file + " has " + n + " frames, expected " + frames);
            BufferedImage first = reader.read(0);
            assertTrue(first.getWidth() == width && first.getHeight() == height,
                file + " is " + first.getWidth() + "x" + first.getHeight() + ", expected " + width + "x" + height);
            assertTrue(colours(first) > 1, file + ": the first frame is a single colour");
        } finally {
            reader.dispose();
        }
    }

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) seen.add(img.getRGB(x, y));
        return seen.size();
    }
}
