package dev.vdiff.reference.turbo;

import dev.vdiff.tensor.Tensor;

/**
 * Which training clips have motion good enough to be used as their own motion reference (SPEC §3.1 after eq. 8:
 * "lambda = 0 for videos with poor motion"). The paper's preprocessing flags clips with a motion ranking; in vdiff
 * the intended measure is TQD's motion-quality score, which a paper package may not import: the command that
 * builds a distillation wires it in (or any other measure) through this interface.
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
