package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MP4s of clips smaller than the H.264 encoder's 16-pixel minimum (issue 10: {@code vdiff sample --scale 1} of an 8x8 model). */
class Mp4WriterTest {
    @TempDir
    Path dir;

    @Test
    void enlargementIsTheSmallestIntegerFactorReachingSixteen() {
        assertEquals(2, Mp4Writer.enlargement(8, 8));
        assertEquals(2, Mp4Writer.enlargement(8, 28));
        assertEquals(8, Mp4Writer.enlargement(2, 40));
        assertEquals(2, Mp4Writer.enlargement(10, 10));
        assertEquals(1, Mp4Writer.enlargement(16, 34));
    }

    /** An 8x8 clip of four flat 4x4 quadrants: written (it failed in avcodec_send_frame), decoded at 16x16, each pixel a 2x2 block of its colour. */
    @Test
    void anEightPixelClipIsWrittenEnlargedAndDecodesToItsColours() throws Exception {
        int f = 2, h = 8, w = 8;
        float[] v = new float[f * 3 * h * w];
        float[][] quadrant = {{0.8f, -0.8f, -0.8f}, {-0.8f, 0.8f, -0.8f}, {-0.8f, -0.8f, 0.8f}, {0.6f, 0.6f, 0.6f}};
        for (int fr = 0; fr < f; fr++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) v[((fr * 3 + c) * h + y) * w + x] = quadrant[(y / 4) * 2 + x / 4][c];
            }
        }
        Path mp4 = dir.resolve("small.mp4");
        Mp4Writer.write(mp4, Tensor.of(v, f, 3, h, w), 6);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
            g.start();
            assertEquals(16, g.getImageWidth());
            assertEquals(16, g.getImageHeight());
        }
        float[] back = VideoDecoder.read(mp4, f, 1, 16, 16);   // [F, 3, 16, 16]
        double err = 0;
        for (int fr = 0; fr < f; fr++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) err += Math.abs(back[((fr * 3 + c) * 16 + y) * 16 + x] - quadrant[(y / 8) * 2 + x / 8][c]);
                }
            }
        }
        err /= back.length;
        assertTrue(err < 0.08, "mean absolute error " + err + " (4:2:0 chroma at the quadrant edges; 32x32 clips come back at about 0.03)");
    }
}
