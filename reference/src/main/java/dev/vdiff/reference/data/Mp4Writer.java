package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.AtomicWrite;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Writes a video as MP4 with the bundled FFmpeg: H.264 (OpenH264) when available, else MPEG-4 part 2;
 * YUV 4:2:0, so width and height must be even. The bit rate is generous (about 4 bits per pixel per frame,
 * at least 400 kbit/s) because our clips are tiny. What is lost is mostly colour at sharp edges (4:2:0 keeps
 * one chroma sample per 2x2 pixels): a 32x32 synthetic clip comes back with a mean absolute error of about
 * 0.03 in [-1, 1] units, the same with MPEG-4 at its best quality, so the codec is not the limit.
 *
 * <p>The H.264 encoder refuses frames under {@value #MIN_SIDE} pixels a side ({@code vdiff sample --scale 1} of an
 * 8x8 model failed in the encoder): a smaller video is enlarged by the smallest integer factor that reaches it,
 * nearest neighbour, as {@code --scale} enlarges (every pixel becomes a k x k block; nothing is interpolated).
 *
 * <pre>{@code
 * Mp4Writer.write(Path.of("out/sample.mp4"), clip.video(), 8);   // [F, 3, H, W] in [-1, 1], 8 frames/s
 * }</pre>
 */
public final class Mp4Writer {
    /** The smallest side the H.264 encoder (OpenH264) accepts. */
    static final int MIN_SIDE = 16;

    private Mp4Writer() {}

    /** The integer enlargement that brings the shorter side of an {@code h x w} video to at least {@link #MIN_SIDE}. */
    static int enlargement(int h, int w) {
        int side = Math.min(h, w);
        return (MIN_SIDE + side - 1) / side;
    }

    /** Writes {@code video} ({@code [F, 3, H, W]} in [-1, 1]) at {@code fps}; atomic. */
    public static void write(Path file, Tensor video, double fps) throws IOException {
        if (!(fps > 0)) throw new IllegalArgumentException("Mp4Writer: fps must be > 0, got " + fps);
        double[] v = Frames.values(video, "Mp4Writer");
        int frames = video.shape(0), h = video.shape(2), w = video.shape(3);
        if (h % 2 != 0 || w % 2 != 0) {
            throw new IllegalArgumentException("Mp4Writer: MP4 (YUV 4:2:0) needs even width and height, got " + h + "x" + w);
        }
        int k = enlargement(h, w), height = h * k, width = w * k;   // encoded frame: [height, width] = [h k, w k]
        int codec = Ffmpeg.videoCodec();
        AtomicWrite.writeFile(file, temp -> {
            try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(temp.toFile(), width, height, 0)) {
                rec.setFormat("mp4");
                rec.setVideoCodec(codec);
                rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                rec.setFrameRate(fps);
                rec.setVideoBitrate((int) Math.min(Integer.MAX_VALUE, Math.max(400_000, 4.0 * width * height * fps)));
                if (codec == avcodec.AV_CODEC_ID_MPEG4) rec.setVideoQuality(2);   // qscale: near lossless
                rec.start();
                Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                int plane = h * w;
                for (int f = 0; f < frames; f++) {
                    int base = f * 3 * plane;
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            int i = base + (y / k) * w + x / k, o = y * frame.imageStride + 3 * x;
                            buf.put(o, (byte) Frames.toByte(v[i]));
                            buf.put(o + 1, (byte) Frames.toByte(v[i + plane]));
                            buf.put(o + 2, (byte) Frames.toByte(v[i + 2 * plane]));
                        }
                    }
                    rec.record(frame, avutil.AV_PIX_FMT_RGB24);
                }
                rec.stop();
            }
        });
    }
}
