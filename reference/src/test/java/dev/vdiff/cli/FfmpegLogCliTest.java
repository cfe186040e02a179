package dev.vdiff.cli;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.GifWriter;
import dev.vdiff.reference.data.Mp4Writer;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: FFmpeg's own log lines ({@code [h264 @ 0x...] ...}, {@code Input #0, ...}) must not reach the terminal;
 * FFmpeg writes them to the process's native stderr, so the command runs in a child JVM here. The folder holds an
 * H.264 MP4, a GIF, an MP4 with a corrupted middle (decoder errors) and a file that is not a video: at FFmpeg's
 * default log level each of them prints ({@code Input #0, mov,mp4,...}, the stream dump, JavaCV's "rejected some
 * options"); vdiff reports them in its own words only.
 */
class FfmpegLogCliTest {
    @TempDir
    Path tmp;

    @Test
    void scoreShowsNoFfmpegLogLines() throws Exception {
        Path videos = Files.createDirectories(tmp.resolve("videos"));
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSize(8, 32, 32));
        var clip = data.render(ClipSpec.clean(ShapeKind.SQUARE, ShapeColor.GREEN, BackgroundKind.GRADIENT, 2.0, Direction.LEFT, 3)).video();
        Mp4Writer.write(videos.resolve("a.mp4"), clip, 8);
        GifWriter.write(videos.resolve("b.gif"), clip, 8);
        byte[] mp4 = Files.readAllBytes(videos.resolve("a.mp4"));
        java.util.Random r = new java.util.Random(0);
        for (int i = mp4.length / 3; i < mp4.length / 3 + Math.min(300, mp4.length / 3); i++) mp4[i] = (byte) r.nextInt(256);
        Files.write(videos.resolve("corrupt.mp4"), mp4);
        Files.writeString(videos.resolve("notavideo.mp4"), "hello");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.vdiff.cli.Vdiff",
            "score", "--data", videos.toString(), "--out", tmp.resolve("scores.csv").toString(), "--frames", "4", "--height", "16", "--width", "16"));
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("stdout.txt").toFile()).redirectError(tmp.resolve("stderr.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "vdiff score did not finish");
        String out = Files.readString(tmp.resolve("stdout.txt"), StandardCharsets.UTF_8), err = Files.readString(tmp.resolve("stderr.txt"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("scored"), out);
        assertTrue(err.contains("notavideo.mp4"), "the unreadable file is named in vdiff's words: " + err);
        for (String line : (out + err).split("\n")) {
            assertFalse(line.contains(" @ 0x") || line.startsWith("Input #") || line.startsWith("Output #") || line.strip().startsWith("Stream #")
                || line.strip().startsWith("Metadata:") || line.strip().startsWith("Duration:") || line.contains("rejected some options"), "FFmpeg's log leaked: " + line + "\n" + err);
        }
    }
}
