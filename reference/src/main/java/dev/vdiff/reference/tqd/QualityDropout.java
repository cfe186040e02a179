package dev.vdiff.reference.tqd;

import dev.vdiff.tensor.random.Rng;

import java.util.function.LongUnaryOperator;

/**
 * TQD's quality-based sample dropout (SPEC §2.3): a sample is kept with probability {@code max(m, v)}, so clips
 * poor in both motion and visual quality are mostly skipped, and a clip good in either is kept. A dropped sample
 * is replaced by drawing the next candidate, so batches stay full (rejection at the data loader, SPEC §2.3/§2.4,
 * RECONSTRUCTED). {@link #lossWeights} is the other reading (KREA): keep everything and weight the loss.
 *
 * <pre>{@code
 * QualityDropout dropout = QualityDropout.of(mq, vq, rng.split(7));     // per-clip normalised scores
 * QualityDropout.Cursor cursor = dropout.filter(order::index, 0);       // candidates: the data order
 * long[] batch = cursor.next(8);                                        // 8 kept data-set indices
 * cursor.position();                                                    // candidates consumed (for checkpoints)
 * }</pre>
 *
 * <p>Determinism: the decision on the candidate at stream position {@code p} (0, 1, 2, ...) uses the uniform
 * {@code u_p = rng.split(p).nextDouble()} and keeps it iff {@code u_p < max(m, v)}. It depends on {@code p} and
 * the candidate only, so a run resumed at any position (see {@link Cursor#position()}) makes the same decisions,
 * and {@code max(m, v) = 0} is never kept, {@code 1} always.
 */
public final class QualityDropout {
    private final double[] keep;
    private final Rng rng;
    /** Consecutive rejections after which we conclude the candidate stream has nothing left to keep. */
    private final long maxRejections;

    /**
     * @param keep the keep probability of every data-set index, each in [0, 1], not all 0
     * @param rng  the stream the decisions are drawn from (only {@link Rng#split} is used: it is not advanced)
     */
    public QualityDropout(double[] keep, Rng rng) {
        if (keep.length == 0) throw new IllegalArgumentException("QualityDropout: the data set is empty");
        double sum = 0;
        for (int i = 0; i < keep.length; i++) {
            if (!(keep[i] >= 0 && keep[i] <= 1)) throw new IllegalArgumentException("QualityDropout: keep probability of sample " + i + " must be in [0, 1], got " + keep[i]);
            sum += keep[i];
        }
        if (sum == 0) throw new IllegalArgumentException("QualityDropout: every sample has keep probability 0 (max(MQ, VQ) = 0 everywhere): nothing to train on");
        this.keep = keep.clone();
        this.rng = rng;
        // Mean waiting time is n / sum under a uniform candidate stream; a streak of a thousand times that has
        // probability about e^-1000: the stream holds nothing that can be kept.
        this.maxRejections = (long) Math.min(Long.MAX_VALUE / 2, Math.max(10_000, 1000.0 * keep.length / sum));
    }

    /** Keep probabilities {@code max(m_i, v_i)} from normalised scores (SPEC §2.3). */
    public static QualityDropout of(double[] m, double[] v, Rng rng) {
        return new QualityDropout(keepProbabilities(m, v), rng);
    }

    /** {@code p_keep = max(m, v)} (SPEC §2.3). */
    public static double keepProbability(double m, double v) {
        TimestepLaw.checkScore("m (motion quality)", m);
        TimestepLaw.checkScore("v (visual quality)", v);
        return Math.max(m, v);
    }

    /** {@link #keepProbability} of every pair. */
    public static double[] keepProbabilities(double[] m, double[] v) {
        if (m.length != v.length) throw new IllegalArgumentException("QualityDropout: " + m.length + " motion scores but " + v.length + " visual scores");
        double[] p = new double[m.length];
        for (int i = 0; i < m.length; i++) p[i] = keepProbability(m[i], v[i]);
        return p;
    }

    /**
     * The loss-weight variant (KREA, SPEC §2.3; not the paper's rejection): {@code w_i = max(m_i, v_i) /
     * mean_batch(max(m, v))}, so the weights of a batch average to 1. A batch whose every keep probability is 0
     * gets weights 0.
     */
    public static double[] lossWeights(double[] m, double[] v) {
        double[] p = keepProbabilities(m, v);
        double mean = 0;
        for (double x : p) mean += x;
        mean /= Math.max(1, p.length);
        for (int i = 0; i < p.length; i++) p[i] = mean == 0 ? 0 : p[i] / mean;
        return p;
    }

    /** Number of data-set indices this dropout knows. */
    public int size() {
        return keep.length;
    }

    /** The keep probability of data-set index {@code index}. */
    public double keepProbability(long index) {
        if (index < 0 || index >= keep.length) throw new IndexOutOfBoundsException("QualityDropout: index " + index + " of " + keep.length);
        return keep[(int) index];
    }

    /** Whether the candidate {@code index} at stream position {@code position} is kept. */
    public boolean keeps(long position, long index) {
        if (position < 0) throw new IllegalArgumentException("QualityDropout: position must be >= 0, got " + position);
        double p = keepProbability(index);
        return rng.split(position).nextDouble() < p;
    }

    /**
     * Filters the candidate stream {@code candidateAt} (position to data-set index, e.g. {@code DataOrder::index})
     * from {@code startPosition} on.
     */
    public Cursor filter(LongUnaryOperator candidateAt, long startPosition) {
        if (startPosition < 0) throw new IllegalArgumentException("QualityDropout: start position must be >= 0, got " + startPosition);
        return new Cursor(candidateAt, startPosition);
    }

    /** A position in a filtered candidate stream. Not thread-safe. */
    public final class Cursor {
        private final LongUnaryOperator candidateAt;
        private long position;
        private long rejected;

        private Cursor(LongUnaryOperator candidateAt, long position) {
            this.candidateAt = candidateAt;
            this.position = position;
        }

        /** The next kept data-set index; candidates before it that were dropped are consumed too. */
        public long next() {
            long streak = 0;
            while (true) {
                long p = position++;
                long index = candidateAt.applyAsLong(p);
                if (keeps(p, index)) return index;
                rejected++;
                if (++streak > maxRejections) {
                    throw new IllegalStateException("QualityDropout: " + streak + " candidates in a row were dropped (from position " + (p - streak + 1) + "); the candidate stream seems to hold only samples with keep probability 0");
                }
            }
        }

        /** The next {@code count} kept indices. */
        public long[] next(int count) {
            if (count < 0) throw new IllegalArgumentException("QualityDropout: count must be >= 0, got " + count);
            long[] out = new long[count];
            for (int i = 0; i < count; i++) out[i] = next();
            return out;
        }

        /** Candidates consumed so far, kept or not: where a resumed run continues. */
        public long position() {
            return position;
        }

        /** Candidates this cursor dropped. */
        public long rejected() {
            return rejected;
        }
    }
}
