package dev.vdiff.tensor.io;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Moving element data between files and tensors in bounded chunks, so that a file of any size is read with
 * one array of the tensor's size plus one 1 MiB buffer, and shape checks shared by all formats.
 */
final class TensorData {
    /** Chunk size in bytes; a multiple of every element width. */
    static final int CHUNK = 1 << 20;

    private TensorData() {}

    /**
     * Validates dimensions read from a file and returns the element count. Refuses negative dimensions and
     * counts a Java array cannot hold, before anything is allocated.
     */
    static int numel(List<Long> dims, Where where, String what) throws TensorFileException {
        long n = 1;
        for (long d : dims) {
            if (d < 0) throw where.fail(what + " has a negative dimension in shape " + dims);
            if (d > Integer.MAX_VALUE) throw where.fail(what + " has dimension " + d + " in shape " + dims + ", more than 2^31-1");
            n *= d;   // no overflow: both factors are below 2^31 and n is capped below
            if (n > Integer.MAX_VALUE) {
                // A zero further on would make the product 0; keep checking that no dimension is bad.
                boolean zero = dims.stream().anyMatch(x -> x == 0);
                if (!zero) throw where.fail(what + " shape " + dims + " has more than 2^31-1 elements");
                n = 0;
            }
        }
        return (int) n;
    }

    static int[] toIntShape(List<Long> dims) {
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) s[i] = (int) (long) dims.get(i);
        return s;
    }

    /**
     * Reads a dense row-major tensor of {@code shape} whose bytes start at {@code pos}. The caller has checked
     * that the bytes exist ({@code pos + numel * width <= src.size()}).
     */
    static Tensor read(ByteSource src, long pos, Element e, ByteOrder order, int[] shape, Where where) throws TensorFileException {
        int n = Shape.numel(shape);
        Object data = Tensor.allocate(e.dtype, n);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, (long) n * e.width)).order(order);
        int done = 0;
        long p = pos;
        try {
            while (done < n) {
                int count = Math.min(n - done, CHUNK / e.width);
                buf.clear().limit(count * e.width);
                src.readFully(p, buf);
                buf.flip();
                e.decode(buf, data, done, count);
                done += count;
                p += (long) count * e.width;
            }
        } catch (IOException io) {
            throw where.fail("data truncated: " + io.getMessage(), io);
        }
        return Tensor.dense(e.dtype, data, shape);
    }

    /** Writes the elements of {@code t} (row-major, little-endian, as {@link Element#of}) to {@code ch}. */
    static void write(WritableByteChannel ch, Tensor t) throws IOException {
        Tensor d = dense(t);
        Element e = Element.of(d.dtype());
        int n = d.numel();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1L, (long) n * e.width))).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < n) {
            int count = Math.min(n - done, CHUNK / e.width);
            buf.clear();
            e.encode(d.storage(), done, count, buf);
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
            done += count;
        }
    }

    /** The tensor itself if dense, else a dense copy (not recorded by autodiff). */
    static Tensor dense(Tensor t) {
        return t.isDense() ? t : t.copy();
    }

    /** Bytes the elements of {@code t} take in a file. */
    static long byteSize(Tensor t) {
        return (long) t.numel() * Element.of(t.dtype()).width;
    }
}
