package dev.vdiff.tensor.autograd;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-op CPU-time profile of whatever one thread runs between {@link #start} and {@link #stop}: an
 * off-by-default measuring hook for {@code vdiff bench --profile-ops}, not part of any computation.
 *
 * <p>The clock is CPU time, not wall time, so that a machine shared with other work distorts it little: the
 * calling thread's CPU time plus that of the {@code vdiff-compute} threads (the compute pool works only inside
 * the caller's loops, so their sum is the work done). Attribution is by consecutive marks: {@link #mark}
 * charges the CPU time since the previous mark to its key. The engine marks after each forward op has
 * computed its output ({@link Autograd#record}: {@code fwd.<op>}), after each backward function
 * ({@code bwd.<op>}), after the gradient sums ({@code bwd.accumulate}) and the leaf hand-over
 * ({@code bwd.leaf_grad}); an op may mark parts of its own backward (convolution's input, weight and bias
 * gradients) before the engine's mark takes the rest. Time between ops (model code, the caller's glue) goes to
 * the next op's key, which is why the forward's keys are "this op, since the previous one". Ops that a backward
 * function calls mark nothing: their time is that function's node's.
 *
 * <p>Cost when off: {@link #mark} reads one static boolean and returns (no clock, no string is built: keys are
 * joined only when on). Nothing here touches tensor data, so bits are the same whether it is on or off. When on,
 * each mark reads one CPU clock per compute thread (about a microsecond each); the count of marks is reported,
 * so that cost can be judged against the smallest keys. Only the thread that called {@link #start} records.
 */
public final class OpProfile {
    private OpProfile() {}

    private static final ThreadMXBean TM = ManagementFactory.getThreadMXBean();

    /** Read by every mark: plain (not volatile), written by {@link #start}/{@link #stop} on the recording thread. */
    private static boolean on;
    private static Thread owner;
    private static long[] workerIds = new long[0];
    private static long last;
    private static final Map<String, long[]> TABLE = new LinkedHashMap<>();

    /** One key's total: CPU nanoseconds and how many marks charged it. */
    public record Entry(long nanos, long count) {}

    /** Starts recording on the calling thread (clears the table); the compute threads that exist now are counted. */
    public static synchronized void start() {
        TABLE.clear();
        List<Long> ids = new ArrayList<>();
        for (ThreadInfo i : TM.getThreadInfo(TM.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("vdiff-compute")) ids.add(i.getThreadId());
        }
        workerIds = ids.stream().mapToLong(Long::longValue).toArray();
        owner = Thread.currentThread();
        insideBackwardFn = false;
        last = cpuNow();
        on = true;
    }

    /** Stops recording and returns the table (keys in first-seen order). */
    public static synchronized Map<String, Entry> stop() {
        on = false;
        owner = null;
        Map<String, Entry> out = new LinkedHashMap<>();
        for (var e : TABLE.entrySet()) out.put(e.getKey(), new Entry(e.getValue()[0], e.getValue()[1]));
        return out;
    }

    /** Whether a profile is being recorded (on any thread). */
    public static boolean on() {
        return on;
    }

    /** Charges the CPU time since the previous mark to {@code key}. */
    public static void mark(String key) {
        if (!on) return;
        record(key);
    }

    /** While a backward function runs: the ops it calls are part of its node's key, not forward ops of their own. */
    private static boolean insideBackwardFn;

    /** Engine: a backward function starts ({@code true}) or has returned ({@code false}). */
    static void backwardFn(boolean inside) {
        if (on) insideBackwardFn = inside;
    }

    /** {@link Autograd#record}'s mark: {@code fwd.<op>}, unless a backward function is running the op. */
    public static void forwardOp(String op) {
        if (!on || insideBackwardFn) return;
        record("fwd." + op);
    }

    /** Charges the CPU time since the previous mark to {@code phase + "." + op} (joined only when on). */
    public static void mark(String phase, String op) {
        if (!on) return;
        record(phase + "." + op);
    }

    private static void record(String key) {
        if (Thread.currentThread() != owner) return;
        long now = cpuNow();
        long[] slot = TABLE.computeIfAbsent(key, k -> new long[2]);
        slot[0] += now - last;
        slot[1]++;
        last = now;
    }

    /** CPU nanoseconds of the recording thread and the compute threads. */
    private static long cpuNow() {
        long t = TM.getCurrentThreadCpuTime();
        for (long id : workerIds) {
            long w = TM.getThreadCpuTime(id);
            if (w > 0) t += w;
        }
        return t;
    }
}
