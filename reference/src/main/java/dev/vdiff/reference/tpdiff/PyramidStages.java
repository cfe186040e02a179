package dev.vdiff.reference.tpdiff;

import dev.vdiff.diffusion.pyramid.TemporalResampling;
import dev.vdiff.tensor.Shape;

import java.util.Locale;

/**
 * The stage table of a temporal pyramid (SPEC §5.1, §5.2, §5.5): for each stage k = 1..K its time range, frame
 * rate, step budget, and the renoise coefficients of the jump into it. Stage K is sampled first (noisiest, lowest
 * frame rate), stage 1 last (full frame rate).
 *
 * <table>
 *   <caption>Notation (SPEC §5.1-5.5)</caption>
 *   <tr><th>here</th><th>SPEC / TPDiff</th><th>meaning</th></tr>
 *   <tr><td>{@code end(k)}</td><td>e_k = t_{k-1}</td><td>where stage k ends (less noisy end)</td></tr>
 *   <tr><td>{@code originalStart(k)}</td><td>t_k</td><td>the partition boundary above stage k</td></tr>
 *   <tr><td>{@code start(k)}</td><td>s_k</td><td>where stage k starts: {@code t_K} for k = K, else the corrected start
 *       of the jump from stage k+1 (SPEC §5.5; PF-CODE {@code start_sigmas}), or {@code t_k} without renoising</td></tr>
 *   <tr><td>{@code frames(k, F)}</td><td>F / 2^{k-1}</td><td>frame rate 1/2^{k-1} of the full rate</td></tr>
 *   <tr><td>{@code downLevel(k)}</td><td>k - 1</td><td>D_{k-1}: the stage's clean video is the full one halved k-1 times</td></tr>
 * </table>
 *
 * <p>Worked example (flow matching, K = 3, uniform; SPEC §5.5): stage 3 runs 1 to 2/3 on F/4 frames; the jump
 * gives stage 2 the start 0.738796 ({@code c = 0.783612, alpha = 0.522408}), which runs to 1/3 on F/2 frames;
 * the next jump starts stage 1 at 0.414214 ({@code c = 0.878680, alpha = 0.292893}), which runs to 0 on F frames.
 */
public final class PyramidStages {
    private final PyramidConfig config;
    private final int count;
    private final double[] end, start, originalStart;   // index k = 1..K; 0 unused

