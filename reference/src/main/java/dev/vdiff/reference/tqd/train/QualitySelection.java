package dev.vdiff.reference.tqd.train;

import dev.vdiff.reference.tqd.QualityDropout;
import dev.vdiff.reference.data.DataOrder;
import dev.vdiff.reference.train.DataSelection;

/**
 * TQD's quality dropout by rejection at the data loader (SPEC §2.3, §2.4; the replacement rule is RECONSTRUCTED):
 * the candidates are the clips in data order; the one at data position {@code p} is kept with probability
 * {@code max(m, v)} ({@link QualityDropout#keeps}), a rejected one is skipped, so every batch is full and the
 * data position counts candidates, kept or not. Decisions are a function of {@code (p, clip)}, so a checkpoint's
 * data position resumes the exact sequence.
 */
public final class QualitySelection implements DataSelection {
    private final QualityDropout dropout;

    public QualitySelection(QualityDropout dropout) {
        this.dropout = dropout;
    }

    @Override
    public Selected next(DataOrder order, long position, int count) {
        if (order.size() > dropout.size()) {
            throw new IllegalArgumentException("QualitySelection: the training set has " + order.size() + " clips but only " + dropout.size() + " have scores");
        }
        QualityDropout.Cursor cursor = dropout.filter(order::index, position);
        long[] indices = cursor.next(count);
        return new Selected(indices, cursor.position());
    }
}
