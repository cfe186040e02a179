package dev.vdiff.reference.data;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Centre crop and resize of decoded frames, against hand-computed pixels. */
class ResizeTest {
    @Test
    void weightsSumToOneAndStayInsideTheSource() {
        for (int[] c : new int[][] {{10, 3}, {3, 10}, {7, 7}, {100, 32}, {5, 1}, {1, 5}}) {
            Resize.Weights w = Resize.weights(4, c[0], c[1]);
            for (int i = 0; i < c[1]; i++) {
                double sum = 0;
                for (double x : w.w()[i]) sum += x;
                assertEquals(1.0, sum, 1e-12, "weights of output " + i + " for " + c[0] + " -> " + c[1]);
                assertEquals(true, w.first()[i] >= 4 && w.first()[i] + w.w()[i].length <= 4 + c[0], "inside the source");
            }
        }
    }

    /** A {@code w x h} RGB24 image with R = x * 10, G = y * 10, B = 7, rows padded to {@code stride}. */
    private static ByteBuffer image(int w, int h, int stride) {
        ByteBuffer b = ByteBuffer.allocate(stride * h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b.put(y * stride + 3 * x, (byte) (x * 10));
                b.put(y * stride + 3 * x + 1, (byte) (y * 10));
                b.put(y * stride + 3 * x + 2, (byte) 7);
            }
        }
        return b;
    }

    @Test
    void wideFrameIsCentreCroppedThenAreaAveraged() {
        // 8x4 -> 2x2: the centre 4x4 square is columns 2..5; each output averages a 2x2 block.
        float[] out = Resize.rgb24(image(8, 4, 32), 32, 8, 4, 2, 2);
        double[][] expectR = {{25, 45}, {25, 45}};   // mean of x*10 over x = 2,3 and x = 4,5
        double[][] expectG = {{5, 5}, {25, 25}};     // mean of y*10 over y = 0,1 and y = 2,3
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                assertEquals(expectR[y][x] / 127.5 - 1, out[y * 2 + x], 1e-6, "R at " + y + "," + x);
                assertEquals(expectG[y][x] / 127.5 - 1, out[4 + y * 2 + x], 1e-6, "G at " + y + "," + x);
                assertEquals(7 / 127.5 - 1, out[8 + y * 2 + x], 1e-6, "B at " + y + "," + x);
            }
        }
    }

    @Test
    void tallFrameIsCroppedVerticallyAndEnlargedBilinearly() {
        // 2x6 -> 4x4: crop rows 2..3 (a 2x2 square), then x2 bilinear with half-pixel centres:
        // output column j samples source x = (j + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp -> 0, .25, .75, 1.
        float[] out = Resize.rgb24(image(2, 6, 6), 6, 2, 6, 4, 4);
        double[] t = {0, 0.25, 0.75, 1};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(10 * t[x] / 127.5 - 1, out[y * 4 + x], 1e-6, "R at " + y + "," + x);
                assertEquals(10 * (2 + t[y]) / 127.5 - 1, out[16 + y * 4 + x], 1e-6, "G at " + y + "," + x);
            }
        }
    }
}
