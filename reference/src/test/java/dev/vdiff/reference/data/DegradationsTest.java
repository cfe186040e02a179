package dev.vdiff.reference.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The degradations on hand-made planes, against hand-computed values. */
class DegradationsTest {
    private static final int H = 16, W = 32;

    /** A horizontal ramp 0.2 .. 0.8. */
    private static float[] ramp() {
        float[] p = new float[H * W];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) p[y * W + x] = 0.2f + 0.6f * x / (W - 1);
        return p;
    }

    @Test
    void blurOfAnImpulseIsTheNormalisedGaussian() {
        float[] p = new float[H * W];
        p[8 * W + 16] = 1;
        double sigma = 1.0;
        Degradations.gaussianBlur(p, H, W, sigma);
        // Separable: value at (8 + dy, 16 + dx) = g(dy) g(dx), g(i) = exp(-i^2 / 2) / sum_{|j| <= 3} exp(-j^2 / 2).
        double norm = 0;
        for (int j = -3; j <= 3; j++) norm += Math.exp(-0.5 * j * j);
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                double gy = Math.abs(dy) <= 3 ? Math.exp(-0.5 * dy * dy) / norm : 0;
                double gx = Math.abs(dx) <= 3 ? Math.exp(-0.5 * dx * dx) / norm : 0;
                assertEquals(gy * gx, p[(8 + dy) * W + 16 + dx], 1e-6 + 1e-5 * gy * gx, "at " + dy + "," + dx);
            }
        }
    }

    @Test
    void downscaleAveragesBlocksAndKeepsConstants() {
        float[] c = new float[H * W];
        java.util.Arrays.fill(c, 0.37f);
        Degradations.downscaleUp(c, H, W, 3);   // 3 does not divide 16 or 32: partial edge blocks
        for (float v : c) assertEquals(0.37f, v, 1e-6f);

        // Columns alternating 0/1 average to 0.5 in 2x2 blocks: all detail is gone.
        float[] stripes = new float[H * W];
        for (int i = 0; i < stripes.length; i++) stripes[i] = (i % W) % 2;
        Degradations.downscaleUp(stripes, H, W, 2);
        for (float v : stripes) assertEquals(0.5f, v, 1e-6f);
    }

    @Test
    void blockingWithATinyStepIsTheIdentity() {
        // The orthonormal DCT and its inverse round-trip; a step of 1e-7 x the table changes nothing visible.
        float[] p = ramp(), q = ramp();
        Degradations.blockDct(q, H, W, 1e-7);
        for (int i = 0; i < p.length; i++) assertEquals(p[i], q[i], 1e-5f, "at " + i);
    }

    @Test
    void blockingTurnsAGentleRampIntoFlatBlocksWithStepsAtTheSeams() {
        // Ramp 0.4 + s x with s = 0.12 / 31, 8 equal rows per block: its largest AC coefficient is the (0, 1)
        // one, sqrt(8) * sqrt(2/8) * sum_x s x cos((2x + 1) pi / 16) = -18.2 s = -0.070, smaller than half its
        // step, 4 * 11 / 255 / 2 = 0.086, so every coefficient but the DC rounds to 0: each block becomes flat.
        float[] p = new float[H * W];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) p[y * W + x] = 0.4f + 0.12f * x / (W - 1);
        Degradations.blockDct(p, H, W, 4.0);
        double across = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x + 1 < W; x++) {
                double d = p[y * W + x + 1] - p[y * W + x];
                if ((x + 1) % 8 == 0) across += d;
                else assertEquals(0, d, 1e-5, "inside a block at " + y + "," + x);
            }
        }
        // The ramp still rises from block to block, in steps of the DC step 4 * 16 / 255 / 8 = 0.031.
        assertTrue(across > 0, "no rise across the seams");
        // Rows stay identical: the ramp has no vertical structure to create.
        for (int y = 1; y < H; y++) for (int x = 0; x < W; x++) assertEquals(p[x], p[y * W + x], 1e-6f);
    }

    @Test
    void noiseAddsScaledDraws() {
        float[] p = ramp(), z = new float[H * W + 5];
        for (int i = 0; i < z.length; i++) z[i] = (i % 7) - 3;
        Degradations.addNoise(p, 0.01, z, 5);
        float[] r = ramp();
        for (int i = 0; i < p.length; i++) assertEquals(r[i] + 0.01f * z[5 + i], p[i], 1e-6f);
    }
}
