package dev.vdiff.tensor.io;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one atomic-write helper: readers see the old or the new file, never a mix; failures are errors. */
class AtomicWriteTest {
    @TempDir
    Path dir;

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    /** Writes {@code bytes} in 64 KiB pieces, letting other threads run in between, as a real encoder would. */
    private static void write(Path p, byte[] bytes) throws IOException {
        AtomicWrite.write(p, ch -> {
            for (int off = 0; off < bytes.length; off += 1 << 16) {
                ByteBuffer buf = ByteBuffer.wrap(bytes, off, Math.min(1 << 16, bytes.length - off));
                while (buf.hasRemaining()) ch.write(buf);
                Thread.yield();
            }
        });
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * A reader polling the target while a writer replaces it over and over with 1 MiB of 'a' or of 'b' only ever
     * sees one whole file (an in-place write would show a short file or a mix).
     */
    @Test
    void readersSeeTheOldOrTheNewFileNeverAMix() throws Exception {
        Path p = dir.resolve("x.bin");
        int n = 1 << 20;
        byte[] a = filled(n, 'a'), b = filled(n, 'b');
        write(p, a);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> bad = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            int reads = 0;
            while (!done.get() || reads < 10) {
                try {
                    byte[] got = Files.readAllBytes(p);
                    reads++;
                    if (!(Arrays.equals(got, a) || Arrays.equals(got, b))) {
                        bad.compareAndSet(null, "read " + got.length + " bytes, neither all 'a' nor all 'b'");
                    }
                } catch (IOException e) {
                    bad.compareAndSet(null, "target missing during a replace: " + e);
                }
            }
        });
        reader.start();
        for (int i = 0; i < 30; i++) write(p, i % 2 == 0 ? b : a);
        done.set(true);
        reader.join();
        assertNull(bad.get());
        assertEquals(List.of(p), files(), "no temporary files left");
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path p = dir.resolve("keep.txt");
        write(p, "old".getBytes());
        IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(p, ch -> {
            ch.write(ByteBuffer.wrap(filled(1000, 'x')));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> AtomicWrite.writeFile(p, temp -> {
            Files.writeString(temp, "half");
            throw new IllegalStateException("encoder bug (simulated)");
        }));
        assertEquals("old", Files.readString(p));
        assertEquals(List.of(p), files());
        AtomicWrite.writeFile(p, temp -> Files.writeString(temp, "new"));
        assertEquals("new", Files.readString(p));
    }

    /** What a crash leaves behind (a temporary file) is hidden and ends in .tmp: never taken for a result. */
    @Test
    void crashLeftoversAreNamedAsTemporary() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Path leftover = AtomicWrite.temporaryFor(target);
        assertEquals(dir.toAbsolutePath(), leftover.getParent());
        String name = leftover.getFileName().toString();
        assertTrue(name.startsWith(".model.safetensors.") && name.endsWith(".tmp"), name);
        assertTrue(AtomicWrite.isTemporary(leftover));
        assertFalse(AtomicWrite.isTemporary(target));
        assertFalse(AtomicWrite.isTemporary(dir.resolve(".hidden.safetensors")));
    }

    @Test
    void writeFileCreatesMissingFoldersAndWriteRefusesThem() throws IOException {
        Path nested = dir.resolve("a/b/c.txt");
        AtomicWrite.writeFile(nested, temp -> Files.writeString(temp, "x"));
        assertEquals("x", Files.readString(nested));
        TensorFileException e = assertThrows(TensorFileException.class, () -> write(dir.resolve("no/such/x.bin"), new byte[1]));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    /** Renaming across file systems is never atomic: an error naming the target, not a silent copy. */
    @Test
    void aFileSystemThatCannotRenameAtomicallyIsAnError() throws IOException {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
            "needs /dev/shm on another file system than the test folder (Linux); here it is not");
        Path from = Files.createTempFile(shm, "vdiff-atomic", ".bin");
        try {
            Path to = dir.resolve("moved.bin");
            IOException e = assertThrows(IOException.class, () -> AtomicWrite.rename(from, to));
            assertTrue(e.getMessage().startsWith(to.toAbsolutePath() + ": cannot be written atomically"), e.getMessage());
            assertFalse(Files.exists(to), "no copy made");
            assertTrue(Files.exists(from));
        } finally {
            Files.deleteIfExists(from);
        }
    }

    @Test
    void aDirectorySyncFailureIsReported() {
        Path gone = dir.resolve("vanished");
        IOException e = assertThrows(IOException.class, () -> AtomicWrite.syncDirectory(gone));
        assertTrue(e.getMessage().startsWith(gone + ": could not sync the directory"), e.getMessage());
        assertInstanceOf(NoSuchFileException.class, e.getCause());
    }

    @Test
    void renameMovesAFinishedFolderInOneStep() throws IOException {
        Path tmp = AtomicWrite.temporaryFor(dir.resolve("step-1"));
        Files.createDirectory(tmp);
        Files.writeString(tmp.resolve("state.json"), "{}");
        AtomicWrite.rename(tmp, dir.resolve("step-1"));
        assertEquals("{}", Files.readString(dir.resolve("step-1/state.json")));
        assertEquals(List.of(dir.resolve("step-1")), files());
    }
}
