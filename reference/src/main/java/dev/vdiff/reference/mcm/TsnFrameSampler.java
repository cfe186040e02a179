package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.random.Rng;

/**
 * Temporal-segment (TSN) frame sampling of MCM's discriminator (SPEC §4.4, {@code disc_tsn_num_frames 2}):
 * the F frames of a video are cut into {@code k} equal consecutive segments
 * {@code [i F / k, (i + 1) F / k)} and one frame is drawn uniformly from each, so for F = 16 and k = 2 one
 * index lies in [0, 8) and one in [8, 16) (SPEC §4.6 item 6). Frames of the student's generation and of real
 * clips are picked this way before they reach the frame discriminator.
 */
public final class TsnFrameSampler {
    private TsnFrameSampler() {}

    /** {@code k} frame indices, increasing, one per segment of {@code frames}; needs {@code 1 <= k <= frames}. */
    public static int[] sample(int frames, int k, Rng rng) {
        if (k < 1 || k > frames) throw new IllegalArgumentException("TSN sampling: need 1 <= segments <= frames, got " + k + " segments of " + frames + " frames");
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) {
            int lo = (int) ((long) i * frames / k), hi = (int) ((long) (i + 1) * frames / k);
            idx[i] = lo + rng.nextInt(hi - lo);
        }
        return idx;
    }
}
