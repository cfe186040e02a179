package dev.vdiff.reference.data;

import dev.vdiff.tensor.parallel.Parallel;

/**
 * The first {@code n} clips of a data set, rendered once up front and kept in memory. The experiment times
 * training steps; with the synthetic generator rendering every clip on demand, part of each step would be
 * drawing shapes, which is the same for both arms and would dilute the measured ratio. Rendering first makes a
 * step's time the training work only (as with a real, cached or preloaded data set).
 */
public final class PrerenderedVideos implements VideoDataset {
    private final Clip[] clips;
    private final int frames, height, width;

    public PrerenderedVideos(VideoDataset source, int n) {
        if (n < 1 || n > source.size()) throw new IllegalArgumentException("PrerenderedVideos: need 1.." + source.size() + " clips, got " + n);
        clips = new Clip[n];
        Parallel.forRange(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) clips[i] = source.clip(i);
        });
        frames = source.frames();
        height = source.height();
        width = source.width();
    }

    @Override
    public long size() {
        return clips.length;
    }

    @Override
    public Clip clip(long index) {
        if (index < 0 || index >= clips.length) throw new IllegalArgumentException("PrerenderedVideos: clip " + index + " is outside 0.." + (clips.length - 1));
        return clips[(int) index];
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }
}
