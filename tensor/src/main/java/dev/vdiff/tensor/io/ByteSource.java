package dev.vdiff.tensor.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Random-access bytes of known size: an open file, or an array already in memory (an .npz entry). */
interface ByteSource {
    long size();

    /** Fills {@code dst} from {@code pos}; an {@link EOFException} if the bytes run out first. */
    void readFully(long pos, ByteBuffer dst) throws IOException;

    static ByteSource of(FileChannel ch) throws IOException {
        long size = ch.size();
        return new ByteSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void readFully(long pos, ByteBuffer dst) throws IOException {
                long p = pos;
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, p);
                    if (n < 0) throw new EOFException("file ended at byte " + p + " (it shrank while being read?)");
                    p += n;
                }
            }
        };
    }

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void readFully(long pos, ByteBuffer dst) throws IOException {
                if (pos < 0 || pos + dst.remaining() > bytes.length) throw new EOFException("read past the end");
                dst.put(bytes, (int) pos, dst.remaining());
            }
        };
    }
}
