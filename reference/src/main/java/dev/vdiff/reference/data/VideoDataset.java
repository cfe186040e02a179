package dev.vdiff.reference.data;

/**
 * An indexable collection of clips of one size {@code [frames, 3, height, width]}. {@code clip(i)} is a pure
 * function of {@code i}: the same clip whatever was requested before and from whichever thread.
 */
public interface VideoDataset {
    /** Number of clips; {@link Long#MAX_VALUE} for generators, whose every index {@code >= 0} is valid. */
    long size();

    /** Clip number {@code index}, {@code 0 <= index < size()}. */
    Clip clip(long index);

    int frames();

    int height();

    int width();
}
