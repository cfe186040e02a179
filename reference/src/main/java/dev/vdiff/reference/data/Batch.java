package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;

import java.util.List;

/**
 * One training batch.
 *
 * @param video    float32 {@code [B, F, C, H, W]} in [-1, 1] (clips stacked, {@code C = 3})
 * @param labels   int64 {@code [B]}: each clip's class label, or -1 for an unlabelled clip
 * @param indices  the data-set index of each clip
 * @param clips    the clips themselves (captions, specs: what per-sample timestep samplers may look at)
 * @param position the data position of the first clip (clips consumed before this batch)
 */
public record Batch(Tensor video, Tensor labels, long[] indices, List<Clip> clips, long position) {
    public int size() {
        return indices.length;
    }
}
