package dev.vdiff.reference.demo;

import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BackgroundStats} on hand-made clips with known answers, and on the demo's own data (flat, static backgrounds). */
class BackgroundStatsTest {
    static final int F = 4, H = 8, W = 10;

    /** A clip {@code [F, 3, H, W]} in [-1, 1] whose frame f has background colour {@code bg[f]} (RGB in [0, 1]) and a 3x3 white square at (2 + f, 3). */
    static double[] clip(double[][] bg) {
        double[] x = new double[F * 3 * H * W];
        for (int f = 0; f < F; f++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < H; y++) {
                    for (int xx = 0; xx < W; xx++) {
                        boolean square = y >= 3 && y < 6 && xx >= 2 + f && xx < 5 + f;
                        x[((f * 3 + c) * H + y) * W + xx] = 2 * (square ? 1.0 : bg[f][c]) - 1;
                    }
                }
            }
        }
        return x;
    }

    @Test
    void flatStaticBackgroundIsReadExactlyAndTheShapeIsIgnored() {
        double[] col = {0.5, 0.25, 0.05};
        BackgroundStats.Clip k = BackgroundStats.of(clip(new double[][] {col, col, col, col}), F, H, W);
        for (int c = 0; c < 3; c++) assertEquals(col[c], k.color()[c], 1e-12);
        assertEquals(0.5, k.brightness(), 1e-12);
        assertEquals((0.5 - 0.05) / 0.5, k.saturation(), 1e-12);   // HSV saturation by hand: 0.9
        assertEquals(0, k.roughness(), 0);
        assertEquals(0, k.drift(), 0);
        assertTrue(k.inDataRange());
    }

    @Test
    void driftIsTheMeanEuclideanStepOfTheFrameColours() {
        // The red channel steps by 0.1, 0.1, 0.4 over the three frame pairs, green by 0, 0, 0.3: steps 0.1, 0.1, 0.5.
        double[][] bg = {{0.1, 0.2, 0.3}, {0.2, 0.2, 0.3}, {0.3, 0.2, 0.3}, {0.7, 0.5, 0.3}};
        BackgroundStats.Clip k = BackgroundStats.of(clip(bg), F, H, W);
        assertEquals((0.1 + 0.1 + 0.5) / 3, k.drift(), 1e-12);
        assertEquals((0.1 + 0.2 + 0.3 + 0.7) / 4, k.color()[0], 1e-12);
        assertEquals(0, k.roughness(), 0);
        // mean colour (0.325, 0.275, 0.3): value 0.325, saturation (0.325 - 0.275) / 0.325
        assertEquals(0.325, k.brightness(), 1e-12);
        assertEquals(0.05 / 0.325, k.saturation(), 1e-12);
    }

    @Test
    void steadiedClipKeepsItsMeanColourAndShapeButNotTheDrift() {
        double[][] bg = {{0.1, 0.2, 0.3}, {0.2, 0.2, 0.3}, {0.3, 0.2, 0.3}, {0.7, 0.5, 0.3}};
        Tensor v = tensor(clip(bg));
        Tensor s = BackgroundStats.steadied(v);
        BackgroundStats.Clip before = BackgroundStats.of(v), after = BackgroundStats.of(s);
        assertEquals(0, after.drift(), 1e-6);
        for (int c = 0; c < 3; c++) assertEquals(before.color()[c], after.color()[c], 1e-6);
        // Frame 3's red background was 0.7 and the mean is 0.325: every pixel of that frame moved by -0.375 (x2 in [-1, 1] units),
        // the white square's too (1.0 -> 0.625); a frame whose colour is the mean stays.
        double[] x = s.toDoubleArray(), x0 = v.toDoubleArray();
        int square = ((3 * 3) * H + 4) * W + 5;   // frame 3, red, (y 4, x 5): inside the square at x 5..7
        assertEquals(2 * 0.625 - 1, x[square], 1e-6);
        assertEquals(2 * (0.7 - 0.375) - 1, x[((3 * 3) * H) * W], 1e-6);
        assertEquals(x0.length, x.length);
    }

    @Test
    void roughnessIsTheMedianAbsoluteDeviationOnTheBorder() {
        // Frame colour 0.3 everywhere, plus a checkerboard of +-0.05: the ring holds as many + as - pixels (even W and H),
        // so the median is 0.3 (mean of the two middle values) and every deviation is 0.05.
        double[] x = new double[F * 3 * H * W];
        for (int i = 0; i < x.length; i++) {
            int xx = i % W, y = (i / W) % H;
            x[i] = 2 * (0.3 + ((xx + y) % 2 == 0 ? 0.05 : -0.05)) - 1;
        }
        BackgroundStats.Clip k = BackgroundStats.of(x, F, H, W);
        assertEquals(0.05, k.roughness(), 1e-12);
        assertEquals(0.3, k.color()[1], 1e-12);
        assertEquals(0, k.drift(), 1e-12);
        assertEquals(0, k.saturation(), 1e-12);   // grey
    }

    @Test
    void summaryMeansSpreadAndRange() {
        double[] a = {0.1, 0.1, 0.1}, b = {0.3, 0.3, 0.3}, bright = {0.9, 0.2, 0.2};
        List<Tensor> set = List.of(tensor(clip(new double[][] {a, a, a, a})), tensor(clip(new double[][] {b, b, b, b})), tensor(clip(new double[][] {bright, bright, bright, bright})));
        BackgroundStats.Summary s = BackgroundStats.of(set);
        assertEquals(3, s.clips());
        assertEquals((0.1 + 0.3 + 0.9) / 3, s.meanColor()[0], 1e-6);
        assertEquals((0.1 + 0.3 + 0.9) / 3, s.brightness(), 1e-6);
        assertEquals((0 + 0 + (0.9 - 0.2) / 0.9) / 3, s.saturation(), 1e-6);
        assertEquals(2.0 / 3, s.inDataRange(), 1e-12);   // 0.9 is out of [0.05, 0.5] + 0.05
        // sample standard deviations over the 3 clips: red {0.1, 0.3, 0.9} 0.4163, green and blue {0.1, 0.3, 0.2} 0.1
        assertEquals((Math.sqrt(((0.1 - 13.0 / 30) * (0.1 - 13.0 / 30) + (0.3 - 13.0 / 30) * (0.3 - 13.0 / 30) + (0.9 - 13.0 / 30) * (0.9 - 13.0 / 30)) / 2) + 0.1 + 0.1) / 3,
            s.colorSpread(), 1e-6);
        assertFalse(s.describe().isEmpty());
    }

    @Test
    void theDemosDataHasFlatStaticBackgroundsInItsColourRange() {
        // Textures draws flat backgrounds with every channel in [0.05, 0.5], static over the clip: what the generated clips should match.
        DataSpec d = DemoConfig.full().run().data();
        List<Tensor> real = d.open().videos(DataSpec.HELD_OUT_B, 30);
        BackgroundStats.Summary s = BackgroundStats.of(real);
        assertEquals(1.0, s.inDataRange(), 0);
        assertEquals(0, s.drift(), 1e-6);
        assertEquals(0, s.roughness(), 1e-6);
        assertTrue(s.brightness() > 0.05 && s.brightness() < 0.5, s.describe());
        for (Tensor v : real) {
            BackgroundStats.Clip k = BackgroundStats.of(v);
            for (double c : k.color()) assertTrue(c >= 0.05 - 1e-6 && c <= 0.5 + 1e-6, "channel " + c);
        }
    }

    @Test
    void rejectsANonVideo() {
        assertThrows(IllegalArgumentException.class, () -> BackgroundStats.of(Tensor.zeros(DType.FLOAT32, 4, 1, 8, 8)));
        assertThrows(IllegalArgumentException.class, () -> BackgroundStats.of(List.of()));
    }

    static Tensor tensor(double[] x) {
        return Tensor.of(x, F, 3, H, W).to(DType.FLOAT32);
    }
}
