package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;

import java.util.concurrent.atomic.LongAdder;

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
