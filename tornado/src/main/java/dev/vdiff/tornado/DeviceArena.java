package dev.vdiff.tornado;

import dev.vdiff.tensor.backend.HostCopy;
import uk.ac.manchester.tornado.api.DataRange;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.WeakHashMap;

/**
 * Device memory that outlives a kernel launch: ONE device array (the arena) shared by every task graph of ONE
 * TornadoVM execution plan ({@code persistOnDevice} in the holder graph, {@code consumeFromDevice} in the others;
 * checked by {@code tools/tornado/ArenaProbe.java}), in which each host array a kernel reads or writes gets a
 * region, found again by the array's identity at its next use.
 *
 * <p>Coherence. Inputs (no tensor code has to tell the device anything): the arena's host-side mirror (the
 * {@link FloatArray} behind the device array) holds, for each region, exactly the values its device copy has, and a
 * kernel input is used from the device only when the host array equals the mirror bit for bit
 * ({@link MemorySegment#mismatch}: a host-memory comparison, no bus), otherwise it is uploaded; any host write is
 * seen as a mismatch. Results (lazy read-back): a kernel's result region is marked "device newer" and its host
 * array registered as stale with {@link HostCopy}; such a region is used as it is by the next kernel, and read back
 * (that region only, {@code transferToHost(DataRange)}, into the mirror and the host array) when host code asks
 * through {@link HostCopy#bringHome}, before it is evicted, and before the arena is closed. So a tensor that one
 * device kernel produces and the next reads never crosses the bus, one that host code reads crosses once (down), and
 * a parameter once per change (up). Regions are a cache: evicting one loses nothing, and a region whose host array
 * was garbage-collected is freed.
 *
 * <pre>
 *   input:  region "device newer" (a result not read back)? ──yes──> use the device region as it is
 *           host float[] equal to mirror? ──yes──> use the device region as it is
 *                                         └─no──> stage (2^8 .. 2^20 floats) ── bus ──> copy kernel ──> region
 *   result: region marked "device newer", host array registered as stale with HostCopy (nothing moves)
 *   host code asks (HostCopy.bringHome), eviction, rebuild:
 *           region ── transferToHost(DataRange) ──> mirror ──> host float[]
 * </pre>
 *
 * <p>Uploads go through staging arrays of several sizes (TornadoVM moves whole arrays): chunks of the largest size
 * that fits what is left, a rest of 33 to 255 floats in one chunk of 256 and a smaller one in the smallest (32), so an
 * upload moves at most 255 floats more than the data.
 */
final class DeviceArena implements AutoCloseable {
    private static final int LOCAL = 128, ALIGN = 64;
    // 32 floats for the small host arrays (biases, norm weights, embeddings: 200 B over the bus instead of 1,096 B)
    private static final int[] STAGES = {1 << 5, 1 << 8, 1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20};

    /** One host array's place in the arena ([off, off + len)), weakly keyed so that its array can be collected. */
    private static final class Region extends WeakReference<float[]> {
        final int off, len;
        long lastUse;
        /** The device copy is newer than the host array (a kernel result not yet read back: {@link HostCopy}). */
        boolean deviceNewer;

        Region(float[] host, int off, int len) {
            super(host);
            this.off = off;
            this.len = len;
        }
    }

    final FloatArray mem;
    private final int capacity;
    private final String holder;
    private final TornadoExecutionPlan plan;
    private final FloatArray[] stage = new FloatArray[STAGES.length];
    private final IntArray upParams = new IntArray(4);
    private final WorkerGrid1D upGrid = new WorkerGrid1D(LOCAL);
    private final GridScheduler[] upSchedulers = new GridScheduler[STAGES.length];
    private final WeakHashMap<float[], Region> byArray = new WeakHashMap<>();   // float[] has identity equals/hashCode
    private final List<Region> regions = new ArrayList<>();                       // by offset
    private final List<Region> pinned = new ArrayList<>();
    private long clock;
    private TornadoExecutionResult last;
    /** Who {@link HostCopy} asks to copy a result home (the backend, which serialises access to the arena). */
    private final HostCopy.Holder owner;

