package dev.vdiff.reference.eval;

import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Reads what a clip of one shape on a flat background shows, without a learned model: which colour the shape has
 * and which way it moves. Used to measure whether caption-conditioned samples follow their caption ("a green circle
 * moving left": is it green, does it move left?).
 *
 * <p>Per frame, the background colour is the per-channel median of the pixels (the shape covers well under half of
 * the frame) and the shape is every pixel whose RGB distance from it exceeds {@link #THRESHOLD}. The shape's
 * colour is the mean colour of those pixels over all frames; its motion {@code (vx, vy)} in pixels per frame is the
 * least-squares slope of the per-frame centroids over the frame index; its direction is the {@link Direction} whose
 * unit vector has the largest dot product with it, or none when it moves less than {@link #MIN_SPEED} (or
 * fewer than two frames show a shape). A centroid rather than optical flow ({@link FlowMotion}): at 16x16 a shape
 * has a radius of about three pixels and Farnebäck flow is dominated by its smoothing window, while the centroid of
 * a saturated shape on a flat background is exact to a fraction of a pixel. Made for the synthetic data's flat
 * backgrounds; on textured ones the median background is wrong and so is the mask.
 */
public final class ShapeTrack {
    /** RGB distance (channels in [0, 1]) from the frame's background above which a pixel belongs to the shape. */
    public static final double THRESHOLD = 0.3;
    /** Below this speed (pixels per frame) a shape counts as standing still. */
    public static final double MIN_SPEED = 0.15;

    private ShapeTrack() {}

    /**
     * What one clip shows.
     *
     * @param rgb       mean colour of the shape pixels, channels in [0, 1] (NaN when no frame shows a shape)
     * @param vx        motion along x, pixels per frame
     * @param vy        motion along y (positive is down), pixels per frame
     * @param direction the nearest of the eight directions, null when it stands still or no shape was found
     * @param framesSeen frames with at least one shape pixel
     */
    public record Reading(double[] rgb, double vx, double vy, Direction direction, int framesSeen) {
        /** The nearest of {@code colors} to the shape's colour (Euclidean in RGB), or null when no shape was found. */
        public ShapeColor nearest(List<ShapeColor> colors) {
            if (Double.isNaN(rgb[0])) return null;
            ShapeColor best = null;
            double bestD = Double.POSITIVE_INFINITY;
            for (ShapeColor c : colors) {
                double d = 0;
                for (int ch = 0; ch < 3; ch++) d += (rgb[ch] - c.channel(ch)) * (rgb[ch] - c.channel(ch));
                if (d < bestD) {
                    bestD = d;
                    best = c;
                }
            }
            return best;
        }
    }

    /** The reading of a video {@code [F, 3, H, W]} in [-1, 1]. */
    public static Reading of(Tensor video) {
        return of(video, null);
    }

    /**
     * {@link #of(Tensor)} with the frames flagged in {@code leaveOut} (null: none) read as showing no shape; they keep
     * their index in the slope (a flicker-robust track leaves noise frames out this way: {@code turbo.TrackMotion}).
     */
    public static Reading of(Tensor video, boolean[] leaveOut) {
        if (video.rank() != 4 || video.shape(1) != 3) throw new IllegalArgumentException("ShapeTrack: video must be [F, 3, H, W], got " + Arrays.toString(video.shape()));
        if (leaveOut != null && leaveOut.length != video.shape(0)) throw new IllegalArgumentException("ShapeTrack: " + leaveOut.length + " leave-out flags for " + video.shape(0) + " frames");
        int frames = video.shape(0), h = video.shape(2), w = video.shape(3), plane = h * w;
        double[] v = video.toDoubleArray();   // [F, 3, H, W] in [-1, 1]
        double[] sum = new double[3];
        long count = 0;
        double[] cx = new double[frames], cy = new double[frames];
        boolean[] seen = new boolean[frames];
        double[] channel = new double[plane];
        for (int f = 0; f < frames; f++) {
            if (leaveOut != null && leaveOut[f]) continue;
            double[] bg = new double[3];
            for (int ch = 0; ch < 3; ch++) {
                int base = (f * 3 + ch) * plane;
                for (int i = 0; i < plane; i++) channel[i] = 0.5 * (v[base + i] + 1);
                double[] sorted = channel.clone();
                Arrays.sort(sorted);
                bg[ch] = sorted[plane / 2];
            }
            double sx = 0, sy = 0;
            int n = 0;
            for (int i = 0; i < plane; i++) {
                double d2 = 0;
                double[] px = new double[3];
                for (int ch = 0; ch < 3; ch++) {
                    px[ch] = 0.5 * (v[(f * 3 + ch) * plane + i] + 1);
                    d2 += (px[ch] - bg[ch]) * (px[ch] - bg[ch]);
                }
                if (d2 <= THRESHOLD * THRESHOLD) continue;
                sx += i % w;
                sy += i / w;
                n++;
                for (int ch = 0; ch < 3; ch++) sum[ch] += px[ch];
            }
            count += n;
            if (n > 0) {
                seen[f] = true;
                cx[f] = sx / n;
                cy[f] = sy / n;
            }
        }
        double[] rgb = new double[3];
        for (int ch = 0; ch < 3; ch++) rgb[ch] = count == 0 ? Double.NaN : sum[ch] / count;
        // Least-squares slope of the centroids over the frames that show a shape.
        int m = 0;
        double mt = 0, mx = 0, my = 0;
        for (int f = 0; f < frames; f++) {
            if (!seen[f]) continue;
            m++;
            mt += f;
            mx += cx[f];
            my += cy[f];
        }
        if (m < 2) return new Reading(rgb, 0, 0, null, m);
        mt /= m;
        mx /= m;
        my /= m;
        double stt = 0, stx = 0, sty = 0;
        for (int f = 0; f < frames; f++) {
            if (!seen[f]) continue;
            stt += (f - mt) * (f - mt);
            stx += (f - mt) * (cx[f] - mx);
            sty += (f - mt) * (cy[f] - my);
        }
        double vx = stx / stt, vy = sty / stt;
        return new Reading(rgb, vx, vy, direction(vx, vy), m);
    }

    /** The direction whose unit vector has the largest dot product with {@code (vx, vy)}; null below {@link #MIN_SPEED}. */
    public static Direction direction(double vx, double vy) {
        if (Math.hypot(vx, vy) < MIN_SPEED) return null;
        Direction best = null;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (Direction d : Direction.values()) {
            double dot = vx * d.dx() + vy * d.dy();
            if (dot > bestDot) {
                bestDot = dot;
                best = d;
            }
        }
        return best;
    }
}
