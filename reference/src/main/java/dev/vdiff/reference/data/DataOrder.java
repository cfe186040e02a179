package dev.vdiff.reference.data;

import dev.vdiff.tensor.random.Rng;

/**
 * The order in which a training run visits a finite training set of {@code n} clips: epoch after epoch, each
 * a fresh random permutation drawn from the run's seed (as {@code RandomSampler} with a seeded generator in
 * PyTorch, but a pure function of the position). The <em>data position</em> {@code p} counts the clips consumed
 * so far; clip number {@code p} of the run is {@code perm_e[p mod n]} with {@code e = p / n} and
 * {@code perm_e = rng.split(e).permutation(n)}. A checkpoint therefore only needs {@code p} to continue the
 * exact sequence.
 *
 * <pre>{@code
 * DataOrder order = new DataOrder(4096, Rng.seed(7).split(1));
 * order.index(0);      // first clip of epoch 0
 * order.index(4096);   // first clip of epoch 1 (another permutation)
 * }</pre>
 */
public final class DataOrder {
    private final int n;
    private final Rng epochs;
    private long cachedEpoch = -1;
    private long[] cachedPerm;

    public DataOrder(int n, Rng epochs) {
        if (n < 1) throw new IllegalArgumentException("DataOrder: the training set is empty");
        this.n = n;
        this.epochs = epochs;
    }

    public int size() {
        return n;
    }

    /** The data-set index of the clip at data position {@code position} (0-based). */
    public synchronized long index(long position) {
        if (position < 0) throw new IllegalArgumentException("DataOrder: position must be >= 0, got " + position);
        long epoch = position / n;
        if (epoch != cachedEpoch) {
            cachedPerm = epochs.split(epoch).permutation(n).longs();
            cachedEpoch = epoch;
        }
        return cachedPerm[(int) (position % n)];
    }

    /** The epoch that position {@code position} falls in. */
    public long epoch(long position) {
        return position / n;
    }
}
