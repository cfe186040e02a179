package dev.vdiff.reference.mcm.experiment;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Two checks of a sample set's frames that the frame-difference motion cannot tell apart from motion: <b>noise
 * frames</b> (a frame of per-pixel coloured noise inside an otherwise clean video, which the teacher's deterministic
 * DDIM samples had in about a third of their frames, docs/experiments/mcm.md) and <b>background flicker</b> (the flat
 * background changing colour from frame to frame, which a clip of the data never does: its background is one colour).
 * <pre>
 *   energy(frame)  = mean_{c,y,x} (x[c,y,x+1] - x[c,y,x])^2 + mean_{c,y,x} (x[c,y+1,x] - x[c,y,x])^2       (pixels in [-1, 1])
 *   noise frame    : energy(frame) > threshold;  threshold = 2 max energy over the frames of the held-out training clips
 *   flicker(video) = mean_k mean_c |median_{y,x} x_{k+1}[c] - median_{y,x} x_k[c]|     (the median pixel: the background)
 * </pre>
 * The median is the background because the shape covers well under half of a 16x16 frame.
 */
final class FrameCoherence {
    private FrameCoherence() {}

    /** The energy of every frame of a video {@code [F, C, H, W]}. */
    static double[] energies(Tensor video) {
        int f = video.shape(0), c = video.shape(1), h = video.shape(2), w = video.shape(3);
        float[] x = video.to(DType.FLOAT32).contiguous().floats();
        double[] out = new double[f];
        for (int i = 0; i < f; i++) {
            double sx = 0, sy = 0;
            for (int ch = 0; ch < c; ch++) {
                int o = (i * c + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx + 1 < w; xx++) {
                        double d = x[o + y * w + xx + 1] - x[o + y * w + xx];
                        sx += d * d;
                    }
                }
                for (int y = 0; y + 1 < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double d = x[o + (y + 1) * w + xx] - x[o + y * w + xx];
                        sy += d * d;
                    }
                }
            }
            out[i] = sx / ((double) c * h * (w - 1)) + sy / ((double) c * (h - 1) * w);
        }
        return out;
    }

    /** Twice the largest frame energy of {@code reference} (the held-out training clips). */
    static double threshold(List<Tensor> reference) {
        double m = 0;
        for (Tensor v : reference) for (double e : energies(v)) m = Math.max(m, e);
        return 2 * m;
    }

    /** The fraction of frames whose energy is above {@code threshold}. */
    static double noiseFrameFraction(List<Tensor> videos, double threshold) {
        int noisy = 0, total = 0;
        for (Tensor v : videos) {
            for (double e : energies(v)) {
                total++;
                if (e > threshold) noisy++;
            }
        }
        return total == 0 ? 0 : (double) noisy / total;
    }

    /** The mean over videos of {@code flicker(video)}. */
    static double backgroundFlicker(List<Tensor> videos) {
        double s = 0;
        int n = 0;
        for (Tensor v : videos) {
            int f = v.shape(0), c = v.shape(1), hw = v.shape(2) * v.shape(3);
            float[] x = v.to(DType.FLOAT32).contiguous().floats();
            double[][] median = new double[f][c];
            for (int i = 0; i < f; i++) {
                for (int ch = 0; ch < c; ch++) {
                    float[] p = Arrays.copyOfRange(x, (i * c + ch) * hw, (i * c + ch + 1) * hw);
                    Arrays.sort(p);
                    median[i][ch] = hw % 2 == 0 ? 0.5 * (p[hw / 2 - 1] + p[hw / 2]) : p[hw / 2];
                }
            }
            for (int i = 0; i + 1 < f; i++) {
                double d = 0;
                for (int ch = 0; ch < c; ch++) d += Math.abs(median[i + 1][ch] - median[i][ch]) / c;
                s += d;
                n++;
            }
        }
        return n == 0 ? 0 : s / n;
    }
}
