package dev.vdiff.reference.eval;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Seeded clean clips of varied content for the visual-quality tests, rendered here (not by the code under test),
 * each {@code [F, 3, H, W]} float32 in [-1, 1], moving by a fraction of a pixel or more per frame:
 * two shapes on a smooth gradient, our synthetic generator's clips (one per background), a random smooth field,
 * a checkerboard, and natural-like {@code 1/f} ("pink") noise.
 */
enum TestContent {
    /** Two moving shapes (a disc and a square) on a smooth two-colour gradient: the case of issue 9. */
    SHAPES_ON_GRADIENT,
    /** The synthetic generator's clips, one shape on each kind of background. */
    SYNTHETIC_FLAT, SYNTHETIC_GRADIENT, SYNTHETIC_STRIPES, SYNTHETIC_VALUE_NOISE,
    /** A sum of eight random low-frequency sinusoids per channel (periods of a quarter frame and more). */
    SMOOTH_FIELD,
    /** A drifting checkerboard of 5-pixel cells (a period that divides the 8x8 block grid would be indistinguishable from blocking), two colours. */
    CHECKERBOARD,
    /** Pink noise: octaves of bilinearly interpolated white noise, amplitude halving per octave (power ~ 1/f^2). */
    PINK_NOISE;

    static final int FRAMES = 4;

    /** The clean clip of this content at {@code h x w}, drawn from {@code seed}. */
    Tensor render(int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + ordinal());
        switch (this) {
            case SYNTHETIC_FLAT: return synthetic(BackgroundKind.FLAT, h, w, seed);
            case SYNTHETIC_GRADIENT: return synthetic(BackgroundKind.GRADIENT, h, w, seed);
            case SYNTHETIC_STRIPES: return synthetic(BackgroundKind.STRIPES, h, w, seed);
            case SYNTHETIC_VALUE_NOISE: return synthetic(BackgroundKind.VALUE_NOISE, h, w, seed);
            default: break;
        }
        float[] out = new float[FRAMES * 3 * h * w];
        double[][] colors = {color(r), color(r), color(r), color(r)};
        double vx = 0.3 + r.nextDouble(), vy = r.nextDouble() - 0.5;   // pixels per frame
        Field field = field(r, h, w);
        for (int f = 0; f < FRAMES; f++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double[] rgb = pixel(field, colors, x + 0.5 - vx * f, y + 0.5 - vy * f, x + 0.5, y + 0.5, f, h, w);
                    for (int c = 0; c < 3; c++) out[((f * 3 + c) * h + y) * w + x] = (float) (2 * clamp01(rgb[c]) - 1);
                }
            }
        }
        return Tensor.of(out, FRAMES, 3, h, w);
    }

    /** A blend weight {@code t(x, y)} in [0, 1] between two colours. */
    private interface Field {
        double at(double x, double y);
    }

    private Field field(SplittableRandom r, int h, int w) {
        switch (this) {
            case SHAPES_ON_GRADIENT: {
                double a = 2 * Math.PI * r.nextDouble(), ux = Math.cos(a) / (h + w), uy = Math.sin(a) / (h + w);
                return (x, y) -> 0.5 + ux * (x - w / 2.0) + uy * (y - h / 2.0);
            }
            case SMOOTH_FIELD: {
                int n = 8;
                double[] fx = new double[n], fy = new double[n], ph = new double[n];
                for (int i = 0; i < n; i++) {
                    fx[i] = (r.nextDouble() * 8 - 4) / w;   // up to 4 periods across the frame
                    fy[i] = (r.nextDouble() * 8 - 4) / h;
                    ph[i] = 2 * Math.PI * r.nextDouble();
                }
                return (x, y) -> {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += Math.sin(2 * Math.PI * (fx[i] * x + fy[i] * y) + ph[i]);
                    return 0.5 + s / (2 * Math.sqrt(2 * n));
                };
            }
            case CHECKERBOARD:
                return (x, y) -> ((int) Math.floor(x / 5) + (int) Math.floor(y / 5)) % 2 == 0 ? 0.2 : 0.8;
            case PINK_NOISE: {
                int size = Math.max(h, w) + 64, octaves = 6;
                double[][] lattices = new double[octaves][];
                int[] cells = new int[octaves];
                for (int o = 0; o < octaves; o++) {
                    cells[o] = 1 << o;   // lattice spacing 1, 2, 4, ... pixels
                    int g = size / cells[o] + 3;
                    lattices[o] = new double[g * g];
                    for (int i = 0; i < lattices[o].length; i++) lattices[o][i] = r.nextDouble() - 0.5;
                }
                return (x, y) -> {
                    double s = 0, norm = 0;
                    for (int o = 0; o < octaves; o++) {
                        double amp = 1 << o;   // amplitude ~ wavelength: power spectrum ~ 1/f^2
                        s += amp * bilinear(lattices[o], size / cells[o] + 3, (x + 32) / cells[o], (y + 32) / cells[o]);
                        norm += amp;
                    }
                    return 0.5 + 1.5 * s / norm;
                };
            }
            default:
                throw new AssertionError(this);
        }
    }

    private double[] pixel(Field field, double[][] colors, double mx, double my, double x, double y, int f, int h, int w) {
        double t = this == SHAPES_ON_GRADIENT ? field.at(x, y) : field.at(mx, my);
        double[] rgb = new double[3];
        for (int c = 0; c < 3; c++) rgb[c] = colors[0][c] + (colors[1][c] - colors[0][c]) * t;
        if (this == SHAPES_ON_GRADIENT) {
            // A disc moving right and a square moving down-left over the still gradient, hard edges.
            double r = 0.18 * Math.min(h, w);
            double cx = 0.3 * w + 1.5 * f, cy = 0.35 * h, sx = 0.65 * w - f, sy = 0.55 * h + f;
            if (Math.hypot(x - cx, y - cy) < r) rgb = colors[2];
            if (Math.abs(x - sx) < r && Math.abs(y - sy) < r) rgb = colors[3];
        }
        return rgb;
    }

    private static double bilinear(double[] g, int gw, double x, double y) {
        int ix = (int) Math.floor(x), iy = (int) Math.floor(y);
        double fx = x - ix, fy = y - iy;
        double top = g[iy * gw + ix] * (1 - fx) + g[iy * gw + ix + 1] * fx;
        double bottom = g[(iy + 1) * gw + ix] * (1 - fx) + g[(iy + 1) * gw + ix + 1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static double[] color(SplittableRandom r) {
        return new double[] {0.1 + 0.8 * r.nextDouble(), 0.1 + 0.8 * r.nextDouble(), 0.1 + 0.8 * r.nextDouble()};
    }

    private static Tensor synthetic(BackgroundKind bg, int h, int w, long seed) {
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSize(FRAMES, h, w));
        int i = (int) Math.floorMod(seed, 4);
        ClipSpec spec = ClipSpec.clean(ShapeKind.values()[i], ShapeColor.values()[i], bg, 1.0, Direction.values()[i], seed);
        return data.render(spec).video();
    }

    private static double clamp01(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
