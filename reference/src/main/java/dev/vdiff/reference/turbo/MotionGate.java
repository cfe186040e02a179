package dev.vdiff.reference.turbo;

import dev.vdiff.tensor.Tensor;

/**
 * Which training clips have motion good enough to be used as their own motion reference (SPEC §3.1 after eq. 8:
 * "lambda = 0 for videos with poor motion"). The paper's preprocessing flags clips with a motion ranking
 * ({@code calculate_motion_rank_new}); vdiff's gate is a threshold on a generic optical-flow motion measure
 * ({@code eval.FlowMotion}, the magnitude part of TQD's MQ stand-in, moved to {@code eval} so that no paper imports
 * another) [RECONSTRUCTED]; the frame difference is a cheaper alternative.
 */
@FunctionalInterface
public interface MotionGate {
    /** One flag per clip of {@code clips [B, F, C, H, W]} (clean, in the data's range). */
    boolean[] goodMotion(Tensor clips);

    /** Every clip counts as moving (no filtering). */
    static MotionGate all() {
        return clips -> {
            boolean[] ok = new boolean[clips.shape(0)];
            java.util.Arrays.fill(ok, true);
            return ok;
        };
    }

    /**
     * Clips whose optical-flow motion ({@code dev.vdiff.reference.eval.FlowMotion}: mean Farnebäck flow length in
     * pixels per frame) is at least {@code threshold}: the default gate of {@code vdiff distill --motion-threshold}.
     */
    static MotionGate flow(double threshold) {
        return clips -> {
            double[] m = dev.vdiff.reference.eval.FlowMotion.of(clips);
            boolean[] ok = new boolean[m.length];
            for (int i = 0; i < m.length; i++) ok[i] = m[i] >= threshold;
            return ok;
        };
    }

    /**
     * Clips whose {@link FrameDifferenceMotion} (mean absolute difference of consecutive frames) is at least
     * {@code threshold}: a stand-in measure until the MQ scorer is wired.
     */
    static MotionGate frameDifference(double threshold) {
        return clips -> {
            double[] m = FrameDifferenceMotion.of(clips);
            boolean[] ok = new boolean[m.length];
            for (int i = 0; i < m.length; i++) ok[i] = m[i] >= threshold;
            return ok;
        };
    }
}
