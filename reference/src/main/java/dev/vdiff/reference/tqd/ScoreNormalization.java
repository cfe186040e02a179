package dev.vdiff.reference.tqd;

import java.util.Arrays;

/**
 * Maps raw quality scores of a data set to [0, 1], separately for MQ and VQ (SPEC §2.1). The paper mentions
 * {@code mq_norm, vq_norm} but gives no formula; both options here are ours [RECONSTRUCTED].
 *
 * <ul>
 *   <li>{@link #PERCENTILE} (default): min–max between the 1st and 99th percentiles, clipped:
 *       {@code q_norm = clip((q - P1) / (P99 - P1), 0, 1)}. Percentiles interpolate linearly between order
 *       statistics (NumPy's default): {@code P_p = x_(k) + (h - k)(x_(k+1) - x_(k))}, {@code h = (n - 1) p / 100},
 *       {@code k = floor(h)}, {@code x_(0) <= ... <= x_(n-1)}.</li>
 *   <li>{@link #RANK}: the empirical-CDF rank, rescaled so the lowest score maps to 0 and the highest to 1:
 *       {@code q_norm = (r(q) - 1) / (n - 1)} with {@code r(q) = #{x < q} + (#{x = q} + 1) / 2} (the average rank;
 *       ties share it). Uniform on [0, 1] whatever the raw distribution.</li>
 * </ul>
 * A data set whose scores are all equal (or a single score) normalises to 0.5 everywhere: no information
 * either way, so TQD's law is the base law for it.
 *
 * <pre>{@code
 * ScoreNormalization.Normalizer n = ScoreNormalization.PERCENTILE.fit(rawMq);   // fitted on the data set
 * double[] mq = n.apply(rawMq);                                                 // in [0, 1]
 * ScoreNormalization.RANK.fit(new double[] {3, 1, 2}).apply(new double[] {3, 1, 2});   // [1, 0, 0.5]
 * }</pre>
 */
public enum ScoreNormalization {
    PERCENTILE("percentile"),
    RANK("rank");

    /** Lower and upper clipping percentiles of {@link #PERCENTILE}. */
    public static final double LOW_PERCENTILE = 1, HIGH_PERCENTILE = 99;

    /** The name used on the command line. */
    public final String cliName;

    ScoreNormalization(String cliName) {
        this.cliName = cliName;
    }

    public static ScoreNormalization parse(String name) {
        for (ScoreNormalization s : values()) if (s.cliName.equalsIgnoreCase(name.strip())) return s;
        throw new IllegalArgumentException("unknown normalisation '" + name + "' (expected percentile or rank)");
    }

    /** A normalisation fitted on one data set's raw scores; applies to those and to any other raw score. */
    @FunctionalInterface
    public interface Normalizer {
        double apply(double raw);

        default double[] apply(double[] raw) {
            double[] out = new double[raw.length];
            for (int i = 0; i < raw.length; i++) out[i] = apply(raw[i]);
            return out;
        }
    }

    /** Fits this normalisation on {@code raw} (at least one finite value, no NaN or infinity). */
    public Normalizer fit(double[] raw) {
        if (raw.length == 0) throw new IllegalArgumentException("ScoreNormalization: no scores to fit");
        for (int i = 0; i < raw.length; i++) {
            if (!Double.isFinite(raw[i])) throw new IllegalArgumentException("ScoreNormalization: score " + i + " is " + raw[i]);
        }
        double[] sorted = raw.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (sorted[0] == sorted[n - 1]) return q -> 0.5;
        if (this == PERCENTILE) {
            double lo = percentile(sorted, LOW_PERCENTILE), hi = percentile(sorted, HIGH_PERCENTILE);
            if (!(hi > lo)) {
                // More than 98% of the scores are one value: fall back to the full range.
                lo = sorted[0];
                hi = sorted[n - 1];
            }
            double l = lo, span = hi - lo;
            return q -> Math.min(1, Math.max(0, (q - l) / span));
        }
        return q -> {
            int below = lowerBound(sorted, q), atOrBelow = upperBound(sorted, q);
            double rank = below + (atOrBelow - below + 1) / 2.0;
            return Math.min(1, Math.max(0, (rank - 1) / (n - 1)));
        };
    }

    /** The {@code p}-th percentile of ascending {@code sorted}, linear interpolation (NumPy's default). */
    public static double percentile(double[] sorted, double p) {
        if (!(p >= 0 && p <= 100)) throw new IllegalArgumentException("percentile: p must be in [0, 100], got " + p);
        double h = (sorted.length - 1) * p / 100;
        int k = (int) Math.floor(h);
        if (k >= sorted.length - 1) return sorted[sorted.length - 1];
        return sorted[k] + (h - k) * (sorted[k + 1] - sorted[k]);
    }

    /** Number of elements {@code < q}. */
    private static int lowerBound(double[] sorted, double q) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < q) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /** Number of elements {@code <= q}. */
    private static int upperBound(double[] sorted, double q) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= q) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
