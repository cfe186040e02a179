package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/** Conversions between video tensors {@code [F, 3, H, W]} in [-1, 1] and 8-bit RGB images. */
public final class Frames {
    private Frames() {}

    /** Checks {@code video} is {@code [F, 3, H, W]} and returns its values as doubles, row-major. */
    static double[] values(Tensor video, String who) {
        if (video.rank() != 4 || video.shape(1) != 3 || video.shape(0) < 1) {
            throw new IllegalArgumentException(who + ": video must be [F >= 1, 3, H, W], got " + Arrays.toString(video.shape()));
        }
        return video.toDoubleArray();
    }

    /** {@code x in [-1, 1] -> round((x + 1) 127.5)}, clamped to 0..255. */
    public static int toByte(double x) {
        long v = Math.round((x + 1) * 127.5);
        return (int) Math.max(0, Math.min(255, v));
    }

    /** Inverse of {@link #toByte}: {@code b / 127.5 - 1}. */
    public static float fromByte(int b) {
        return (float) ((b & 0xff) / 127.5 - 1.0);
    }

    /** Frame {@code f} of {@code values} (a {@code [F, 3, H, W]} array) as an RGB image. */
    static BufferedImage image(double[] values, int f, int height, int width) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width, base = f * 3 * plane;
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = base + y * width + x;
                row[x] = toByte(values[i]) << 16 | toByte(values[i + plane]) << 8 | toByte(values[i + 2 * plane]);
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }
}
