package dev.vdiff.tensor.io;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Builders of broken files and the check that reading one fails cleanly, quickly and cheaply. */
final class HostileFiles {
    private HostileFiles() {}

    /** Bytes a read may allocate beyond a small multiple of the file's real size. */
    static final long ALLOCATION_SLACK = 8L << 20;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated by the current thread so far. */
    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** A safetensors file with header length field {@code n}, header text and data. */
    static byte[] safetensors(long n, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(h).put(data).array();
    }

    /** A well-formed safetensors file around {@code header} (its true length) and {@code dataBytes} zero bytes. */
    static byte[] safetensors(String header, int dataBytes) {
        return safetensors(header.getBytes(StandardCharsets.UTF_8).length, header, new byte[dataBytes]);
    }

    /** An .npy version 1.0 file around the header text (true length, no padding) and {@code dataBytes} zeros. */
    static byte[] npy(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        return npy(1, h.length, h, dataBytes);
    }

    /** An .npy file of any version with the length field {@code len} (not necessarily the truth). */
    static byte[] npy(int major, long len, byte[] header, int dataBytes) {
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Npy.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) len); else b.putInt((int) len);
        return b.put(header).array();
    }

    /**
     * Reads {@code file} expecting a {@link TensorFileException} whose one-line message starts with the file
     * name and contains {@code fragment}; the read must allocate no more than the file could justify.
     */
    static TensorFileException assertRefused(Path file, String fragment) throws Exception {
        long size = Files.isRegularFile(file) ? Files.size(file) : 0;
        long before = allocated();
        long t0 = System.nanoTime();
        try {
            TensorFile.read(file);
        } catch (TensorFileException e) {
            long bytes = allocated() - before;
            double ms = (System.nanoTime() - t0) / 1e6;
            String m = e.getMessage();
            assertTrue(m.startsWith(file + ": "), "message must start with the file name: " + m);
            assertTrue(m.contains(fragment), "expected '" + fragment + "' in: " + m);
            assertFalse(m.contains("\n"), "one line: " + m);
            assertTrue(bytes < ALLOCATION_SLACK + 16 * Math.min(size, 1L << 24), "allocated " + bytes + " bytes refusing a " + size + "-byte file: " + m);
            assertTrue(ms < 2000, "took " + ms + " ms: " + m);
            return e;
        } catch (Throwable t) {
            throw new AssertionError(file + ": expected TensorFileException containing '" + fragment + "', got " + t, t);
        }
        fail(file + ": read succeeded, expected an error containing '" + fragment + "'");
        return null;
    }
}