    /** stage[0..p1) -> mem[p0 ..): one region's upload. */
    static void upload(KernelContext ctx, IntArray p, FloatArray stage, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(1)) mem.set(p.get(0) + i, stage.get(i));
    }

    /** A kernel family whose task graphs work on the arena (they are part of the arena's one execution plan). */
    interface User {
        /**
         * The family's kernel graphs over {@code a}, each made with {@link #kernelGraph} and {@link #finish} and
         * named from {@code prefix}; {@link #launch(User, int, GridScheduler)} runs them by their index in this list.
         */
        List<TaskGraph> graphs(DeviceArena a, String prefix);
    }

    private final java.util.Map<User, Integer> firstGraph = new java.util.IdentityHashMap<>();

    /** An arena of {@code capacity} floats and one plan made of its upload graphs and every user's kernel graphs. */
    DeviceArena(String name, int capacity, List<User> users, HostCopy.Holder owner) {
        this.capacity = capacity;
        this.owner = owner;
        this.mem = new FloatArray(capacity);
        this.holder = name + "up0";
        List<TaskGraph> graphs = new ArrayList<>();
        for (int s = 0; s < STAGES.length; s++) {
            stage[s] = new FloatArray(STAGES[s]);
            TaskGraph g = new TaskGraph(name + "up" + s).transferToDevice(DataTransferMode.EVERY_EXECUTION, upParams, stage[s]);
            // the first graph allocates the arena on the device (its one whole upload, at its first execution)
            g = s == 0 ? g.transferToDevice(DataTransferMode.FIRST_EXECUTION, mem) : g.consumeFromDevice(holder, mem);
            g = g.task("t", DeviceArena::upload, new KernelContext(), upParams, stage[s], mem)
                .persistOnDevice(mem).transferToHost(DataTransferMode.UNDER_DEMAND, mem);
            upSchedulers[s] = new GridScheduler(g.getTaskGraphName() + ".t", upGrid);
            graphs.add(g);
        }
        for (User u : users) {
            firstGraph.put(u, graphs.size());
            graphs.addAll(u.graphs(this, name + "k" + firstGraph.size() + "_"));
        }
        var snapshots = new uk.ac.manchester.tornado.api.ImmutableTaskGraph[graphs.size()];
        for (int k = 0; k < snapshots.length; k++) snapshots[k] = graphs.get(k).snapshot();
        plan = new TornadoExecutionPlan(snapshots);
        plan.withCompilerFlags(uk.ac.manchester.tornado.api.enums.TornadoVMBackendType.OPENCL, OPENCL_FLAGS);
    }

    /**
     * The OpenCL compiler options of every kernel (session 8): TornadoVM's default is {@code -cl-mad-enable
     * -cl-fast-relaxed-math -w}, which lets the OpenCL compiler reassociate sums, use lower-precision square roots and
     * divisions and assume no NaN or infinity: measured on PoCL, a float32 broadcast sum in the JVM's order came out
     * in a different order (ElementwiseCheck, 242 of 300 sums off by an ulp) and a pseudo-Huber sum in double was off
     * by 1e-9 relative. The backend promises the JVM's arithmetic, so its kernels compile with IEEE semantics: only
     * {@code -w}; {@code -Dvdiff.tornado.openclFlags=...} overrides it (e.g. to time TornadoVM's default).
     */
    static final String OPENCL_FLAGS = System.getProperty("vdiff.tornado.openclFlags", "-w");

    /**
     * Launch constants (session 8): the place in the arena of a vector of launch parameters that is the same from one
     * launch to the next (GEMM's batch offsets, the optimizer's coefficients), found by its contents. The vector is a
     * host array of this arena like any other (a region, compared with the mirror, uploaded through the smallest stage
     * when the device does not hold it), kept alive here for the {@value #CONSTANTS} vectors used last, so the same
     * shapes in every training step cost nothing after the first. Call it after {@link #begin}, like {@link #input}.
     * Ints are stored by {@link #encode(int[], int)}, doubles by {@link #encode(double[])}.
     */
    int constant(float[] v) {
        float[] host = constants.computeIfAbsent(new Key(v), k -> v);
        return input(host, host.length);
    }

    private static final int CONSTANTS = 4096;
    private final java.util.LinkedHashMap<Key, float[]> constants = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Key, float[]> e) { return size() > CONSTANTS; }
    };

    /** A float vector's contents as a map key (by bits). */
    private record Key(float[] v) {
        @Override
        public boolean equals(Object o) { return o instanceof Key k && java.util.Arrays.equals(v, k.v); }   // Float.floatToIntBits per element

        @Override
        public int hashCode() { return java.util.Arrays.hashCode(v); }
    }

    /**
     * v[0..n) as 2n floats, exactly: v = hi * 4096 + lo with hi = v >> 12 (|hi| < 2^20, exact in a float) and lo = v & 4095;
     * a kernel reads element t at offset o as {@code (int) mem.get(o + 2t) * 4096 + (int) mem.get(o + 2t + 1)}.
     */
    static float[] encode(int[] v, int n) {
        float[] f = new float[2 * n];
        for (int t = 0; t < n; t++) {
            f[2 * t] = v[t] >> 12;
            f[2 * t + 1] = v[t] & 4095;
        }
        return f;
    }

    /**
     * d[0..n) as 3n floats a = (float) d, b = (float) (d - a), c = (float) (d - a - b), whose sum (a + b) + c in double
     * is d exactly for |d| >= 2^-97 or d = 0 (as group norm's statistics, {@code GroupNormTask.split}); a kernel reads
     * element t at offset o as {@code ((double) mem.get(o + 3t) + mem.get(o + 3t + 1)) + mem.get(o + 3t + 2)}. A value
     * the split would not give back exactly is an error here, not a silent rounding on the device.
     */
    static float[] encode(double[] d) {
        float[] f = new float[3 * d.length];
        for (int t = 0; t < d.length; t++) {
            float a = (float) d[t];
            float b = (float) (d[t] - a);
            float c = (float) (d[t] - a - b);
            if (((double) a + (double) b) + (double) c != d[t] && !Double.isNaN(d[t])) {
                throw new IllegalArgumentException("launch coefficient " + d[t] + " is not exact as three floats (|d| < 2^-97?)");
            }
            f[3 * t] = a;
            f[3 * t + 1] = b;
            f[3 * t + 2] = c;
        }
        return f;
    }

    /** A kernel graph over this arena: {@code name}, launch parameters moved at every launch, then the task. */
    TaskGraph kernelGraph(String name, IntArray params) {
        return new TaskGraph(name).transferToDevice(DataTransferMode.EVERY_EXECUTION, params).consumeFromDevice(holder, mem);
    }

    /** What every kernel graph ends with (after its task). */
    TaskGraph finish(TaskGraph g) {
        return g.persistOnDevice(mem).transferToHost(DataTransferMode.UNDER_DEMAND, mem);
    }

    int capacity() { return capacity; }

    /** Starts a launch: regions handed out from now on stay until {@link #launch} (none is evicted under a kernel). */
    void begin() {
        pinned.clear();
        clock++;
        if (clock == 1) {   // the holder graph first, with nothing to copy: it allocates the arena the others consume
            upParams.set(0, 0);
            upParams.set(1, 0);
            upGrid.setGlobalWork(LOCAL, 1, 1);
            upGrid.setLocalWork(LOCAL, 1, 1);
            last = Transfers.execute(plan.withGraph(0), upSchedulers[0]);
        }
    }

    /** The offset of host[0..n) in the arena, its device copy equal to the host array (uploaded if it was not). */
    int input(float[] host, int n) {
        Region r = byArray.get(host);
        if (r != null && r.len == n && r.get() == host && r.deviceNewer) {   // a result still on the device: use it
            touch(r);
            return r.off;
        }
        HostCopy.bringHome(host);   // newer values elsewhere (this arena's region of another length, another backend)
        r = byArray.get(host);
        if (r != null && r.len == n && r.get() == host) {
            MemorySegment m = mem.getSegment().asSlice(4L * r.off, 4L * n);
            if (MemorySegment.mismatch(MemorySegment.ofArray(host).asSlice(0, 4L * n), 0, 4L * n, m, 0, 4L * n) == -1) {
                touch(r);
                return r.off;
            }
        } else {
            r = place(host, n);
        }
        touch(r);
        Transfers.traceUpload(4L * n);
        upload(host, r.off, n);
        return r.off;
    }

    /** The offset of a region for host[0..n) that a kernel will write (then {@link #result}, or {@link #download}). */
    int output(float[] host, int n) {
        HostCopy.bringHome(host);   // a kernel that writes part of it must not leave the rest stale
        Region r = byArray.get(host);
        if (r == null || r.len != n || r.get() != host) r = place(host, n);
        touch(r);
        return r.off;
    }

    /** Runs {@code user}'s kernel graph {@code k} (its index in the list {@link User#graphs} returned). */
    void launch(User user, int k, GridScheduler scheduler) {
        last = Transfers.execute(plan.withGraph(firstGraph.get(user) + k), scheduler);
    }

    /**
     * A kernel result: the kernel just launched wrote all of host[0..n) at {@code off}. Read back lazily: the host
     * array is registered as stale with {@link HostCopy} and copied home only when host code asks for it; or at once
     * with {@code -Dvdiff.tornado.eagerReadBack=true} (the behaviour before lazy read-back, for comparisons).
     */
    void result(float[] host, int off, int n) {
        if (EAGER) {
            download(host, off, n);
            return;
        }
        Region r = byArray.get(host);
        if (r == null || r.off != off || r.len != n || r.get() != host) throw new IllegalStateException("result of a region that is not the array's");
        r.deviceNewer = true;
        HostCopy.deviceHoldsNewest(host, owner);
    }

    /** Whether results are read back at once ({@code -Dvdiff.tornado.eagerReadBack=true}) instead of lazily. */
    static final boolean EAGER = Boolean.getBoolean("vdiff.tornado.eagerReadBack");

    /** Copies the device's newer values of {@code host} home, if this arena holds any (see {@link HostCopy.Holder}). */
    void copyHome(float[] host) {
        Region r = byArray.get(host);
        if (r != null && r.get() == host && r.deviceNewer) {
            Transfers.traceReadBack(4L * r.len);
            writeBack(r, host);
        } else {
            HostCopy.hostHoldsNewest(host);   // nothing newer here (e.g. its region was evicted and written back)
        }
    }

    private void writeBack(Region r, float[] host) {
        download(host, r.off, r.len);
        r.deviceNewer = false;
        HostCopy.hostHoldsNewest(host);
    }

    /** host[0..n) = the device's region at {@code off} (after {@link #launch}); the mirror gets the same values. */
    void download(float[] host, int off, int n) {
        if (n == 0) return;
        last.transferToHost(new DataRange(mem).withOffset(off).withSize(n));
        Transfers.countDownload(4L * n);
        MemorySegment.copy(mem.getSegment(), ValueLayout.JAVA_FLOAT, 4L * off, host, 0, n);
    }

    /** host[0..n) = a double array of the last launched graph (listed there as transferToHost UNDER_DEMAND), that part only. */
    void download(uk.ac.manchester.tornado.api.types.arrays.DoubleArray src, double[] host, int n) {
        if (n == 0) return;
        last.transferToHost(new DataRange(src).withSize(n));
        Transfers.countDownload(8L * n);
        MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_DOUBLE, 0, host, 0, n);
    }

    private void touch(Region r) {
        r.lastUse = clock;
        pinned.add(r);
    }

    private void upload(float[] host, int off, int n) {
        MemorySegment.copy(host, 0, mem.getSegment(), ValueLayout.JAVA_FLOAT, 4L * off, n);   // the mirror
        int done = 0;
        while (done < n) {
            int left = n - done, s = 0;
            for (int k = STAGES.length - 1; k >= 0; k--) if (STAGES[k] <= left) { s = k; break; }
            if (left < STAGES[1] && left > STAGES[0]) s = 1;   // a short rest: one chunk of 256, not several of 32
            int chunk = Math.min(left, STAGES[s]);
            MemorySegment.copy(host, done, stage[s].getSegment(), ValueLayout.JAVA_FLOAT, 0, chunk);
            upParams.set(0, off + done);
            upParams.set(1, chunk);
            upGrid.setGlobalWork((long) (chunk + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
            upGrid.setLocalWork(LOCAL, 1, 1);
            last = Transfers.execute(plan.withGraph(s), upSchedulers[s]);
            done += chunk;
        }
    }

    /** A new region of n floats for {@code host} (first fit; least recently used unpinned regions evicted to make room). */
    private Region place(float[] host, int n) {
        Region old = byArray.remove(host);
        if (old != null) {
            if (old.deviceNewer) writeBack(old, host);
            regions.remove(old);
        }
        regions.removeIf(r -> r.get() == null);      // arrays the JVM collected
        int need = (n + ALIGN - 1) / ALIGN * ALIGN;
        if (need > capacity) throw new IllegalStateException("DeviceArena: " + n + " floats do not fit an arena of " + capacity);
        while (true) {
            int at = 0, idx = 0;
            for (; idx < regions.size(); idx++) {
                Region r = regions.get(idx);
                if (r.off - at >= need) break;
                at = r.off + (r.len + ALIGN - 1) / ALIGN * ALIGN;
            }
            if (idx < regions.size() || capacity - at >= need) {
                Region r = new Region(host, at, n);
                regions.add(idx, r);
                byArray.put(host, r);
                return r;
            }
            Region victim = null;
            for (Region r : regions) {
                if (pinned.contains(r)) continue;
                if (victim == null || r.lastUse < victim.lastUse) victim = r;
            }
            if (victim == null) throw new IllegalStateException("DeviceArena: one launch needs more than the arena's " + capacity + " floats");
            regions.remove(victim);
            float[] a = victim.get();
            if (a != null && victim.deviceNewer) writeBack(victim, a);   // evicting loses nothing
            if (a != null && byArray.get(a) == victim) byArray.remove(a);
        }
    }

    @Override
    public void close() {
        for (Region r : regions) {   // results still on the device come home before the device memory goes
            float[] a = r.get();
            if (a != null && r.deviceNewer) writeBack(r, a);
        }
        try {
            plan.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the device arena's execution plan", e);
        }
        regions.clear();
        byArray.clear();
    }
}
