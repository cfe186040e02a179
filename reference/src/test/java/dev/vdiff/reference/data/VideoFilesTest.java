package dev.vdiff.reference.data;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GIF and MP4 written by our writers and read back through FFmpeg by {@link VideoFolder}. Few tests on
 * purpose: the first use of FFmpeg loads its natives (about a second).
 */
class VideoFilesTest {
    private static final int F = 8, H = 32, W = 32;

    @TempDir
    static Path dir;

    static Clip clip;

    @BeforeAll
    static void writeVideos() throws IOException {
        // A clean moving clip on a smooth background: every frame differs and colours are few enough for GIF.
        clip = new SyntheticVideos(SyntheticConfig.defaults().withSize(F, H, W)).render(
            ClipSpec.clean(ShapeKind.CIRCLE, ShapeColor.RED, BackgroundKind.GRADIENT, 2.0, Direction.RIGHT, 3));
        Path good = dir.resolve("good");
        GifWriter.write(good.resolve("a.gif"), clip.video(), 8);
        Mp4Writer.write(good.resolve("sub/b.mp4"), clip.video(), 8);
        Files.writeString(good.resolve("captions.csv"), "path,caption,label\nsub/b.mp4,\"an mp4, red\",4\na.gif,a gif,1\n");
    }

    private static double[] errors(Tensor actual, Tensor expected) {
        float[] a = actual.floats(), e = expected.floats();
        double sum = 0, max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - e[i]);
            sum += d;
            max = Math.max(max, d);
        }
        return new double[] {sum / a.length, max};
    }

    /** Index of the original frame closest (mean absolute difference) to frame {@code f} of {@code video}. */
    private static int closestOriginal(float[] video, int f) {
        int size = 3 * H * W, best = -1;
        double bestErr = Double.MAX_VALUE;
        float[] orig = clip.video().floats();
        for (int g = 0; g < F; g++) {
            double err = 0;
            for (int i = 0; i < size; i++) err += Math.abs(video[f * size + i] - orig[g * size + i]);
            if (err < bestErr) { bestErr = err; best = g; }
        }
        return best;
    }

    @Test
    void gifLoopsForeverAndHasOneImagePerFrame() throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(dir.resolve("good/a.gif").toFile())) {
            reader.setInput(in);
            assertEquals(F, reader.getNumImages(true));
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
            assertEquals("2.0", app.getAttribute("authenticationCode"));
            assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) app.getUserObject(), "loop count 0 = forever");
            Node gce = root.getElementsByTagName("GraphicControlExtension").item(0);
            assertEquals("13", gce.getAttributes().getNamedItem("delayTime").getNodeValue(), "1/8 s in hundredths, rounded");
        } finally {
            reader.dispose();
        }
    }

    @Test
    void gifAndMp4RoundTripThroughTheFolderDataset() {
        List<String> warnings = new ArrayList<>();
        VideoFolder data = VideoFolder.open(dir.resolve("good"), new VideoFolder.Options(F, H, W, 1, null), warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(2, data.size());
        assertEquals(List.of(dir.resolve("good/a.gif"), dir.resolve("good/sub/b.mp4")), data.files());

        Clip gif = data.clip(0), mp4 = data.clip(1);
        assertArrayEquals(new int[] {F, 3, H, W}, gif.video().shape());
        assertArrayEquals(new int[] {F, 3, H, W}, mp4.video().shape());
        assertEquals("a gif", gif.caption());
        assertEquals(1, gif.label());
        assertEquals("an mp4, red", mp4.caption());
        assertEquals(4, mp4.label());

        // GIF: a 256-colour palette per frame, enough for this clip: within a few 8-bit levels (1 level = 0.0078).
        double[] g = errors(gif.video(), clip.video());
        assertTrue(g[0] < 0.01 && g[1] < 0.05, "gif mean/max abs error " + g[0] + " / " + g[1]);
        // MP4: lossy (4:2:0 chroma, block transform); looser, and every frame must still be itself.
        double[] m = errors(mp4.video(), clip.video());
        assertTrue(m[0] < 0.05, "mp4 mean abs error " + m[0] + " (max " + m[1] + ")");
        for (int f = 0; f < F; f++) {
            assertEquals(f, closestOriginal(gif.video().floats(), f), "gif frame " + f);
            assertEquals(f, closestOriginal(mp4.video().floats(), f), "mp4 frame " + f);
        }
    }

    @Test
    void framesAreSampledWithTheStrideAndShortVideosFallBack() {
        VideoFolder strided = VideoFolder.open(dir.resolve("good"), new VideoFolder.Options(4, H, W, 2, null));
        float[] v = strided.clip(0).video().floats();
        for (int k = 0; k < 4; k++) assertEquals(2 * k, closestOriginal(v, k), "frame " + k + " of stride 2");

        // 8 frames at stride 3 need 22; the 8-frame GIF gives stride (8 - 1) / (8 - 1) = 1 instead.
        float[] fallback = VideoFolder.open(dir.resolve("good"), new VideoFolder.Options(F, H, W, 3, null)).clip(0).video().floats();
        for (int k = 0; k < F; k++) assertEquals(k, closestOriginal(fallback, k), "frame " + k + " of the fallback");

        // 10 frames from an 8-frame video: the last frame repeats.
        float[] padded = VideoFolder.open(dir.resolve("good"), new VideoFolder.Options(10, H, W, 1, null)).clip(0).video().floats();
        int size = 3 * H * W;
        for (int k = 8; k < 10; k++) {
            for (int i = 0; i < size; i++) assertEquals(padded[7 * size + i], padded[k * size + i], "frame " + k);
        }
    }

    @Test
    void corruptAndUnlistedFilesAreReportedByNameAndSkipped() throws IOException {
        Path mixed = dir.resolve("mixed");
        Files.createDirectories(mixed);
        Files.copy(dir.resolve("good/a.gif"), mixed.resolve("a.gif"));
        Files.copy(dir.resolve("good/a.gif"), mixed.resolve("unlisted.gif"));
        byte[] junk = new byte[4096];
        new SplittableRandom(1).nextBytes(junk);
        Files.write(mixed.resolve("x.mp4"), junk);
        Files.writeString(mixed.resolve("notes.txt"), "not a video, ignored");
        Files.writeString(mixed.resolve("captions.csv"), "a.gif,ok\nx.mp4,junk\ngone.mp4,missing\n");

        List<String> warnings = new ArrayList<>();
        VideoFolder data = VideoFolder.open(mixed, new VideoFolder.Options(F, H, W, 1, null), warnings::add);
        assertEquals(1, data.size());
        assertEquals(List.of(mixed.resolve("a.gif")), data.files());
        List<Path> skippedFiles = data.skipped().stream().map(VideoFolder.Skipped::file).toList();
        assertEquals(List.of(mixed.resolve("unlisted.gif"), mixed.resolve("x.mp4"), mixed.resolve("gone.mp4")), skippedFiles);
        String reason = data.skipped().get(1).reason();
        assertTrue(reason.startsWith("unreadable: Invalid data found when processing input"), reason);
        assertEquals(1, warnings.size(), "one warning for all skipped files");
        String w = warnings.get(0);
        assertTrue(w.contains("x.mp4") && w.contains("unlisted.gif") && w.contains("gone.mp4"), w);

        // Only the corrupt file: a clear error naming it.
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.write(bad.resolve("x.mp4"), junk);
        UserError e = assertThrows(UserError.class, () -> VideoFolder.open(bad, new VideoFolder.Options(F, H, W, 1, null), s -> { }));
        assertTrue(e.getMessage().contains("no readable video") && e.getMessage().contains("x.mp4"), e.getMessage());

        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        e = assertThrows(UserError.class, () -> VideoFolder.open(empty, new VideoFolder.Options(F, H, W, 1, null)));
        assertTrue(e.getMessage().contains("no video files"), e.getMessage());
    }
}
