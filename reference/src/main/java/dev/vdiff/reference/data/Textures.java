package dev.vdiff.reference.data;

import dev.vdiff.tensor.random.Rng;

/**
 * Seeded procedural backgrounds, RGB in [0, 1], evaluated at pixel centres {@code (x + 0.5, y + 0.5)}.
 *
 * <p>Background colours have every channel in [0.05, 0.5], darker and greyer than any {@link ShapeColor}
 * (each of which has a channel of at least 0.9), so the shape always differs from what is behind it.
 */
final class Textures {
    private Textures() {}

    /** The background of kind {@code kind} as planes {@code [3][H*W]}, drawn from {@code r}. */
    static float[][] render(BackgroundKind kind, int height, int width, Rng r) {
        double[] c0 = color(r), c1 = color(r);
        // t(x, y) in [0, 1] blends c0 into c1.
        double[] t = new double[height * width];
        switch (kind) {
            case FLAT:
                break;
            case GRADIENT: {
                double angle = 2 * Math.PI * r.nextDouble();
                double ux = Math.cos(angle), uy = Math.sin(angle);
                // Project the image corners to normalise t over the image.
                double lo = Math.min(0, ux * width) + Math.min(0, uy * height);
                double hi = Math.max(0, ux * width) + Math.max(0, uy * height);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) t[y * width + x] = ((x + 0.5) * ux + (y + 0.5) * uy - lo) / (hi - lo);
                }
                break;
            }
            case STRIPES: {
                double angle = Math.PI * r.nextDouble();
                double period = 4 + 6 * r.nextDouble();
                double phase = 2 * Math.PI * r.nextDouble();
                double ux = Math.cos(angle), uy = Math.sin(angle);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        double s = ((x + 0.5) * ux + (y + 0.5) * uy) / period;
                        t[y * width + x] = 0.5 + 0.5 * Math.sin(2 * Math.PI * s + phase);
                    }
                }
                break;
            }
            case VALUE_NOISE: {
                double cell = Math.max(4, Math.min(height, width) / 4.0);
                double[] coarse = valueNoise(height, width, cell, r);
                double[] fine = valueNoise(height, width, cell / 2, r);
                for (int i = 0; i < t.length; i++) t[i] = (coarse[i] + 0.5 * fine[i]) / 1.5;
                break;
            }
            default:
                throw new AssertionError(kind);
        }
        float[][] planes = new float[3][height * width];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < t.length; i++) planes[c][i] = (float) (c0[c] + (c1[c] - c0[c]) * t[i]);
        }
        return planes;
    }

    private static double[] color(Rng r) {
        return new double[] {0.05 + 0.45 * r.nextDouble(), 0.05 + 0.45 * r.nextDouble(), 0.05 + 0.45 * r.nextDouble()};
    }

    /**
     * Value noise: uniform random values on a lattice of spacing {@code cell} pixels, interpolated with the
     * smoothstep {@code 3s^2 - 2s^3} in x and y, so it is smooth but has no grid-aligned creases.
     */
    private static double[] valueNoise(int height, int width, double cell, Rng r) {
        int gw = (int) Math.ceil(width / cell) + 2, gh = (int) Math.ceil(height / cell) + 2;
        double[] lattice = new double[gh * gw];
        for (int i = 0; i < lattice.length; i++) lattice[i] = r.nextDouble();
        double ox = r.nextDouble(), oy = r.nextDouble();   // sub-cell offset: lattice not aligned to pixel 0
        double[] out = new double[height * width];
        for (int y = 0; y < height; y++) {
            double gy = (y + 0.5) / cell + oy;
            int iy = (int) gy;
            double sy = smoothstep(gy - iy);
            for (int x = 0; x < width; x++) {
                double gx = (x + 0.5) / cell + ox;
                int ix = (int) gx;
                double sx = smoothstep(gx - ix);
                double top = lattice[iy * gw + ix] * (1 - sx) + lattice[iy * gw + ix + 1] * sx;
                double bottom = lattice[(iy + 1) * gw + ix] * (1 - sx) + lattice[(iy + 1) * gw + ix + 1] * sx;
                out[y * width + x] = top * (1 - sy) + bottom * sy;
            }
        }
        return out;
    }

    private static double smoothstep(double s) {
        return s * s * (3 - 2 * s);
    }
}
