package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.AtomicWrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PNG grid layout and atomic writes (no native code involved). */
class FrameGridTest {
    @TempDir
    Path dir;

    @Test
    void gridHasOneRowPerClipAndOneColumnPerFrame() throws IOException {
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSize(3, 6, 10));
        Tensor a = data.clip(0).video(), b = data.clip(1).video();
        Path png = dir.resolve("out/grid.png");
        int scale = 2;
        FrameGrid.write(png, List.of(a, b), scale);
        BufferedImage img = ImageIO.read(png.toFile());
        // 3 columns of 10*2 pixels and 2 rows of 6*2 pixels, with 1-pixel gaps around every cell.
        assertEquals(3 * (20 + 1) + 1, img.getWidth());
        assertEquals(2 * (12 + 1) + 1, img.getHeight());
        float[] bv = b.floats();
        // Row 1, frame 2, source pixel (y=4, x=7) -> grid pixel (1 + 2*21 + 14 + 1, 1 + 13 + 8 + 1).
        int rgb = img.getRGB(1 + 2 * 21 + 7 * scale + 1, 1 + 13 + 4 * scale + 1);
        int plane = 6 * 10, i = 2 * 3 * plane + 4 * 10 + 7;
        assertEquals(Frames.toByte(bv[i]), (rgb >> 16) & 0xff);
        assertEquals(Frames.toByte(bv[i + plane]), (rgb >> 8) & 0xff);
        assertEquals(Frames.toByte(bv[i + 2 * plane]), rgb & 0xff);
        assertEquals(0x808080, img.getRGB(0, 0) & 0xffffff, "gap colour");
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("keep.txt");
        Files.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicWrite.writeFile(target, temp -> {
            Files.writeString(temp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        AtomicWrite.writeFile(target, temp -> Files.writeString(temp, "new"));
        assertEquals("new", Files.readString(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList(), "only the target is left");
        }
    }

    @Test
    void byteMappingRoundTrips() {
        for (int b = 0; b < 256; b++) assertEquals(b, Frames.toByte(Frames.fromByte(b)));
        assertEquals(0, Frames.toByte(-3));
        assertEquals(255, Frames.toByte(2));
        assertTrue(Frames.toByte(0) == 128);   // round(127.5) = 128
    }
}
