package dev.vdiff.reference.turbo;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.util.Arrays;

/**
 * A flicker-robust motion measure: how fast the clip's one object moves, in pixels per frame, from the track of its
 * centroid over the frames that are not {@link NoiseFrames noise frames}. Optical flow ({@code eval.FlowMotion})
 * counts frame-to-frame flicker as motion (a frame of fresh colour noise has flow everywhere); the centroid of an
 * object that stays put does not move however much the frames flicker.
 *
 * <p>Per clean frame (the rule of {@code eval.ShapeTrack}): the background colour is the per-channel median of the
 * pixels, the object is every pixel whose RGB distance (channels in [0, 1]) from it exceeds {@link #THRESHOLD}, and
 * its centroid {@code (cx_f, cy_f)} is their mean position. The motion is the length of the least-squares slope of
 * the centroids over the frame index {@code f} (gaps where noise frames were left out keep their true index):
 * <pre>
 *   v = |( sum_f (f - fbar)(cx_f - cxbar), sum_f (f - fbar)(cy_f - cybar) )| / sum_f (f - fbar)^2
 * </pre>
 * A clip with fewer than two frames that show an object scores 0 (no trackable motion). The slope measures steady
 * translation, which is how the synthetic data moves (a shape at constant velocity); an object that jumps back and
 * forth scores less than its flow. On gradient backgrounds the median is not the background everywhere, so part of
 * the (still) gradient enters the mask and the speed reads low by the same factor for every arm and for real clips.
 */
public final class TrackMotion {
    /** RGB distance (channels in [0, 1]) from the frame's median colour above which a pixel belongs to the object. */
    public static final double THRESHOLD = 0.3;

    private TrackMotion() {}

    /**
     * One speed per clip of {@code clips [B, F, 3, H, W]}, pixels in [-1, 1]; frames whose spatial energy is above
     * {@code noiseThreshold} ({@link NoiseFrames}) are left out of the track (infinity: keep every frame).
     */
    public static double[] of(Tensor clips, double noiseThreshold) {
        if (clips.rank() != 5 || clips.shape(2) != 3) throw new IllegalArgumentException("TrackMotion: clips must be [B, F, 3, H, W], got " + Shape.str(clips.shape()));
        int b = clips.shape(0), f = clips.shape(1), h = clips.shape(3), w = clips.shape(4), plane = h * w;
        boolean[][] noise = NoiseFrames.of(clips, noiseThreshold);
        double[] x = clips.contiguous().toDoubleArray();
        double[] out = new double[b];
        double[] channel = new double[plane];
        for (int i = 0; i < b; i++) {
            double[] cx = new double[f], cy = new double[f];
            boolean[] seen = new boolean[f];
            for (int k = 0; k < f; k++) {
                if (noise[i][k]) continue;
                int frame = (i * f + k) * 3 * plane;
                double[] bg = new double[3];
                for (int ch = 0; ch < 3; ch++) {
                    for (int p = 0; p < plane; p++) channel[p] = 0.5 * (x[frame + ch * plane + p] + 1);
                    double[] sorted = channel.clone();
                    Arrays.sort(sorted);
                    bg[ch] = sorted[plane / 2];
                }
                double sx = 0, sy = 0;
                int n = 0;
                for (int p = 0; p < plane; p++) {
                    double d2 = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        double d = 0.5 * (x[frame + ch * plane + p] + 1) - bg[ch];
                        d2 += d * d;
                    }
                    if (d2 <= THRESHOLD * THRESHOLD) continue;
                    sx += p % w;
                    sy += p / w;
                    n++;
                }
                if (n > 0) {
                    seen[k] = true;
                    cx[k] = sx / n;
                    cy[k] = sy / n;
                }
            }
            out[i] = slope(cx, cy, seen);
        }
        return out;
    }

    /** Length of the least-squares velocity of the seen centroids over the frame index; 0 with fewer than two. */
    static double slope(double[] cx, double[] cy, boolean[] seen) {
        int m = 0;
        double mt = 0, mx = 0, my = 0;
        for (int k = 0; k < seen.length; k++) {
            if (!seen[k]) continue;
            m++;
            mt += k;
            mx += cx[k];
            my += cy[k];
        }
        if (m < 2) return 0;
        mt /= m;
        mx /= m;
        my /= m;
        double stt = 0, stx = 0, sty = 0;
        for (int k = 0; k < seen.length; k++) {
            if (!seen[k]) continue;
            stt += (k - mt) * (k - mt);
            stx += (k - mt) * (cx[k] - mx);
            sty += (k - mt) * (cy[k] - my);
        }
        return Math.hypot(stx / stt, sty / stt);
    }
}
