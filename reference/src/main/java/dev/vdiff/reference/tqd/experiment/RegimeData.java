package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.reference.data.VideoDataset;

import java.util.ArrayList;
import java.util.List;

/**
 * A finite synthetic training set of quality quadrants ({@link ClipKind}): clip {@code i} is kind
 * {@code kinds[i]}, drawn as clip {@code offset + i} of the base generator (5 shape classes, so clips of different
 * kinds and sets never share a seed). The TQD paper's three data regimes (SPEC §2.5: Set-A all, Set-B imbalanced
 * only, Set-C golden only) at small scale:
 * <ul>
 *   <li>{@link #imbalanced}: {@code n} clips, alternately high-MQ/low-VQ and low-MQ/high-VQ;</li>
 *   <li>{@link #golden}: {@code n} golden clips (the scarce kind: the experiment gives it a quarter of the size);</li>
 *   <li>{@link #all}: the imbalanced clips plus golden and low/low clips.</li>
 * </ul>
 */
public final class RegimeData implements VideoDataset {
    /** Base-generator offsets of the training sets and of the held-out golden sets. */
    static final long TRAIN = 0, HELD_OUT = 1_000_000_000L, FLOOR = 2_000_000_000L;

    private final SyntheticVideos base;
    private final List<ClipKind> kinds;
    private final long offset;

    public RegimeData(SyntheticVideos base, List<ClipKind> kinds, long offset) {
        if (kinds.isEmpty()) throw new IllegalArgumentException("RegimeData: no clips");
        this.base = base;
        this.kinds = List.copyOf(kinds);
        this.offset = offset;
    }

    /** The base generator: {@code frames} frames of {@code size x size}, 5 shape classes, clean (kinds add degradations). */
    public static SyntheticVideos base(long seed, int frames, int size) {
        return new SyntheticVideos(SyntheticConfig.defaults().withSeed(seed).withSize(frames, size, size).withClasses(5).clean());
    }

    public static RegimeData imbalanced(SyntheticVideos base, int n) {
        List<ClipKind> k = new ArrayList<>();
        for (int i = 0; i < n; i++) k.add(i % 2 == 0 ? ClipKind.HIGH_MQ_LOW_VQ : ClipKind.LOW_MQ_HIGH_VQ);
        return new RegimeData(base, k, TRAIN);
    }

    public static RegimeData golden(SyntheticVideos base, int n) {
        return new RegimeData(base, java.util.Collections.nCopies(n, ClipKind.GOLDEN), TRAIN);
    }

    /** {@code n} imbalanced clips, then {@code extra} golden and {@code extra} low/low clips. */
    public static RegimeData all(SyntheticVideos base, int n, int extra) {
        List<ClipKind> k = new ArrayList<>(imbalanced(base, n).kinds);
        for (int i = 0; i < extra; i++) k.add(ClipKind.GOLDEN);
        for (int i = 0; i < extra; i++) k.add(ClipKind.LOW_LOW);
        return new RegimeData(base, k, TRAIN);
    }

    /** {@code n} golden clips outside every training set, from {@code offset} ({@link #HELD_OUT} or {@link #FLOOR}). */
    public static RegimeData heldOutGolden(SyntheticVideos base, int n, long offset) {
        return new RegimeData(base, java.util.Collections.nCopies(n, ClipKind.GOLDEN), offset);
    }

    public ClipKind kind(long index) {
        return kinds.get((int) index);
    }

    @Override
    public Clip clip(long index) {
        if (index < 0 || index >= kinds.size()) throw new IndexOutOfBoundsException("RegimeData: clip " + index + " of " + kinds.size());
        return base.render(kinds.get((int) index).spec(base, offset + index));
    }

    @Override
    public long size() {
        return kinds.size();
    }

    @Override
    public int frames() {
        return base.frames();
    }

    @Override
    public int height() {
        return base.height();
    }

    @Override
    public int width() {
        return base.width();
    }
}
