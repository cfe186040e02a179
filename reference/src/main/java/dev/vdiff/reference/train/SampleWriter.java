package dev.vdiff.reference.train;

import dev.vdiff.reference.data.FrameGrid;
import dev.vdiff.reference.data.GifWriter;
import dev.vdiff.reference.data.Mp4Writer;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes generated videos for people to look at: for a group of videos (one class), an animated GIF and an
 * MP4 of the videos side by side, enlarged {@code scale} times (nearest neighbour: our clips are tiny), and a
 * PNG grid with one row per video and one column per frame.
 *
 * <pre>{@code
 * SampleWriter.write(dir, "circle", videos, 4, 8.0);   // circle.gif, circle.mp4, circle.png
 * }</pre>
 */
public final class SampleWriter {
    /** Pixels between tiles (grey). */
    static final int GAP = 2;

    private SampleWriter() {}

    /** Writes {@code name.gif}, {@code name.mp4} and {@code name.png} in {@code dir}; returns the three paths. */
    public static List<Path> write(Path dir, String name, List<Tensor> videos, int scale, double fps) throws IOException {
        Files.createDirectories(dir);
        Tensor tiled = tile(videos, scale);
        Path gif = dir.resolve(name + ".gif"), mp4 = dir.resolve(name + ".mp4"), png = dir.resolve(name + ".png");
        GifWriter.write(gif, tiled, fps);
        Mp4Writer.write(mp4, tiled, fps);
        FrameGrid.write(png, videos, scale);
        return List.of(gif, mp4, png);
    }

    /**
     * The videos ({@code [F, 3, H, W]} each, same size) side by side in one video, each pixel enlarged to
     * {@code scale x scale}, {@link #GAP} grey pixels between them; width and height are even (MP4 needs it).
     */
    public static Tensor tile(List<Tensor> videos, int scale) {
        if (videos.isEmpty()) throw new IllegalArgumentException("SampleWriter: no videos");
        if (scale < 1) throw new IllegalArgumentException("SampleWriter: scale must be >= 1, got " + scale);
        int f = videos.get(0).shape(0), h = videos.get(0).shape(2), w = videos.get(0).shape(3), n = videos.size();
        int th = h * scale, tw = w * scale;
        int outH = th + (th % 2), outW = n * tw + (n - 1) * GAP;
        outW += outW % 2;
        float[] out = new float[f * 3 * outH * outW];
        java.util.Arrays.fill(out, 0f);   // grey (0 in [-1, 1]) gaps and padding
        for (int v = 0; v < n; v++) {
            Tensor video = videos.get(v);
            if (video.shape(0) != f || video.shape(2) != h || video.shape(3) != w) throw new IllegalArgumentException("SampleWriter: videos differ in size");
            float[] src = video.to(dev.vdiff.tensor.DType.FLOAT32).contiguous().floats();
            int ox = v * (tw + GAP);
            for (int fr = 0; fr < f; fr++) {
                for (int c = 0; c < 3; c++) {
                    int sBase = (fr * 3 + c) * h * w, dBase = (fr * 3 + c) * outH * outW;
                    for (int y = 0; y < th; y++) {
                        for (int x = 0; x < tw; x++) out[dBase + y * outW + ox + x] = src[sBase + (y / scale) * w + x / scale];
                    }
                }
            }
        }
        return Tensor.of(out, f, 3, outH, outW);
    }
}
