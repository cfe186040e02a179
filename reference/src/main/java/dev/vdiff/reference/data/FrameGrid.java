package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.AtomicWrite;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A PNG contact sheet of videos: one row per clip, one column per frame, each frame enlarged {@code scale}
 * times (nearest neighbour, so pixels stay visible) and separated by a 1-pixel grey gap.
 *
 * <pre>{@code
 * FrameGrid.write(Path.of("out/grid.png"), List.of(a.video(), b.video()), 4);  // 2 rows of 8 frames, 128 px each
 * }</pre>
 */
public final class FrameGrid {
    private static final int GAP = 1, GAP_RGB = 0x808080;

    private FrameGrid() {}

    /** Writes the grid of {@code videos} (each {@code [F, 3, H, W]} in [-1, 1], same H and W); atomic. */
    public static void write(Path file, List<Tensor> videos, int scale) throws IOException {
        BufferedImage grid = image(videos, scale);
        AtomicWrite.writeFile(file, temp -> {
            if (!ImageIO.write(grid, "png", temp.toFile())) throw new IOException("FrameGrid: no PNG writer in this JDK");
        });
    }

    /** The grid as an image (rows = clips, columns = frames); cells of shorter clips stay grey. */
    public static BufferedImage image(List<Tensor> videos, int scale) {
        if (videos.isEmpty()) throw new IllegalArgumentException("FrameGrid: no videos");
        if (scale < 1) throw new IllegalArgumentException("FrameGrid: scale must be >= 1, got " + scale);
        int height = videos.get(0).shape(2), width = videos.get(0).shape(3), cols = 0;
        for (Tensor v : videos) {
            Frames.values(v, "FrameGrid");
            if (v.shape(2) != height || v.shape(3) != width) {
                throw new IllegalArgumentException("FrameGrid: all videos must be " + height + "x" + width + ", got " + v.shape(2) + "x" + v.shape(3));
            }
            cols = Math.max(cols, v.shape(0));
        }
        int cellW = width * scale, cellH = height * scale;
        BufferedImage grid = new BufferedImage(cols * (cellW + GAP) + GAP, videos.size() * (cellH + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < grid.getHeight(); y++) {
            for (int x = 0; x < grid.getWidth(); x++) grid.setRGB(x, y, GAP_RGB);
        }
        for (int row = 0; row < videos.size(); row++) {
            Tensor v = videos.get(row);
            double[] values = v.toDoubleArray();
            for (int f = 0; f < v.shape(0); f++) {
                BufferedImage frame = Frames.image(values, f, height, width);
                int ox = GAP + f * (cellW + GAP), oy = GAP + row * (cellH + GAP);
                for (int y = 0; y < cellH; y++) {
                    for (int x = 0; x < cellW; x++) grid.setRGB(ox + x, oy + y, frame.getRGB(x / scale, y / scale));
                }
            }
        }
        return grid;
    }
}
