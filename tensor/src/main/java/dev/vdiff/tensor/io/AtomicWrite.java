package dev.vdiff.tensor.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way vdiff writes a result file (tensors, checkpoints, videos, charts, reports): its final name only
 * ever holds a complete file. The bytes go to a temporary file in the same directory, are forced to disk, and
 * the temporary file is renamed over the target in one atomic step; the directory is then forced to disk so
 * that the rename itself survives a power loss. A crash leaves either the old file or the new one, and at worst
 * a temporary file named {@code .<name>.<random>.tmp}: hidden and ending in {@code .tmp}, so no reader that
 * looks for results by name or extension takes it for one ({@link #isTemporary}).
 *
 * <p>No silent fallback: a file system that cannot rename atomically is an error naming the target, never a
 * plain copy. A failed directory sync is an error too, except where the platform cannot sync a directory at all
 * (see {@link #syncDirectory}).
 *
 * <pre>{@code
 * AtomicWrite.write(Path.of("out/x.npy"), ch -> ch.write(buffer));          // through a channel; out/ must exist
 * AtomicWrite.writeFile(Path.of("out/a.gif"), temp -> encoder.write(temp));  // a writer that opens the path itself
 * }</pre>
 */
public final class AtomicWrite {
    private AtomicWrite() {}

    /** Writes the content of a file through an open channel. */
    @FunctionalInterface
    public interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /** Writes the whole file at the (temporary) path it is given, opening it itself (ImageIO, FFmpeg, Files.write). */
    @FunctionalInterface
    public interface FileBody {
        void write(Path temp) throws IOException;
    }

    /** Writes {@code target} through a channel. Its directory must exist (a one-line error names it otherwise). */
    public static void write(Path target, Body body) throws IOException {
        Path abs = checkTarget(target);
        Path tmp = createTemp(abs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.write(ch);
                ch.force(true);
            }
            move(tmp, abs, true);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(abs.getParent());
    }

    /**
     * Writes {@code target} through a writer that opens the file itself; creates missing parent folders (media and
     * reports go into a run's output folder). The writer gets an empty temporary file to overwrite.
     */
    public static void writeFile(Path target, FileBody body) throws IOException {
        Path abs = target.toAbsolutePath();
        if (abs.getParent() != null) Files.createDirectories(abs.getParent());
        abs = checkTarget(target);
        Path tmp = createTemp(abs);
        try {
            body.write(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            move(tmp, abs, true);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(abs.getParent());
    }

    /**
     * Renames {@code from} (a finished file or folder whose content is already on disk) to {@code to} in one atomic
     * step and syncs the directory; {@code to} must not exist (a folder cannot be atomically replaced).
     * For writers that build a folder of files under a temporary name, as checkpoints do.
     */
    public static void rename(Path from, Path to) throws IOException {
        Path abs = to.toAbsolutePath();
        move(from, abs, false);
        syncDirectory(abs.getParent());
    }

    /** A temporary name for {@code target} in its directory, {@code .<name>.<random>.tmp}, not yet created. */
    public static Path temporaryFor(Path target) {
        Path abs = target.toAbsolutePath();
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        return abs.resolveSibling("." + abs.getFileName() + "." + suffix + ".tmp");
    }

    /** Whether {@code p} is named like one of our temporary files (left behind by a crash): never a result. */
    public static boolean isTemporary(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(".") && name.endsWith(".tmp");
    }

    private static Path checkTarget(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) throw new TensorFileException(target, "is a directory");
        if (dir == null || !Files.isDirectory(dir)) throw new TensorFileException(target, "directory " + dir + " does not exist");
        return abs;
    }

    /** A new empty temporary file, created with the default permissions (unlike createTempFile's 0600, which the rename would keep). */
    private static Path createTemp(Path abs) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createFile(temporaryFor(abs));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    private static void move(Path from, Path to, boolean replace) throws IOException {
        try {
            if (replace) Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            else Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(to + ": cannot be written atomically: the file system cannot rename " + from.getFileName()
                + " to it in one step (" + e.getMessage() + "); write to a local folder", e);
        }
    }

    /**
     * Forces {@code dir}'s entries (the rename) to disk: POSIX {@code fsync} on the directory. A failure is an
     * error naming the directory, with two exceptions where the platform cannot do it at all, so there is nothing
     * to report: Windows, where a directory cannot be opened as a channel (NTFS journals the rename itself), and a
     * file system that answers {@code EINVAL} ("Invalid argument": fsync not supported on this kind of file, as on
     * some FUSE and network mounts). The rename is atomic either way; only its durability across a power loss is
     * then up to the file system.
     */
    static void syncDirectory(Path dir) throws IOException {
        if (WINDOWS) return;
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (UnsupportedOperationException notSupported) {
            return;   // a file system provider without directory channels
        } catch (IOException e) {
            if ("Invalid argument".equals(e.getMessage())) return;   // EINVAL: this file system cannot sync a directory
            throw new IOException(dir + ": could not sync the directory after a rename: " + e.getMessage(), e);
        }
    }

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
}
