package dev.vdiff.reference.turbo;

import dev.vdiff.reference.eval.ShapeTrack;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * A flicker-robust motion measure: how fast the clip's one object moves, in pixels per frame, from the track of its
 * centroid over the frames that are not {@link NoiseFrames noise frames}. Optical flow ({@code eval.FlowMotion})
 * counts frame-to-frame flicker as motion (a frame of fresh colour noise has flow everywhere); the centroid of an
 * object that stays put does not move however much the frames flicker.
 *
 * <p>Per clean frame (the rule of {@code eval.ShapeTrack}): the background colour is the per-channel median of the
 * pixels, the object is every pixel whose RGB distance (channels in [0, 1]) from it exceeds {@link #THRESHOLD}, and
 * its centroid {@code (cx_f, cy_f)} is their mean position. The mask, centroids and slope are {@code eval.ShapeTrack}'s. The motion is the length of the least-squares slope of
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
    public static final double THRESHOLD = ShapeTrack.THRESHOLD;

    private TrackMotion() {}

    /**
     * One speed per clip of {@code clips [B, F, 3, H, W]}, pixels in [-1, 1]; frames whose spatial energy is above
     * {@code noiseThreshold} ({@link NoiseFrames}) are left out of the track (infinity: keep every frame).
     */
    public static double[] of(Tensor clips, double noiseThreshold) {
        if (clips.rank() != 5 || clips.shape(2) != 3) throw new IllegalArgumentException("TrackMotion: clips must be [B, F, 3, H, W], got " + Shape.str(clips.shape()));
        int b = clips.shape(0), f = clips.shape(1), h = clips.shape(3), w = clips.shape(4);
        boolean[][] noise = NoiseFrames.of(clips, noiseThreshold);
        Tensor all = clips.contiguous();
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            Tensor clip = all.narrow(0, i, 1).reshape(f, 3, h, w);   // [1, F, 3, H, W] -> [F, 3, H, W]
            ShapeTrack.Reading r = ShapeTrack.of(clip, noise[i]);     // fewer than two frames with an object: (0, 0)
            out[i] = Math.hypot(r.vx(), r.vy());
        }
        return out;
    }
}
