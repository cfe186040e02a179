package dev.vdiff.reference.bench;

import dev.vdiff.tensor.backend.Device;

/**
 * One benchmark of {@code shared/bench}: its key, its FLOP count as the spec defines it (null where not
 * counted) and its default plan (warm-up calls, timed samples, minimum seconds per sample), full and quick.
 * {@link #prepare} builds the inputs outside the timed region and returns the call to time.
 */
interface Workload {
    String key();

    Long flop();

    /** {min warm-up calls, repeats} for the full and the quick run; see {@link #minSampleS}. */
    int[] plan(boolean quick);

    /** Seconds a timed sample lasts at least (micro-benchmarks loop the call; 0 for the model figures). */
    double minSampleS(boolean quick);

    /** Builds the inputs (seeded) on {@code device} (tensors carry their device, so ops run there). */
    Runnable prepare(long seed, Device device);
}
