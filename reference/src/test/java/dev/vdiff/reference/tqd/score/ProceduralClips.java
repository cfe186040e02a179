package dev.vdiff.reference.tqd.score;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;

/**
 * Videos not made by our synthetic generator, to check the scorers on other rendering: a drifting sinusoidal
 * grating over a diagonal colour gradient (whole-frame motion, smooth content), and plain white noise.
 * All {@code [F, 3, H, W]} float32 in [-1, 1].
 */
final class ProceduralClips {
    private ProceduralClips() {}

    /**
     * A grating {@code sin(2 pi (x - vx f) / 13) cos(2 pi (y - vy f) / 17)} over a gradient, frame {@code f}
     * shifted by {@code (vx, vy) f} pixels; {@code order} permutes the frames (null = in order).
     */
    static Tensor grating(int frames, int h, int w, double vx, double vy, int[] order) {
        float[] out = new float[frames * 3 * h * w];
        for (int k = 0; k < frames; k++) {
            int f = order == null ? k : order[k];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double g = Math.sin(2 * Math.PI * (x - vx * f) / 13) * Math.cos(2 * Math.PI * (y - vy * f) / 17);
                    double ramp = (x + y) / (double) (h + w);
                    double[] rgb = {0.45 * g + 0.3 * ramp, 0.5 * g - 0.2 * ramp, 0.4 * g + 0.1};
                    for (int c = 0; c < 3; c++) out[((k * 3 + c) * h + y) * w + x] = (float) Math.max(-1, Math.min(1, rgb[c]));
                }
            }
        }
        return Tensor.of(out, frames, 3, h, w);
    }

    /** Independent uniform noise in [-1, 1] for every pixel, channel and frame. */
    static Tensor whiteNoise(int frames, int h, int w, long seed) {
        return Rng.seed(seed).uniform(-1, 1, dev.vdiff.tensor.DType.FLOAT32, frames, 3, h, w);
    }

    /** {@code video} plus gaussian noise of standard deviation {@code std} ([-1, 1] units), clamped. */
    static Tensor withNoise(Tensor video, double std, long seed) {
        float[] v = video.floats().clone();
        float[] z = Rng.seed(seed).normal(dev.vdiff.tensor.DType.FLOAT32, v.length).floats();
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.max(-1, Math.min(1, v[i] + std * z[i]));
        return Tensor.of(v, video.shape());
    }

    /** {@code video} with each plane box-blurred {@code passes} times by a 3x3 box (edges clamped). */
    static Tensor boxBlurred(Tensor video, int passes) {
        int h = video.shape(2), w = video.shape(3), planes = video.shape(0) * 3;
        float[] v = video.floats().clone(), tmp = new float[h * w];
        for (int p = 0; p < planes; p++) {
            for (int pass = 0; pass < passes; pass++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double s = 0;
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int yy = Math.min(h - 1, Math.max(0, y + dy)), xx = Math.min(w - 1, Math.max(0, x + dx));
                                s += v[p * h * w + yy * w + xx];
                            }
                        }
                        tmp[y * w + x] = (float) (s / 9);
                    }
                }
                System.arraycopy(tmp, 0, v, p * h * w, h * w);
            }
        }
        return Tensor.of(v, video.shape());
    }
}
