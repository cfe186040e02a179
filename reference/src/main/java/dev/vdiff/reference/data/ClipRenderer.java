package dev.vdiff.reference.data;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * Draws a {@link ClipSpec} as a video: a shape moving in a straight line over a static background, then the
 * spec's degradations.
 *
 * <p>Geometry: continuous pixel coordinates, pixel {@code (x, y)} covers {@code [x, x+1) x [y, y+1)}. The
 * shape's radius is 16–24% of the shorter side; its centre moves {@code speed} pixels per frame along the
 * direction. The start is drawn so the whole path keeps the shape inside the frame when it fits (else the
 * path is centred). Anti-aliasing: each pixel's coverage is the fraction of an 8x8 grid of sub-samples inside
 * the shape, and the pixel is {@code background (1 - coverage) + colour coverage}; so the coverage centroid
 * moves by exactly {@code speed} pixels per frame up to sub-sampling error.
 *
 * <p>Randomness: {@code Rng.seed(spec.seed)} split into one stream per concern (layout, texture, noise,
 * shuffle), so drawing more numbers for one never shifts another.
 *
 * <p>Then, per frame and channel, in [0, 1] units: {@link Degradations#downscaleUp}, {@link
 * Degradations#gaussianBlur}, {@link Degradations#addNoise} (std {@code noiseStd / 2}: the spec's std is in
 * [-1, 1] units), {@link Degradations#blockDct}; clamp to [0, 1]; shuffle frames if asked; map to [-1, 1].
 */
public final class ClipRenderer {
    private static final int SUPERSAMPLE = 8;
    /** Stream ids under the clip's seed. */
    private static final int LAYOUT = 1, TEXTURE = 2, NOISE = 3, SHUFFLE = 4;

    private ClipRenderer() {}

    /** The clip as float32 {@code [frames, 3, height, width]} in [-1, 1]. */
    public static Tensor render(ClipSpec spec, int frames, int height, int width) {
        int plane = height * width;
        float[] out = new float[frames * 3 * plane];   // [F, 3, H, W]

        Rng rng = Rng.seed(spec.seed());
        float[][] background = Textures.render(spec.background(), height, width, rng.split(TEXTURE));

        Rng layout = rng.split(LAYOUT);
        double radius = (0.16 + 0.08 * layout.nextDouble()) * Math.min(height, width);
        double vx = spec.speed() * spec.direction().dx(), vy = spec.speed() * spec.direction().dy();
        double x0 = start(vx * (frames - 1), width, radius, layout.nextDouble());
        double y0 = start(vy * (frames - 1), height, radius, layout.nextDouble());

        for (int f = 0; f < frames; f++) {
            float[] coverage = coverage(spec.shape(), x0 + f * vx, y0 + f * vy, radius, height, width);
            for (int c = 0; c < 3; c++) {
                float color = (float) spec.color().channel(c);
                int base = (f * 3 + c) * plane;
                for (int i = 0; i < plane; i++) out[base + i] = background[c][i] + (color - background[c][i]) * coverage[i];
            }
        }

        // Standard normal draws, one per output value [F, 3, H, W], independent per pixel and frame.
        float[] z = spec.noiseStd() > 0 ? rng.split(NOISE).normal(DType.FLOAT32, out.length).floats() : null;
        float[] buf = new float[plane];
        for (int p = 0; p < frames * 3; p++) {
            System.arraycopy(out, p * plane, buf, 0, plane);
            Degradations.downscaleUp(buf, height, width, spec.downscale());
            Degradations.gaussianBlur(buf, height, width, spec.blurSigma());
            Degradations.addNoise(buf, spec.noiseStd() / 2, z, p * plane);
            Degradations.blockDct(buf, height, width, spec.blockStrength());
            for (int i = 0; i < plane; i++) out[p * plane + i] = 2f * Math.min(1f, Math.max(0f, buf[i])) - 1f;
        }

        if (spec.shuffled()) out = permuteFrames(out, frames, 3 * plane, rng.split(SHUFFLE));
        return Tensor.of(out, frames, 3, height, width);
    }

    /**
     * Start coordinate on one axis for a path of signed length {@code travel}: uniform over the starts that
     * keep the shape (radius {@code r}) inside {@code [0, size]} all the way, or the centred path if none do.
     */
    private static double start(double travel, int size, double r, double u) {
        double lo = r - Math.min(0, travel), hi = size - r - Math.max(0, travel);
        return lo <= hi ? lo + (hi - lo) * u : (size - travel) / 2;
    }

    /** Fraction of each pixel inside the shape centred at {@code (cx, cy)}, {@code [H*W]}. */
    private static float[] coverage(ShapeKind shape, double cx, double cy, double r, int height, int width) {
        float[] cov = new float[height * width];
        int xlo = Math.max(0, (int) Math.floor(cx - r)), xhi = Math.min(width - 1, (int) Math.floor(cx + r));
        int ylo = Math.max(0, (int) Math.floor(cy - r)), yhi = Math.min(height - 1, (int) Math.floor(cy + r));
        double step = 1.0 / SUPERSAMPLE;
        for (int y = ylo; y <= yhi; y++) {
            for (int x = xlo; x <= xhi; x++) {
                int inside = 0;
                for (int sy = 0; sy < SUPERSAMPLE; sy++) {
                    double dy = (y + (sy + 0.5) * step - cy) / r;
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        if (shape.contains((x + (sx + 0.5) * step - cx) / r, dy)) inside++;
                    }
                }
                cov[y * width + x] = inside / (float) (SUPERSAMPLE * SUPERSAMPLE);
            }
        }
        return cov;
    }

    /** Frames in a uniformly random order other than the original ({@link Rng#permutation}, redrawn if identity). */
    private static float[] permuteFrames(float[] video, int frames, int frameSize, Rng r) {
        if (frames < 2) return video;
        long[] order;
        boolean identity;
        do {
            order = r.permutation(frames).longs();
            identity = true;
            for (int i = 0; i < frames && identity; i++) identity = order[i] == i;
        } while (identity);
        float[] out = new float[video.length];
        for (int f = 0; f < frames; f++) System.arraycopy(video, (int) order[f] * frameSize, out, f * frameSize, frameSize);
        return out;
    }
}
