package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Every kernel launch of this backend goes through {@link #execute}; with {@code -Dvdiff.tornado.countTransfers=true}
 * it runs with TornadoVM's profiler and adds up the bytes TornadoVM itself reports as copied host -> device and
 * device -> host, so that the bus traffic of a training step can be measured (on PoCL as on a GPU: the byte
 * counts do not depend on the device). Off by default: the profiler costs time.
 */
public final class Transfers {
    private Transfers() {}

    private static final boolean COUNT = Boolean.getBoolean("vdiff.tornado.countTransfers");
    private static final LongAdder IN = new LongAdder(), OUT = new LongAdder(), LAUNCHES = new LongAdder();

    /** Bytes moved so far: host -> device, device -> host, and the number of plan executions. */
    public record Count(long bytesIn, long bytesOut, long launches) {
        public Count minus(Count o) { return new Count(bytesIn - o.bytesIn, bytesOut - o.bytesOut, launches - o.launches); }
        public long bytes() { return bytesIn + bytesOut; }
    }

    /** Whether launches are being counted ({@code -Dvdiff.tornado.countTransfers=true}). */
    public static boolean counting() { return COUNT; }

    public static Count now() { return new Count(IN.sum(), OUT.sum(), LAUNCHES.sum()); }

    /**
     * Adds a partial download ({@code TornadoExecutionResult.transferToHost(DataRange)}, which TornadoVM's profiler
     * does not count) to the device -> host bytes.
     */
    static void countDownload(long bytes) {
        if (COUNT) OUT.add(bytes);
    }

    private static final boolean TRACE = Boolean.getBoolean("vdiff.tornado.traceReadBack");
    private static final Map<String, long[]> READ_BACKS = new HashMap<>();

    /**
     * With {@code -Dvdiff.tornado.traceReadBack=true}: notes who asked for a result left on the device to come home
     * (lazy read-back), as the first two stack frames outside the tensor accessors and the backends, with its bytes.
     */
    static void traceReadBack(long bytes) {
        if (TRACE) note(READ_BACKS, bytes);
    }

    private static final Map<String, long[]> UPLOADS = new HashMap<>();

    /** As {@link #traceReadBack}, for an input uploaded because the device did not hold its current values. */
    static void traceUpload(long bytes) {
        if (TRACE) note(UPLOADS, bytes);
    }

    private static void note(Map<String, long[]> into, long bytes) {
        String who = StackWalker.getInstance().walk(s -> s.map(f -> f.getClassName().replace("dev.vdiff.", "") + "." + f.getMethodName())
            .filter(n -> !n.startsWith("tornado.") && !n.startsWith("tensor.Tensor.") && !n.startsWith("tensor.backend.") && !n.startsWith("tensor.OnDevice."))
            .limit(2).collect(Collectors.joining(" < ")));
        synchronized (into) {
            long[] c = into.computeIfAbsent(who, k -> new long[2]);
            c[0] += bytes;
            c[1]++;
        }
    }

    /** The read-backs noted since the last call (caller -> {bytes, count}), largest first; then forgets them. */
    public static List<Map.Entry<String, long[]>> takeReadBacks() {
        return take(READ_BACKS);
    }

    /** The uploads noted since the last call (caller -> {bytes, count}), largest first; then forgets them. */
    public static List<Map.Entry<String, long[]>> takeUploads() {
        return take(UPLOADS);
    }

    private static List<Map.Entry<String, long[]>> take(Map<String, long[]> m) {
        synchronized (m) {
            List<Map.Entry<String, long[]>> l = new ArrayList<>(m.entrySet());
            l.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
            m.clear();
            return l;
        }
    }

    static TornadoExecutionResult execute(TornadoExecutionPlan plan, GridScheduler scheduler) {
        TornadoExecutionPlan p = plan.withGridScheduler(scheduler);
        if (!COUNT) return p.execute();
        TornadoExecutionResult r = p.withProfiler(ProfilerMode.SILENT).execute();
        IN.add(r.getProfilerResult().getTotalBytesCopyIn());
        OUT.add(r.getProfilerResult().getTotalBytesCopyOut());
        LAUNCHES.increment();
        return r;
    }
}
