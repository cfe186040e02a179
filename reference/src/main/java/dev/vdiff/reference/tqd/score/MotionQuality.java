package dev.vdiff.reference.tqd.score;

import dev.vdiff.reference.eval.DenseFlow;
import dev.vdiff.reference.eval.Luma;

/**
 * Motion quality (MQ) of a clip from dense optical flow: how much of the picture moves, and how steadily.
 * TQD scores clips with VideoAlign's MQ head (SPEC §2.1), a learnt model we do not have; this is a transparent
 * stand-in built on the motion-intensity visualisation of the paper's Figure 1 (optical flow), our choice
 * [RECONSTRUCTED].
 *
 * <p>With {@code f_k} the Farnebäck flow from frame {@code k} to {@code k + 1} ({@link DenseFlow}), {@code N}
 * pixels and {@code F} frames:
 * <pre>
 *   magnitude  M = (1 / ((F-1) N)) sum_k sum_x |f_k(x)|                          pixels per frame
 *   coherence  C = 1 - sum_k sum_x |f_{k+1}(x + f_k(x)) - f_k(x)| / (sum_k sum_x (|f_k(x)| + |f_{k+1}(x + f_k(x))|) + eps N (F-2))
 *   MQ_raw     = C^2 ln(1 + M)
 * </pre>
 * {@code C} compares each pixel's motion with the motion found where the pixel went one frame later (bilinear,
 * clamped at the border): it is 1 for steady motion and falls towards 0 when motion jumps from frame to frame
 * (shuffled frames, flicker, noise mistaken for motion). By the triangle inequality it lies in [0, 1]; the sums
 * weight pixels by how much they move, and {@code eps = 0.01} pixel keeps a still clip at {@code C ~ 1}.
 * {@code ln(1 + M)} rewards motion with diminishing returns; coherence enters squared so that jerky motion (shuffled
 * frames: {@code C ~ 0.3}) ranks below slow steady motion, as a viewer would rate it. A still clip scores 0; a clip of two frames has no
 * coherence to measure and counts as coherent ({@code C = 1}); a single frame scores 0.
 *
 * @param magnitude {@code M}, mean flow length in pixels per frame at the scored resolution
 * @param coherence {@code C} in [0, 1]
 * @param score     {@code MQ_raw = C^2 ln(1 + M)}
 */
public record MotionQuality(double magnitude, double coherence, double score) {
    /** Flow length (pixels) below which motion does not count against coherence. */
    static final double EPS = 0.01;

    /** Scores luma frames {@code [F][H*W]} in [0, 1] ({@link Luma#of}). */
    public static MotionQuality of(float[][] luma, int h, int w) {
        int frames = luma.length, n = h * w;
        if (frames < 2) return new MotionQuality(0, 1, 0);
        float[][] flow = new float[frames - 1][];
        for (int k = 0; k + 1 < frames; k++) flow[k] = DenseFlow.farneback(luma[k], luma[k + 1], h, w);

        double lengthSum = 0;
        for (float[] f : flow) for (int i = 0; i < n; i++) lengthSum += Math.hypot(f[2 * i], f[2 * i + 1]);
        double magnitude = lengthSum / ((double) (frames - 1) * n);

        double change = 0, total = 0;
        for (int k = 0; k + 2 < frames; k++) {
            float[] now = flow[k], later = flow[k + 1];
            float[] at = new float[2];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    double dx = now[2 * i], dy = now[2 * i + 1];
                    sample(later, h, w, x + dx, y + dy, at);
                    change += Math.hypot(at[0] - dx, at[1] - dy);
                    total += Math.hypot(dx, dy) + Math.hypot(at[0], at[1]);
                }
            }
        }
        double coherence = frames < 3 ? 1 : 1 - change / (total + EPS * n * (frames - 2));
        return new MotionQuality(magnitude, coherence, coherence * coherence * Math.log1p(magnitude));
    }

    /** Bilinear sample of a {@code [H, W, 2]} field at {@code (x, y)}, coordinates clamped into the frame. */
    static void sample(float[] field, int h, int w, double x, double y, float[] out) {
        x = Math.min(Math.max(x, 0), w - 1);
        y = Math.min(Math.max(y, 0), h - 1);
        int x0 = Math.min((int) x, w - 2 < 0 ? 0 : w - 2), y0 = Math.min((int) y, h - 2 < 0 ? 0 : h - 2);
        int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
        double fx = x - x0, fy = y - y0;
        for (int c = 0; c < 2; c++) {
            double top = field[2 * (y0 * w + x0) + c] * (1 - fx) + field[2 * (y0 * w + x1) + c] * fx;
            double bottom = field[2 * (y1 * w + x0) + c] * (1 - fx) + field[2 * (y1 * w + x1) + c] * fx;
            out[c] = (float) (top * (1 - fy) + bottom * fy);
        }
    }
}
