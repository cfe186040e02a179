package dev.vdiff.reference.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The VQ components on images whose values we can work out by hand (or, for the noise estimate, that we made with known noise). */
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

    /** A checkerboard of +-c around 0.5: every Laplacian is -+8c, so the mean square is 64 c^2 whichever pixels count. */
    @Test
    void laplacianEnergyOfACheckerboard() {
        double c = 0.1;
        float[] p = image((x, y) -> 0.5 + ((x + y) % 2 == 0 ? c : -c));
        assertEquals(64 * c * c, VisualQuality.laplacianEnergy(p, H, W), 1e-6);
        // A quadratic bowl a x^2 + b y^2 has the constant Laplacian 2a + 2b.
        assertEquals(Math.pow(2e-3 + 4e-3, 2), VisualQuality.laplacianEnergy(image((x, y) -> 1e-3 * (x * x + 2 * y * y)), H, W), 1e-9);
    }

    /** Constant 8x8 blocks: no step inside a block, so B = (e + floor) / (e + 2 floor) with e the mean absolute step across block edges. */
    @Test
    void blockinessOfConstantBlocks() {
        // Block (bx, by) has value 0.2 + 0.1 bx + 0.05 by: steps 0.1 across vertical edges, 0.05 across horizontal ones.
        float[] p = image((x, y) -> 0.2 + 0.1 * (x / 8) + 0.05 * (y / 8));
        // Horizontal neighbour pairs crossing an edge: 2 edges x 16 rows = 32 of step 0.1; vertical: 1 edge x 24 columns = 24 of 0.05.
        double e = (32 * 0.1 + 24 * 0.05) / 56, floor = VisualQuality.STEP_FLOOR;
        assertEquals((e + floor) / (e + 2 * floor), VisualQuality.blockiness(p, H, W), 1e-4);
        // A ramp with equal slopes has the same step everywhere: B = 1/2.
        assertEquals(0.5, VisualQuality.blockiness(image((x, y) -> 0.01 * x + 0.01 * y), H, W), 1e-5);
    }

    /**
     * The patch estimate recovers the standard deviation of white noise added to flat, smooth and striped frames
     * within 20% (keeping the flattest half of the patches favours patches where the noise drew low: it reads up to
     * about 15% low), and sees none in a clean ramp.
     */
    @Test
    void patchNoiseRecoversWhiteNoise() {
        int h = 64, w = 64, frames = 4;
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        Pixel[] contents = {(x, y) -> 0.5, (x, y) -> 0.2 + 0.004 * x + 0.003 * y, (x, y) -> 0.5 + 0.3 * Math.sin(x * 0.4)};
        for (Pixel content : contents) {
            for (double sigma : new double[] {0.01, 0.05}) {
                float[][] luma = new float[frames][h * w];
                for (int f = 0; f < frames; f++) {
                    for (int i = 0; i < h * w; i++) {
                        double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                        luma[f][i] = (float) (content.at(i % w, i / w) + sigma * g);
                    }
                }
                assertEquals(sigma, Math.sqrt(PatchNoise.variance(luma, h, w)), 0.2 * sigma, "sigma " + sigma);
            }
        }
        float[][] ramp = new float[frames][h * w];
        for (float[] f : ramp) for (int i = 0; i < h * w; i++) f[i] = (float) (0.2 + 0.004 * (i % w) + 0.003 * (i / w));
        assertEquals(0, Math.sqrt(PatchNoise.variance(ramp, h, w)), 1e-3);
    }
}
