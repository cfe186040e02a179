package dev.vdiff.reference.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The VQ components on images whose values we can work out by hand. */
class VisualQualityTest {
    private static final int H = 16, W = 24;

    private interface Pixel {
        double at(int x, int y);
    }

    private static float[] image(Pixel f) {
        float[] p = new float[H * W];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) p[y * W + x] = (float) f.at(x, y);
        return p;
    }

    /** A checkerboard of +-c around 0.5: the interior Laplacian is -+8c, half and half, so its variance is 64 c^2. */
    @Test
    void laplacianVarianceOfACheckerboard() {
        double c = 0.1;
        float[] p = image((x, y) -> 0.5 + ((x + y) % 2 == 0 ? c : -c));
        // (H-2)(W-2) = 308 interior pixels, 154 of each sign: mean 0.
        assertEquals(64 * c * c, VisualQuality.laplacianVariance(p, H, W), 1e-6);
        // A quadratic bowl has a constant Laplacian (2a + 2b): variance 0.
        assertEquals(0, VisualQuality.laplacianVariance(image((x, y) -> 1e-3 * (x * x + 2 * y * y)), H, W), 1e-9);
    }

    /** Immerkær's kernel is the product of two second differences: it annihilates a + bx + cy + dxy; on the checkerboard |K * I| = 16c. */
    @Test
    void immerkaerIgnoresSmoothContent() {
        assertEquals(0, VisualQuality.immerkaer(image((x, y) -> 0.1 + 0.01 * x + 0.02 * y + 0.001 * x * y), H, W), 1e-6);
        double c = 0.05;
        float[] p = image((x, y) -> 0.5 + ((x + y) % 2 == 0 ? c : -c));
        assertEquals(Math.sqrt(Math.PI / 2) / 6 * 16 * c, VisualQuality.immerkaer(p, H, W), 1e-6);
    }

    /** Constant 8x8 blocks: no step inside a block, so B = (mean step across block edges + 1/255) / (1/255). */
    @Test
    void blockinessOfConstantBlocks() {
        // Block (bx, by) has value 0.2 + 0.1 bx + 0.05 by: steps 0.1 across vertical edges, 0.05 across horizontal ones.
        float[] p = image((x, y) -> 0.2 + 0.1 * (x / 8) + 0.05 * (y / 8));
        // Horizontal neighbour pairs crossing an edge: 2 edges x 16 rows = 32 of step 0.1; vertical: 1 edge x 24 columns = 24 of 0.05.
        double edge = (32 * 0.1 + 24 * 0.05) / 56;
        assertEquals((edge + 1 / 255.0) / (1 / 255.0), VisualQuality.blockiness(p, H, W), 1e-4);
        // A ramp with equal slopes has the same step everywhere: B = 1.
        assertEquals(1, VisualQuality.blockiness(image((x, y) -> 0.01 * x + 0.01 * y), H, W), 1e-5);
    }

    /** The temporal estimate is the median absolute frame difference over 0.6745 sqrt 2. */
    @Test
    void temporalNoiseIsTheScaledMedian() {
        float[] a = new float[5], b = {0.01f, -0.02f, 0.03f, 0.5f, -0.6f};
        // |b - a| = 0.01, 0.02, 0.03, 0.5, 0.6: median 0.03 (the two changed pixels do not move it).
        assertEquals(0.03 / (0.6745 * Math.sqrt(2)), VisualQuality.temporalNoise(a, b), 1e-7);
    }
}
