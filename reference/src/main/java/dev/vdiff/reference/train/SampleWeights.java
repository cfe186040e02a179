package dev.vdiff.reference.train;

import dev.vdiff.reference.data.Batch;
/**
 * Per-sample weights of the training loss: {@code L = (1/B) sum_i w_i mean_j (f_theta(x)_ij - target_ij)^2}
 * instead of the plain mean (e.g. TQD's loss-weight reading of quality dropout, SPEC §2.3). A pure function of
 * the batch (its clips and data-set indices), so resumed runs weight the same way.
 */
@FunctionalInterface
public interface SampleWeights {
    /** One finite weight {@code >= 0} per sample of {@code batch}. */
    double[] of(Batch batch);
}
