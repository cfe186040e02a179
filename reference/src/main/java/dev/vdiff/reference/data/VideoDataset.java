package dev.vdiff.reference.data;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;

import java.util.List;

/**
 * An indexable collection of clips of one size {@code [frames, 3, height, width]}. {@code clip(i)} is a pure
 * function of {@code i}: the same clip whatever was requested before and from whichever thread.
 */
public interface VideoDataset {
    /** Number of clips; {@link Long#MAX_VALUE} for generators, whose every index {@code >= 0} is valid. */
    long size();

    /** Clip number {@code index}, {@code 0 <= index < size()}. */
    Clip clip(long index);

    /**
     * The caption of clip {@code index} ("" when the source has none), without decoding or rendering the video
     * where the source can (a folder's CSV row, a synthetic clip's spec): what the caption vocabulary is built from.
     */
    default String caption(long index) {
        return clip(index).caption();
    }

    /** The label of clip {@code index} (-1 when it has none), without decoding the video where the source can. */
    default int label(long index) {
        return clip(index).label();
    }

    int frames();

    int height();

    int width();

    /** The videos of clips {@code first .. first+n-1}, rendered in parallel (each clip is a pure function of its index). */
    default List<Tensor> videos(long first, int n) {
        Tensor[] out = new Tensor[n];
        Parallel.forRange(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) out[i] = clip(first + i).video();
        });
        return List.of(out);
    }
}
