package dev.vdiff.reference.eval;

import dev.vdiff.reference.data.Frames;
import dev.vdiff.reference.data.GifWriter;
import dev.vdiff.tensor.Tensor;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The degradations the visual-quality tests apply to a clean clip, written here independently of the synthetic
 * generator's ({@code data/Degradations}), each on every RGB plane of a {@code [F, 3, H, W]} clip in [-1, 1] and
 * clamped back to [-1, 1]; and a round trip through our {@link GifWriter} (a 256-colour palette per frame).
 */
enum TestDegradations {
    /** Separable gaussian blur of standard deviation {@code strength} pixels (radius 3 sigma, edges clamped). */
    BLUR,
    /** White gaussian noise of standard deviation {@code strength} grey levels (of 255), new in every frame. */
    NOISE,
    /** JPEG-like 8x8 blocks: DCT, coefficients rounded to multiples of {@code strength * Q50 / 255}, inverse DCT. */
    BLOCKS;

    /** {@code video} degraded at {@code strength} (noise drawn from {@code seed}). */
    Tensor apply(Tensor video, double strength, long seed) {
        int planes = video.shape(0) * 3, h = video.shape(2), w = video.shape(3), n = h * w;
        float[] v = video.floats().clone();
        SplittableRandom r = new SplittableRandom(seed);
        float[] plane = new float[n];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < n; i++) plane[i] = 0.5f * (v[p * n + i] + 1);   // [0, 1]
            switch (this) {
                case BLUR: blur(plane, h, w, strength); break;
                case NOISE: for (int i = 0; i < n; i++) plane[i] += (float) (strength / 255 * gaussian(r)); break;
                case BLOCKS: blocks(plane, h, w, strength); break;
                default: throw new AssertionError(this);
            }
            for (int i = 0; i < n; i++) v[p * n + i] = 2 * Math.max(0f, Math.min(1f, plane[i])) - 1;
        }
        return Tensor.of(v, video.shape());
    }

    private static double gaussian(SplittableRandom r) {   // Box-Muller
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static void blur(float[] p, int h, int w, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
        float[] tmp = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -radius; i <= radius; i++) acc += k[i + radius] * p[y * w + Math.max(0, Math.min(w - 1, x + i))];
                tmp[y * w + x] = (float) (acc / sum);
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -radius; i <= radius; i++) acc += k[i + radius] * tmp[Math.max(0, Math.min(h - 1, y + i)) * w + x];
                p[y * w + x] = (float) (acc / sum);
            }
        }
    }

    /** JPEG's quality-50 luminance table (ITU-T T.81, Table K.1), in grey levels. */
    private static final int[] Q50 = {
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    };

    private static void blocks(float[] p, int h, int w, double strength) {
        double[][] dct = new double[8][8];   // orthonormal DCT-II
        for (int u = 0; u < 8; u++) {
            for (int x = 0; x < 8; x++) dct[u][x] = (u == 0 ? Math.sqrt(0.125) : 0.5) * Math.cos((2 * x + 1) * u * Math.PI / 16);
        }
        double[] b = new double[64], c = new double[64];
        for (int by = 0; by < h; by += 8) {
            for (int bx = 0; bx < w; bx += 8) {
                for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) b[y * 8 + x] = p[Math.min(by + y, h - 1) * w + Math.min(bx + x, w - 1)];
                for (int u = 0; u < 8; u++) {
                    for (int v = 0; v < 8; v++) {
                        double acc = 0;
                        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) acc += dct[u][y] * dct[v][x] * b[y * 8 + x];
                        double q = strength * Q50[u * 8 + v] / 255;
                        c[u * 8 + v] = Math.rint(acc / q) * q;
                    }
                }
                for (int y = 0; y < 8 && by + y < h; y++) {
                    for (int x = 0; x < 8 && bx + x < w; x++) {
                        double acc = 0;
                        for (int u = 0; u < 8; u++) for (int v = 0; v < 8; v++) acc += dct[u][y] * dct[v][x] * c[u * 8 + v];
                        p[(by + y) * w + bx + x] = (float) acc;
                    }
                }
            }
        }
    }

    /** {@code video} written by {@link GifWriter} into {@code dir} and read back frame by frame with ImageIO. */
    static Tensor throughGif(Tensor video, Path dir) {
        int frames = video.shape(0), h = video.shape(2), w = video.shape(3);
        try {
            Path file = Files.createTempFile(dir, "clip", ".gif");   // deleted below
            GifWriter.write(file, video, 8);
            float[] out = new float[video.numel()];
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                reader.setInput(in);
                for (int f = 0; f < frames; f++) {
                    BufferedImage img = reader.read(f);
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int rgb = img.getRGB(x, y);
                            for (int c = 0; c < 3; c++) out[((f * 3 + c) * h + y) * w + x] = Frames.fromByte((rgb >> (16 - 8 * c)) & 0xff);
                        }
                    }
                }
            } finally {
                reader.dispose();
            }
            Files.delete(file);
            return Tensor.of(out, video.shape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
