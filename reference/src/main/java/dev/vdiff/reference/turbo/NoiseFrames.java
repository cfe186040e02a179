package dev.vdiff.reference.turbo;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * Which frames of a clip are <em>noise frames</em>: saturated per-pixel colour noise instead of a shape on a smooth
 * background, the failure of the short-trained eps teachers sampled with deterministic DDIM (docs/experiments/turbo.md,
 * docs/experiments/mcm.md addendum). A frame's spatial energy is the mean over channels and pixels of the squared
 * differences of horizontal and vertical neighbours, pixels in [-1, 1]:
 * <pre>
 *   e_f = ( sum_{c,y,x} (x[f,c,y,x+1] - x[f,c,y,x])^2 + sum_{c,y,x} (x[f,c,y+1,x] - x[f,c,y,x])^2 ) / (C H W)
 * </pre>
 * and the frame is a noise frame when {@code e_f} exceeds a threshold. The energy is the MCM addendum's; its fixed
 * threshold 0.15 was made for 32x32 frames, while at 16x16 a real frame with a large saturated shape reaches ~0.19
 * (the edges are a larger share of the pixels). So the experiment calibrates the threshold on real clips,
 * {@link #calibrate}: a frame is a noise frame when it has more high-frequency energy than every held-out real frame.
 */
public final class NoiseFrames {
    private NoiseFrames() {}

    /** The threshold for clips like {@code realClips [B, F, C, H, W]}: the largest spatial energy of their frames. */
    public static double calibrate(Tensor realClips) {
        double max = 0;
        for (double[] row : energy(realClips)) for (double e : row) max = Math.max(max, e);
        return max;
    }

    /** The spatial energy {@code e_f} of every frame of {@code clips [B, F, C, H, W]}, as {@code [B][F]}. */
    public static double[][] energy(Tensor clips) {
        if (clips.rank() != 5) throw new IllegalArgumentException("NoiseFrames: clips must be [B, F, C, H, W], got " + Shape.str(clips.shape()));
        int b = clips.shape(0), f = clips.shape(1), c = clips.shape(2), h = clips.shape(3), w = clips.shape(4);
        double[] x = clips.contiguous().toDoubleArray();
        double[][] out = new double[b][f];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < f; k++) {
                double s = 0;
                for (int ch = 0; ch < c; ch++) {
                    int base = ((i * f + k) * c + ch) * h * w;
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            double v = x[base + y * w + xx];
                            if (xx + 1 < w) s += sq(x[base + y * w + xx + 1] - v);
                            if (y + 1 < h) s += sq(x[base + (y + 1) * w + xx] - v);
                        }
                    }
                }
                out[i][k] = s / ((double) c * h * w);
            }
        }
        return out;
    }

    /** {@code [B][F]}: true where the frame's spatial energy is above {@code threshold}. */
    public static boolean[][] of(Tensor clips, double threshold) {
        double[][] e = energy(clips);
        boolean[][] out = new boolean[e.length][];
        for (int i = 0; i < e.length; i++) {
            out[i] = new boolean[e[i].length];
            for (int k = 0; k < e[i].length; k++) out[i][k] = e[i][k] > threshold;
        }
        return out;
    }

    /** The fraction of noise frames over all frames of {@code clips [B, F, C, H, W]}. */
    public static double fraction(Tensor clips, double threshold) {
        boolean[][] n = of(clips, threshold);
        long noisy = 0, all = 0;
        for (boolean[] row : n) {
            for (boolean v : row) if (v) noisy++;
            all += row.length;
        }
        return all == 0 ? 0 : (double) noisy / all;
    }

    private static double sq(double v) {
        return v * v;
    }
}
