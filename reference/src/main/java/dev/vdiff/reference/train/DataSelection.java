package dev.vdiff.reference.train;

import dev.vdiff.reference.data.DataOrder;
/**
 * Which clips make up the next batch. The default, {@link #IN_ORDER}, takes the next {@code B} clips of the
 * {@link DataOrder}; TQD's quality-based dropout (SPEC §2.3) instead skips candidates it rejects, so a batch of
 * {@code B} kept clips may consume more than {@code B} data positions.
 *
 * <p>Contract (what makes checkpoints and {@code --resume} exact): the result is a pure function of
 * {@code (order, position, count)}; the returned {@code nextPosition} is the data position the next batch starts
 * from, and is all a checkpoint stores.
 */
@FunctionalInterface
public interface DataSelection {
    /** The data-set indices of one batch, and the data position after it. */
    record Selected(long[] indices, long nextPosition) {}

    Selected next(DataOrder order, long position, int count);

    /** The next {@code count} clips in data order, none skipped (plain training). */
    DataSelection IN_ORDER = (order, position, count) -> {
        long[] indices = new long[count];
        for (int i = 0; i < count; i++) indices[i] = order.index(position + i);
        return new Selected(indices, position + count);
    };

    /**
     * The next {@code count} clips in data-set order, not shuffled, cycling: position {@code p} is clip
     * {@code p mod n} of the {@code n = order.size()} training clips (a method that walks its data set in order, e.g.
     * a distillation whose every step must see the clips {@code s B .. s B + B - 1}).
     */
    DataSelection SEQUENTIAL = (order, position, count) -> {
        long[] indices = new long[count];
        for (int i = 0; i < count; i++) indices[i] = Math.floorMod(position + i, (long) order.size());
        return new Selected(indices, position + count);
    };
}
