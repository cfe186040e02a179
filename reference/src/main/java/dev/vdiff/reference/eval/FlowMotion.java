package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

/**
 * A generic motion measure from dense optical flow: the mean flow length between consecutive frames,
 * {@code M = (1 / ((F-1) H W)) sum_k sum_x |f_k(x)|} in pixels per frame, with {@code f_k} the Farnebäck flow
 * ({@link DenseFlow}) of the luma ({@link Luma}) of frame {@code k} to {@code k + 1}. Zero for a still clip; unlike a
 * frame difference it measures how far things move, not how many pixels change (a flickering still clip has
 * little flow). It is the magnitude part of TQD's motion-quality stand-in, here for any paper (T2V-Turbo-v2's
 * motion gate and motion figure) without the TQD-specific coherence weighting.
 */
public final class FlowMotion {
    private FlowMotion() {}

    /** One value per clip of {@code clips [B, F, 3, H, W]}, pixels in [-1, 1]; a clip of one frame scores 0. */
    public static double[] of(Tensor clips) {
        if (clips.rank() != 5 || clips.shape(2) != 3) throw new IllegalArgumentException("FlowMotion: clips must be [B, F, 3, H, W], got " + Shape.str(clips.shape()));
        DenseFlow.init();
        int b = clips.shape(0), f = clips.shape(1), h = clips.shape(3), w = clips.shape(4);
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            if (f < 2) continue;
            float[][] luma = Luma.of(clips.narrow(0, i, 1).reshape(f, 3, h, w));   // [F][H*W]
            double sum = 0;
            for (int k = 0; k + 1 < f; k++) {
                float[] flow = DenseFlow.farneback(luma[k], luma[k + 1], h, w);     // [H, W, 2]
                for (int p = 0; p < h * w; p++) sum += Math.hypot(flow[2 * p], flow[2 * p + 1]);
            }
            out[i] = sum / ((double) (f - 1) * h * w);
        }
        return out;
    }
}
