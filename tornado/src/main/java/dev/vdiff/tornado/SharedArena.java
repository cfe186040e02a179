package dev.vdiff.tornado;

import dev.vdiff.tensor.backend.HostCopy;

import java.util.ArrayList;
import java.util.List;

/**
 * The one {@link DeviceArena} of a {@link TornadoBackend}, shared by every kernel family that keeps its data on the
 * device, so that a tensor one family's kernel wrote is read by another family's kernel where it is: all their task
 * graphs are in the arena's one execution plan (TornadoVM shares device buffers only inside a plan).
 *
 * <p>The plan is built at the first launch and again (with every family's graphs, so every kernel compiles again)
 * only when one launch's arrays do not fit the arena together (it doubles) or a family asks for it because one of
 * its own fixed-size arrays must grow ({@link #rebuild}). Regions are a cache of the host arrays, so a rebuild
 * loses nothing.
 */
final class SharedArena implements AutoCloseable {
    /** Floats in the arena to begin with: {@code -Dvdiff.tornado.arenaFloats} (default 2^25, 128 MiB). */
    static final int INITIAL_FLOATS = Integer.getInteger("vdiff.tornado.arenaFloats", 1 << 25);

    private final List<DeviceArena.User> users = new ArrayList<>();
    private final HostCopy.Holder holder;
    private DeviceArena arena;
    private int capacity = INITIAL_FLOATS, generation;

    /** An arena whose results {@code holder} (the backend) copies home when {@link HostCopy} asks. */
    SharedArena(HostCopy.Holder holder) {
        this.holder = holder;
    }

    /** Adds a family (before the first launch). */
    void register(DeviceArena.User u) {
        if (arena != null) throw new IllegalStateException("register the arena's users before the first launch");
        users.add(u);
    }

    /** The arena, (re)built so that arrays of these lengths fit it together. */
    DeviceArena get(int... lengths) {
        long need = 0;
        for (int n : lengths) need += n + 64L;
        if (need > capacity) {
            long c = capacity;
            while (c < 2 * need) c *= 2;
            if (c > Integer.MAX_VALUE - 64) throw new IllegalStateException("device arena: one launch needs " + need + " floats");
            capacity = (int) c;
            rebuild();
        }
        if (arena == null) arena = new DeviceArena("arena" + (generation++), capacity, users, holder);
        return arena;
    }

    /** Copies the device's newer values of {@code host} home (see {@link HostCopy.Holder}). */
    void copyHome(float[] host) {
        if (arena != null) arena.copyHome(host);
        else HostCopy.hostHoldsNewest(host);
    }

    /** Drops the plan (and the device copies, results written back first): the next {@link #get} builds it again with every family's graphs. */
    void rebuild() {
        close();
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
        arena = null;
    }
}
