package dev.vdiff.reference.turbo.experiment;

/**
 * The per-video difference {@code on[i] - off[i]} of two arms sampled from the same starting noise and label
 * (paired samples): its mean, the standard error of the mean {@code sd / sqrt(n)} (sample standard deviation,
 * n - 1 in the denominator) and how many videos went up. The spread is over the sampling noise only: both arms'
 * students were trained once, so the students' training seed is not part of it.
 *
 * @param mean          mean of the differences
 * @param standardError sd / sqrt(n)
 * @param higher        videos with {@code on > off}
 * @param n             videos
 */
record PairedDifference(double mean, double standardError, int higher, int n) {
    static PairedDifference of(double[] on, double[] off) {
        if (on.length != off.length || on.length < 2) throw new IllegalArgumentException("paired difference: " + on.length + " vs " + off.length + " values");
        int n = on.length, higher = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += (on[i] - off[i]) / n;
            if (on[i] > off[i]) higher++;
        }
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (on[i] - off[i] - mean) * (on[i] - off[i] - mean);
        return new PairedDifference(mean, Math.sqrt(ss / (n - 1) / n), higher, n);
    }

    /** The mean difference is positive by more than two standard errors (about a one-sided 2.5 % test). */
    boolean clearlyPositive() {
        return mean > 2 * standardError;
    }
}