    PyramidStages(PyramidConfig config) {
        this.config = config;
        this.count = config.stageCount();
        DiffusionForm form = config.form();
        double[] b = config.boundaries();
        end = new double[count + 1];
        start = new double[count + 1];
        originalStart = new double[count + 1];
        for (int k = 1; k <= count; k++) {
            end[k] = b[k - 1];
            originalStart[k] = b[k];
            boolean corrected = k < count && config.renoising() == PyramidConfig.Renoising.ANTI_CORRELATED;
            start[k] = corrected ? form.correctedStart(b[k]) : b[k];
            if (!(start[k] > end[k]) || start[k] > form.noiseTime()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "PyramidStages: stage %d would run from %s to %s", k, start[k], end[k]));
            }
        }
    }

    public PyramidConfig config() {
        return config;
    }

    public DiffusionForm form() {
        return config.form();
    }

    /** K. */
    public int count() {
        return count;
    }

    /** e_k, the less noisy end of stage k. */
    public double end(int k) {
        return end[check(k)];
    }

    /** s_k, the noisy end where stage k starts. */
    public double start(int k) {
        return start[check(k)];
    }

    /** t_k, the partition boundary above stage k (equals {@code start(k)} for k = K or without renoising). */
    public double originalStart(int k) {
        return originalStart[check(k)];
    }

    public double gammaStart(int k) {
        return form().gamma(start(k));
    }

    public double sigmaStart(int k) {
        return form().sigma(start(k));
    }

    public double gammaEnd(int k) {
        return form().gamma(end(k));
    }

    public double sigmaEnd(int k) {
        return form().sigma(end(k));
    }

    /** k - 1: the clean video of stage k is {@code D_{k-1}(x_0)}, downsampled by {@code 2^{k-1}} (SPEC §5.2). */
    public int downLevel(int k) {
        return check(k) - 1;
    }

    /** {@code F / 2^{k-1}}: the frame count of stage k for a full-rate clip of {@code fullFrames} (SPEC §5.1). */
    public int frames(int k, int fullFrames) {
        checkFullFrames(fullFrames);
        return TemporalResampling.framesAtLevel(fullFrames, downLevel(k));
    }

    /** {@code fullShape} with the frame axis set to stage k's frame count. */
    public int[] stageShape(int[] fullShape, int k) {
        int axis = config.frameAxis();
        if (axis >= fullShape.length) throw new IllegalArgumentException("PyramidStages: frame axis " + axis + " is outside the shape " + Shape.str(fullShape));
        int[] s = fullShape.clone();
        s[axis] = frames(k, fullShape[axis]);
        return s;
    }

    /** Rejects a frame count that the coarsest stage cannot divide: it must be a multiple of {@code 2^{K-1}}. */
    public void checkFullFrames(int fullFrames) {
        int need = 1 << (count - 1);
        if (fullFrames < need || fullFrames % need != 0) {
            throw new IllegalArgumentException("PyramidStages: " + count + " stages need a frame count divisible by " + need + ", got " + fullFrames);
        }
    }

    /** The time at stage-local position {@code local} in [0, 1]: {@code t = e_k + local (s_k - e_k)} (SPEC §5.3; local = t'). */
    public double time(int k, double local) {
        checkLocal(local);
        return end(k) + local * (start(k) - end(k));
    }

    /**
     * The flow model's time at stage-local position {@code local}: {@code timestepScale} times the global time of
     * {@link PyramidConfig#globalTime()} (SPEC §5.3: the model also sees the global time).
     */
    public double flowModelTime(int k, double local) {
        checkLocal(local);
        if (config.globalTime() == PyramidConfig.GlobalTime.NOISE_LEVEL) return config.timestepScale() * time(k, local);
        // STAGE_SHARE: stage j gets a share of [0, 1] proportional to its length s_j - e_j, stage 1 at the bottom.
        double total = 0, below = 0;
        for (int j = 1; j <= count; j++) {
            total += start(j) - end(j);
            if (j < k) below += start(j) - end(j);
        }
        double share = (start(k) - end(k)) / total;
        return config.timestepScale() * (below / total + local * share);
    }

    /**
     * The inference steps of stage k out of {@code totalSteps}, split in proportion to the step weights
     * (sampling order: weight 0 is stage K). [RECONSTRUCTED] Rounding: floors, then the leftover steps to the
     * largest fractional parts, ties to the finer stage; e.g. 30 steps 1-1-2 give 7, 8, 15 for stages 3, 2, 1.
     */
    public int steps(int k, int totalSteps) {
        return allocation(totalSteps)[count - check(k)];
    }

    /** The step budget of every stage in sampling order (stage K first). */
    public int[] allocation(int totalSteps) {
        int[] w = config.stepWeights();
        long sum = 0;
        for (int x : w) sum += x;
        int[] n = new int[count];
        double[] frac = new double[count];
        int used = 0;
        for (int i = 0; i < count; i++) {
            double exact = (double) totalSteps * w[i] / sum;
            n[i] = (int) Math.floor(exact);
            frac[i] = exact - n[i];
            used += n[i];
        }
        for (int left = totalSteps - used; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < count; i++) if (frac[i] >= frac[best]) best = i;   // ">=": ties to the later (finer) stage
            n[best]++;
            frac[best] = -1;
        }
        for (int i = 0; i < count; i++) {
            if (n[i] < 1) throw new IllegalArgumentException("PyramidStages: " + totalSteps + " steps leave stage " + (count - i) + " without a step (weights "
                + java.util.Arrays.toString(w) + ")");
        }
        return n;
    }

    /** The renoise coefficients of the jump from stage k+1 into stage k (k < K; SPEC §5.5). */
    public Renoise.Jump jump(int k) {
        if (check(k) == count) throw new IllegalArgumentException("PyramidStages: stage " + k + " is the first stage; no jump leads into it");
        return Renoise.jump(gammaEnd(k + 1), sigmaEnd(k + 1), gammaStart(k), sigmaStart(k), config.coefficient());
    }

    private int check(int k) {
        if (k < 1 || k > count) throw new IllegalArgumentException("PyramidStages: stage " + k + " is outside 1.." + count);
        return k;
    }

    private static void checkLocal(double local) {
        if (!(local >= 0 && local <= 1)) throw new IllegalArgumentException("PyramidStages: stage-local position " + local + " is outside [0, 1]");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PyramidStages(");
        for (int k = count; k >= 1; k--) sb.append(String.format(Locale.ROOT, "%sstage %d: %.6g -> %.6g", k == count ? "" : "; ", k, start(k), end(k)));
        return sb.append(')').toString();
    }
}
