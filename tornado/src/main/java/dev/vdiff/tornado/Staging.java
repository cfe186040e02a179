package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.types.arrays.DoubleArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies between the JVM's heap arrays (the tensors' storage) and TornadoVM's off-heap arrays, which are
 * what a task graph transfers to and from the device. Off-heap arrays are sized by capacity (the next power
 * of two), so a kernel's task graph is compiled again only when a call needs a bigger buffer.
 */
final class Staging {
    private Staging() {}

    /** Capacity for n elements: the next power of two, at least 1024. */
    static int capacity(int n) {
        int c = 1024;
        while (c < n) c <<= 1;
        return c;
    }

    static boolean fits(FloatArray a, int n) { return a != null && a.getSize() >= n; }
    static boolean fits(DoubleArray a, int n) { return a != null && a.getSize() >= n; }
    static boolean fits(IntArray a, int n) { return a != null && a.getSize() >= n; }

    /** dst[0..n) = src[0..n) (host copy into the off-heap buffer). */
    static void put(float[] src, int n, FloatArray dst) {
        MemorySegment.copy(src, 0, dst.getSegment(), ValueLayout.JAVA_FLOAT, 0, n);
    }

    static void put(double[] src, int n, DoubleArray dst) {
        MemorySegment.copy(src, 0, dst.getSegment(), ValueLayout.JAVA_DOUBLE, 0, n);
    }

    static void put(int[] src, int n, IntArray dst) {
        MemorySegment.copy(src, 0, dst.getSegment(), ValueLayout.JAVA_INT, 0, n);
    }

    /** dst[0..n) = src[0..n) (host copy out of the off-heap buffer). */
    static void get(FloatArray src, float[] dst, int n) {
        MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_FLOAT, 0, dst, 0, n);
    }

    static void get(DoubleArray src, double[] dst, int n) {
        MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_DOUBLE, 0, dst, 0, n);
    }
}
