package dev.vdiff.reference.data;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads frames from a video file with the bundled FFmpeg, each frame centre-cropped and resized as it is
 * decoded ({@link Resize}).
 *
 * <p>Frame sampling: frames {@code 0, stride, 2 stride, ..., (frames - 1) stride} from the start. A video too
 * short for that uses the largest stride that fits, {@code floor((n - 1) / (frames - 1))}, at least 1; one
 * with fewer than {@code frames} frames repeats its last frame.
 */
final class VideoDecoder {
    private VideoDecoder() {}

    /** Opens {@code file} and decodes its first frame; an IOException with FFmpeg's reason if it cannot. */
    static void probe(Path file) throws IOException {
        Ffmpeg.init();
        try (FFmpegFrameGrabber g = grabber(file)) {
            g.start();
            if (g.grabImage() == null) throw new IOException("no video frames");
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new IOException(Ffmpeg.reason(e), e);
        }
    }

    /** The sampled clip as float32 values {@code [frames, 3, height, width]} in [-1, 1]. */
    static float[] read(Path file, int frames, int stride, int height, int width) throws IOException {
        return read(file, frames, stride, height, width, n -> { });
    }

    /** As {@link #read(Path, int, int, int, int)}; {@code decodedFrames} hears how many frames the video had (at most the number needed). */
    static float[] read(Path file, int frames, int stride, int height, int width, java.util.function.IntConsumer decodedFrames) throws IOException {
        Ffmpeg.init();
        int need = (frames - 1) * stride + 1;
        List<float[]> decoded = new ArrayList<>();   // each [3, height, width]
        try (FFmpegFrameGrabber g = grabber(file)) {
            g.start();
            Frame f;
            while (decoded.size() < need && (f = g.grabImage()) != null) {
                decoded.add(Resize.rgb24((ByteBuffer) f.image[0], f.imageStride, f.imageWidth, f.imageHeight, height, width));
            }
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new IOException(Ffmpeg.reason(e), e);
        }
        int n = decoded.size();
        if (n == 0) throw new IOException("no video frames");
        decodedFrames.accept(n);
        int s = n >= need ? stride : Math.max(1, frames > 1 ? (n - 1) / (frames - 1) : 1);
        int size = 3 * height * width;
        float[] out = new float[frames * size];
        for (int k = 0; k < frames; k++) System.arraycopy(decoded.get(Math.min(k * s, n - 1)), 0, out, k * size, size);
        return out;
    }

    private static FFmpegFrameGrabber grabber(Path file) {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);   // 3 bytes per pixel, R first
        return g;
    }
}
