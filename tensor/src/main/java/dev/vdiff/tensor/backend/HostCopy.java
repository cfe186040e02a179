package dev.vdiff.tensor.backend;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Lazy read-back: the float32 storage arrays whose newest values are on a device, not in the JVM heap.
 *
 * <p>A backend whose kernels write into device memory (the TornadoVM one) need not copy each result home at
 * once: it registers the result's host array here as {@linkplain #deviceHoldsNewest stale}, and the array is
 * brought home only when host code asks for it. Every host access goes through {@link dev.vdiff.tensor.Tensor}'s
 * accessors ({@code storage()}, {@code floats()}, {@code get}, {@code set}, {@code fill}, {@code toDoubleArray}),
 * which call {@link #bringHome} first; the ops that hand arrays to a {@link KernelBackend} use the accessors that
 * do not ({@code deviceStorage()}, {@code deviceFloats()}), so a result that only the next device kernel reads
 * never crosses the bus. {@link JvmBackend} brings its arguments home before it runs, so a JVM kernel never reads
 * a stale array whatever path handed it over.
 *
 * <pre>
 *   device kernel writes out ──> deviceHoldsNewest(out, holder)           host copy of out: stale
 *   next device kernel reads out (deviceFloats)                            nothing moves
 *   host code reads out (floats(), storage(), get ...) ──> bringHome(out) ──> holder.copyHome(out): bus, once
 * </pre>
 *
 * <p>Rule for code that keeps a raw array: an array obtained from an accessor is current at that moment; a device
 * kernel writes only into arrays that its op has just allocated (or, when accumulating, into one that the device
 * holds already), so an array obtained earlier is never made stale behind its holder's back.
 *
 * <p>Cost on the JVM path: one volatile read per accessor call (no array was ever registered).
 */
public final class HostCopy {
    private HostCopy() {}

    /** A device that holds the newest values of some host arrays and can copy them home. */
    public interface Holder {
        /** Copies the device's values of {@code host} into it and then calls {@link #hostHoldsNewest}. */
        void copyHome(float[] host);
    }

    private static final Map<float[], Holder> STALE = new WeakHashMap<>();   // arrays have identity equals/hashCode
    /** STALE's size at its last change (arrays collected since then drop out at the next change): 0 when nothing is stale. */
    private static volatile int staleCount;

    /** Registers that {@code holder} has newer values of {@code host} than the array itself. */
    public static void deviceHoldsNewest(float[] host, Holder holder) {
        synchronized (STALE) {
            STALE.put(host, holder);
            staleCount = STALE.size();
        }
    }

    /** Registers that {@code host} holds its newest values (after a copy home, or when a device drops its copy). */
    public static void hostHoldsNewest(float[] host) {
        synchronized (STALE) {
            if (STALE.remove(host) != null) staleCount = STALE.size();
        }
    }

    /** False when no array is stale (every run that never used a device that reads back lazily): the fast path. */
    public static boolean anyStale() {
        return staleCount != 0;
    }

    /** True when a device holds newer values of {@code host} than the array. */
    public static boolean isStale(float[] host) {
        if (staleCount == 0) return false;
        synchronized (STALE) {
            return STALE.containsKey(host);
        }
    }

    /** Makes {@code storage} (a float[], double[] or long[]) current on the host, copying it home if a device holds newer values. */
    public static void bringHome(Object storage) {
        if (staleCount == 0 || !(storage instanceof float[] f)) return;
        Holder h;
        synchronized (STALE) {
            h = STALE.get(f);
        }
        if (h != null) h.copyHome(f);   // outside the lock: the holder takes its own
    }
}
