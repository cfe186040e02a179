package dev.vdiff.reference.data;

import dev.vdiff.tensor.parallel.Parallel;
import dev.vdiff.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Assembles training batches: the clips at data positions {@code p .. p+B-1} (in {@link DataOrder} order),
 * loaded in parallel and stacked to {@code [B, F, 3, H, W]}.
 *
 * <p>Worker seeding: a clip is a pure function of its data-set index (synthetic clips draw from
 * {@code Rng.seed(seed).split(index)}; files decode deterministically), and the per-step randomness of training
 * comes from per-step streams ({@link Trainer}). So whichever worker thread loads a clip, and however many
 * there are, nothing shares or depends on a worker's random state: the batch is the same bits on 1 or 16
 * threads (the PyTorch pitfall of every DataLoader worker inheriting one NumPy seed cannot happen).
 *
 * <p>Clips are cached while the cache stays under {@code cacheBytes} (decoding video files is the slow part
 * of a small run, and a finite training set is revisited every epoch).
 */
public final class BatchLoader {
    private final VideoDataset data;
    private final DataOrder order;
    private final int batchSize;
    private final long cacheBytes;
    private final ConcurrentHashMap<Long, Clip> cache = new ConcurrentHashMap<>();
    private final long clipBytes;

    public BatchLoader(VideoDataset data, DataOrder order, int batchSize, long cacheBytes) {
        if (batchSize < 1) throw new IllegalArgumentException("BatchLoader: batch size must be >= 1, got " + batchSize);
        if (order.size() > data.size()) {
            throw new IllegalArgumentException("BatchLoader: the training set wants " + order.size() + " clips but the data set has " + data.size());
        }
        this.data = data;
        this.order = order;
        this.batchSize = batchSize;
        this.cacheBytes = cacheBytes;
        this.clipBytes = 4L * data.frames() * 3 * data.height() * data.width();
    }

    public int batchSize() {
        return batchSize;
    }

    /** The batch whose first clip is at data position {@code position}. */
    public Batch load(long position) {
        long[] indices = new long[batchSize];
        for (int i = 0; i < batchSize; i++) indices[i] = order.index(position + i);
        return load(indices, position);
    }

    /** The batch of the given data-set indices (chosen by a {@code DataSelection} of the trainer), first at data position {@code position}. */
    public Batch load(long[] indices, long position) {
        Clip[] clips = new Clip[indices.length];
        Parallel.forRange(indices.length, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) clips[i] = clip(indices[i]);
        });
        return stack(Arrays.asList(clips), indices, position);
    }

    private Clip clip(long index) {
        Clip c = cache.get(index);
        if (c != null) return c;
        c = data.clip(index);
        int[] want = {data.frames(), 3, data.height(), data.width()};
        if (!Arrays.equals(c.video().shape(), want)) {
            throw new IllegalStateException("clip " + index + " has shape " + Arrays.toString(c.video().shape()) + ", the data set promised " + Arrays.toString(want));
        }
        if ((cache.size() + 1) * clipBytes <= cacheBytes) cache.put(index, c);
        return c;
    }

    /** Stacks clips {@code [F, 3, H, W]} into {@code [B, F, 3, H, W]} and their labels into int64 {@code [B]}. */
    public static Batch stack(List<Clip> clips, long[] indices, long position) {
        int b = clips.size();
        Clip first = clips.get(0);
        int per = first.video().numel();
        float[] video = new float[b * per];
        long[] labels = new long[b];
        for (int i = 0; i < b; i++) {
            Clip c = clips.get(i);
            System.arraycopy(c.video().contiguous().floats(), 0, video, i * per, per);
            labels[i] = c.label();
        }
        int[] s = first.video().shape();
        return new Batch(Tensor.of(video, b, s[0], s[1], s[2], s[3]), Tensor.ofLongs(labels, b), indices, List.copyOf(new ArrayList<>(clips)), position);
    }
}
