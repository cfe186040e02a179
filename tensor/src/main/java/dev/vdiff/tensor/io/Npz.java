package dev.vdiff.tensor.io;

import dev.vdiff.tensor.Tensor;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz}: a zip archive of {@code .npy} files, one per array, as {@code numpy.savez} (entries
 * STORED) and {@code numpy.savez_compressed} (DEFLATED) write it. The key of an array is its entry name
 * without the {@code .npy} suffix.
 *
 * <pre>{@code
 * Npz.write(Path.of("pair.npz"), Map.of("x", x), false);
 * Npz.read(Path.of("pair.npz")).get("x");   // equal to x, bit for bit
 * }</pre>
 *
 * <p>Each entry is inflated into memory (growing with the bytes actually found, never to a size the archive
 * merely claims), checked against its CRC-32 and then parsed like an .npy file.
 */
public final class Npz {
    /** All entries get this timestamp so that equal tensors give equal files. */
    private static final LocalDateTime EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

    private Npz() {}

    public static LinkedHashMap<String, Tensor> read(Path file) throws IOException {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        forEachEntry(file, (name, bytes) -> {
            Where w = Where.of(file).entry(name);
            out.put(key(name), Npy.read(ByteSource.of(bytes), w));
        });
        return out;
    }

    /** The header of every entry, in archive order (entries are still inflated to find them). */
    static LinkedHashMap<String, Npy.Header> headers(Path file) throws IOException {
        LinkedHashMap<String, Npy.Header> out = new LinkedHashMap<>();
        forEachEntry(file, (name, bytes) -> out.put(key(name), Npy.readHeader(ByteSource.of(bytes), Where.of(file).entry(name))));
        return out;
    }

    /** Writes {@code tensors} as entries {@code <name>.npy}, DEFLATED if {@code compressed}, else STORED. */
    public static void write(Path file, Map<String, Tensor> tensors, boolean compressed) throws IOException {
        AtomicWrite.write(file, ch -> {
            OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), TensorData.CHUNK);
            ZipOutputStream zip = new ZipOutputStream(raw);
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                byte[] npy = Npy.toBytes(e.getValue());
                ZipEntry z = new ZipEntry(e.getKey() + ".npy");
                z.setTimeLocal(EPOCH);
                if (compressed) {
                    z.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(npy);
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(npy.length);
                    z.setCompressedSize(npy.length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(npy);
                zip.closeEntry();
            }
            zip.finish();   // not close(): the channel belongs to AtomicWrite, which still has to force it
            raw.flush();
        });
    }

    private static String key(String entryName) {
        return entryName.endsWith(".npy") ? entryName.substring(0, entryName.length() - 4) : entryName;
    }

    @FunctionalInterface
    private interface EntryReader {
        void accept(String name, byte[] bytes) throws IOException;
    }

    private static void forEachEntry(Path file, EntryReader reader) throws IOException {
        Where where = Where.of(file);
        TensorFile.openRead(file).close();   // the usual one-line errors for missing or unreadable files
        try (ZipFile zip = new ZipFile(file.toFile())) {
            LinkedHashMap<String, String> seen = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (e.isDirectory()) throw where.fail("entry '" + name + "' is a directory, not an array");
                if (seen.put(key(name), name) != null) throw where.fail("duplicate array name '" + key(name) + "'");
                reader.accept(name, inflate(zip, e, where.entry(name)));
            }
        } catch (TensorFileException e) {
            throw e;
        } catch (ZipException | EOFException e) {
            throw where.fail("not a valid .npz (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw where.fail("cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // java.util.zip reports some malformed archives with unchecked exceptions (bad names, sizes).
            throw where.fail("not a valid .npz (zip) file: " + e, e);
        }
    }

    /** The entry's bytes, grown as they arrive and bounded by the declared size; CRC-checked. */
    private static byte[] inflate(ZipFile zip, ZipEntry e, Where where) throws IOException {
        long declared = e.getSize();
        if (declared > Integer.MAX_VALUE - 8) throw where.fail("declared size " + declared + " bytes is too large for one array");
        byte[] buf = new byte[(int) Math.max(64, Math.min(declared < 0 ? 1 << 16 : declared, TensorData.CHUNK))];
        int n = 0;
        CRC32 crc = new CRC32();
        try (InputStream in = zip.getInputStream(e)) {
            while (true) {
                if (n == buf.length) {
                    if (declared >= 0 && n >= declared) {
                        if (in.read() >= 0) throw where.fail("holds more bytes than its declared size " + declared);
                        break;
                    }
                    long grown = Math.min((long) buf.length * 2, declared >= 0 ? declared : Integer.MAX_VALUE - 8);
                    if (grown <= buf.length) throw where.fail("inflates past 2^31 bytes");
                    buf = Arrays.copyOf(buf, (int) grown);
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
            }
        }
        if (declared >= 0 && n != declared) throw where.fail("holds " + n + " bytes, its declared size is " + declared);
        crc.update(buf, 0, n);
        if (e.getCrc() >= 0 && crc.getValue() != e.getCrc()) throw where.fail("CRC-32 mismatch (corrupt data)");
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
}
