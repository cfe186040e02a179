package dev.vdiff.spark;

import dev.vdiff.reference.data.GifWriter;
import dev.vdiff.reference.data.Knob;
import dev.vdiff.reference.data.Mp4Writer;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small collection of real video files made with the project's own writers (FFmpeg through JavaCV; no ffmpeg
 * binary): moving shapes from several seeds and sizes, clean and degraded, as MP4 and GIF; a drifting grating;
 * and files that cannot be read.
 */
final class TestClips {
    /** Names of the files that FFmpeg cannot decode. */
    static final List<String> BROKEN = List.of("broken/random-bytes.mp4", "broken/truncated.mp4");

    private TestClips() {}

    /** Writes the collection under {@code dir}; returns every file's path relative to it. */
    static List<String> write(Path dir) throws IOException {
        List<String> written = new ArrayList<>();
        SyntheticConfig base = SyntheticConfig.defaults().withMotion(0.5, 3.0, 0.2, 0.0);
        int[][] sizes = {{10, 32, 32}, {12, 48, 64}, {9, 40, 24}};
        for (int s = 0; s < sizes.length; s++) {
            SyntheticConfig c = base.withSeed(11 + s).withSize(sizes[s][0], sizes[s][1], sizes[s][2]);
            if (s == 1) c = c.withDegradations(Knob.always(1.0), Knob.always(0.06), Knob.OFF, Knob.OFF);
            SyntheticVideos data = new SyntheticVideos(c);
            for (int i = 0; i < 3; i++) {
                String name = "shapes-" + s + "/clip-" + i + ".mp4";
                Mp4Writer.write(dir.resolve(name), data.clip(i).video(), 8);
                written.add(name);
            }
        }
        GifWriter.write(dir.resolve("gif/shape.gif"), new SyntheticVideos(base.withSeed(5).withSize(8, 32, 32)).clip(0).video(), 8);
        written.add("gif/shape.gif");
        Mp4Writer.write(dir.resolve("grating.mp4"), grating(12, 36, 36, 1.5, 0.5), 8);
        written.add("grating.mp4");

        byte[] random = new byte[4000];
        new Random(3).nextBytes(random);
        Files.createDirectories(dir.resolve("broken"));
        Files.write(dir.resolve(BROKEN.get(0)), random);
        byte[] whole = Files.readAllBytes(dir.resolve("shapes-0/clip-0.mp4"));
        Files.write(dir.resolve(BROKEN.get(1)), java.util.Arrays.copyOf(whole, whole.length / 3));
        written.addAll(BROKEN);
        return written;
    }

    /** A sinusoidal grating drifting by {@code (vx, vy)} pixels a frame over a colour ramp, {@code [F, 3, H, W]} in [-1, 1]. */
    static Tensor grating(int frames, int h, int w, double vx, double vy) {
        float[] out = new float[frames * 3 * h * w];
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double g = Math.sin(2 * Math.PI * (x - vx * f) / 11) * Math.cos(2 * Math.PI * (y - vy * f) / 15);
                    double ramp = (x + y) / (double) (h + w);
                    double[] rgb = {0.45 * g + 0.3 * ramp, 0.5 * g - 0.2 * ramp, 0.4 * g + 0.1};
                    for (int c = 0; c < 3; c++) out[((f * 3 + c) * h + y) * w + x] = (float) Math.max(-1, Math.min(1, rgb[c]));
                }
            }
        }
        return Tensor.of(out, frames, 3, h, w);
    }
}
