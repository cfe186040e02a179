package dev.vdiff.tensor.io;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded mutation fuzzing of the three readers. Valid files get byte flips, truncations, appended bytes,
 * rewritten length fields, rewritten numbers (shapes, offsets), rewritten dtypes and edited header syntax.
 * Every outcome must be a successful read or a {@link TensorFileException} naming the file, in one line,
 * quickly and without allocating more than the file could justify; any other throwable fails the test.
 */
class TensorFileFuzzTest {
    private static final int MUTATIONS_PER_BASE = 500;

    @TempDir
    Path tmp;

    /** A valid file to mutate; {@code kind} is npy, npz or safetensors. */
    record Base(String name, String kind, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Base> bases() throws IOException {
        List<Base> out = new ArrayList<>();
        for (String f : new String[] {"f4_2x3.npy", "f8_fortran_2x3x4.npy", "f8_v3_2x3.npy", "f2_12.npy", "f8_scalar.npy"}) {
            out.add(new Base(f, "npy", Files.readAllBytes(IoTesting.fixture(f))));
        }
        out.add(new Base("pair_stored.npz", "npz", Files.readAllBytes(IoTesting.fixture("pair_stored.npz"))));
        out.add(new Base("pair_deflated.npz", "npz", Files.readAllBytes(IoTesting.fixture("pair_deflated.npz"))));
        out.add(new Base("half_types.safetensors", "safetensors", Files.readAllBytes(IoTesting.fixture("half_types.safetensors"))));
        out.add(new Base("written.safetensors", "safetensors", Safetensors.toBytes(sample(), Map.of("format", "pt"))));
        return out;
    }

    private static LinkedHashMap<String, Tensor> sample() {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("b", Tensor.of(new double[] {0.5, -0.5}, 2));
        m.put("s", Tensor.scalar(DType.FLOAT64, 7));
        m.put("e", Tensor.zeros(DType.FLOAT32, 0, 2));
        m.put("i", Tensor.ofLongs(new long[] {3, 1, 2}, 3));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bases")
    void mutatedFilesReadOrFailCleanly(Base base) throws Exception {
        Random rnd = new Random(base.name.hashCode() * 31L + 1);
        String ext = "." + base.kind;
        long t0 = System.nanoTime();
        int ok = 0;
        int refused = 0;
        // Files stay open and are rewritten in place: reopening with truncation makes ext4 flush on every close.
        Path own = tmp.resolve("m" + ext);
        Path foreign = tmp.resolve("m.bin");
        try (FileChannel ownCh = FileChannel.open(own, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileChannel foreignCh = FileChannel.open(foreign, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < MUTATIONS_PER_BASE; i++) {
                Mutation m = mutate(base, rnd);
                // Now and then under a foreign extension, so that detection by magic is fuzzed as well.
                boolean useForeign = rnd.nextInt(8) == 0;
                FileChannel ch = useForeign ? foreignCh : ownCh;
                ch.write(ByteBuffer.wrap(m.bytes), 0);
                ch.truncate(m.bytes.length);   // never to 0 first: that also makes ext4 flush
                if (readOrRefuse(useForeign ? foreign : own, base + " mutation " + i + " (" + m.what + ")")) ok++; else refused++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(refused > MUTATIONS_PER_BASE / 10, base + ": only " + refused + " mutations refused; the fuzzer is not biting");
        assertTrue(seconds < 30, base + ": " + MUTATIONS_PER_BASE + " mutations took " + seconds + " s");
        assertEquals(MUTATIONS_PER_BASE, ok + refused);
    }

    /** True if the file read (and its tensors are consistent), false if it was refused cleanly. */
    private static boolean readOrRefuse(Path p, String what) throws IOException {
        long size = Files.size(p);
        long before = HostileFiles.allocated();
        long t0 = System.nanoTime();
        boolean read;
        try {
            for (Tensor t : TensorFile.read(p).values()) {
                assertTrue(t.isDense() && t.numel() == Shape.numel(t.shape()), what);
            }
            TensorFile.list(p);
            read = true;
        } catch (TensorFileException e) {
            String msg = e.getMessage();
            assertTrue(msg.startsWith(p + ": ") && !msg.contains("\n"), what + ": message " + msg);
            read = false;
        } catch (Throwable t) {
            throw new AssertionError(what + ": leaked " + t, t);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        long bytes = HostileFiles.allocated() - before;
        assertTrue(ms < 2000, what + ": took " + ms + " ms");
        assertTrue(bytes < HostileFiles.ALLOCATION_SLACK + 64 * size, what + ": allocated " + bytes + " bytes for a " + size + "-byte file");
        return read;
    }

    record Mutation(byte[] bytes, String what) {}

    private static final String[] NUMBERS = {"0", "1", "-1", "7", "255", "65535", "65536", "2147483647", "2147483648",
        "4294967296", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e3", "2.5", "-0", ""};
    private static final String[] NPY_DTYPES = {"<f8", ">f4", "<i8", "|u1", "<c8", "<f2", "xx", "", "<f4<f4", "|b1", "<U3", "=f4", "<u8", ">i2"};
    private static final String[] ST_DTYPES = {"F64", "I64", "F16", "BF16", "U8", "BOOL", "X", "", "F8_E4M3", "I32", "f32"};
    private static final String SYNTAX = "{}[]()\"',:. \\\u00ff0";

    private static Mutation mutate(Base base, Random rnd) throws IOException {
        if (base.kind.equals("npz") && rnd.nextInt(3) == 0) {
            // A well-formed archive around a mutated .npy: the zip layer passes, the array parser is fuzzed.
            Mutation inner = mutate(new Base("inner", "npy", Npy.toBytes(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2))), rnd);
            return new Mutation(zip(inner.bytes, rnd.nextBoolean()), "inner .npy: " + inner.what);
        }
        byte[] b = base.bytes.clone();
        int kind = rnd.nextInt(7);
        switch (kind) {
            case 0: {   // flip 1..4 bytes, mostly in the header region
                int n = 1 + rnd.nextInt(4);
                StringBuilder at = new StringBuilder();
                for (int k = 0; k < n; k++) {
                    int pos = rnd.nextInt(4) > 0 ? rnd.nextInt(Math.min(b.length, 200)) : rnd.nextInt(b.length);
                    b[pos] = (byte) rnd.nextInt(256);
                    at.append(pos).append(' ');
                }
                return new Mutation(b, "bytes set at " + at);
            }
            case 1: {
                int len = rnd.nextInt(b.length);
                return new Mutation(java.util.Arrays.copyOf(b, len), "truncated to " + len);
            }
            case 2: {
                int extra = 1 + rnd.nextInt(16);
                byte[] c = java.util.Arrays.copyOf(b, b.length + extra);
                for (int k = b.length; k < c.length; k++) c[k] = (byte) rnd.nextInt(256);
                return new Mutation(c, extra + " bytes appended");
            }
            case 3: return rewriteLength(base, b, rnd);
            default: {
                if (base.kind.equals("npz")) return new Mutation(b, "unchanged");
                String header = headerText(base.kind, b);
                String edited;
                String what;
                if (kind == 4) {
                    List<int[]> runs = new ArrayList<>();
                    Matcher m = Pattern.compile("-?[0-9]+").matcher(header);
                    while (m.find()) runs.add(new int[] {m.start(), m.end()});
                    if (runs.isEmpty()) return new Mutation(b, "no number to rewrite");
                    int[] r = runs.get(rnd.nextInt(runs.size()));
                    String num = rnd.nextInt(3) == 0 ? Long.toString(rnd.nextInt(100_000) - 10) : NUMBERS[rnd.nextInt(NUMBERS.length)];
                    edited = header.substring(0, r[0]) + num + header.substring(r[1]);
                    what = "number at " + r[0] + " -> " + num;
                } else if (kind == 5) {
                    boolean npy = base.kind.equals("npy");
                    Matcher m = Pattern.compile(npy ? "'descr': '([^']*)'" : "\"dtype\":\"([^\"]*)\"").matcher(header);
                    List<int[]> hits = new ArrayList<>();
                    while (m.find()) hits.add(new int[] {m.start(1), m.end(1)});
                    int[] h = hits.get(rnd.nextInt(hits.size()));
                    String dt = npy ? NPY_DTYPES[rnd.nextInt(NPY_DTYPES.length)] : ST_DTYPES[rnd.nextInt(ST_DTYPES.length)];
                    edited = header.substring(0, h[0]) + dt + header.substring(h[1]);
                    what = "dtype -> " + dt;
                } else {
                    int pos = rnd.nextInt(header.length() + 1);
                    char c = SYNTAX.charAt(rnd.nextInt(SYNTAX.length()));
                    boolean delete = rnd.nextBoolean() && pos < header.length();
                    edited = delete ? header.substring(0, pos) + header.substring(pos + 1) : header.substring(0, pos) + c + header.substring(pos);
                    what = delete ? "deleted char " + pos : "inserted '" + c + "' at " + pos;
                }
                // Usually keep the length field honest, sometimes not.
                boolean honest = rnd.nextInt(4) > 0;
                return new Mutation(withHeader(base.kind, b, edited, honest), what + (honest ? "" : " (length field stale)"));
            }
        }
    }

    private static Mutation rewriteLength(Base base, byte[] b, Random rnd) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long[] interesting = {0, 1, 2, b.length - 8, b.length - 7, b.length, 1L << 31, (1L << 32) + 3, Long.MAX_VALUE, -1, rnd.nextInt(1 << 20)};
        long v = interesting[rnd.nextInt(interesting.length)];
        if (base.kind.equals("safetensors")) {
            bb.putLong(0, v);
        } else if (base.kind.equals("npy")) {
            if (b[6] == 1) bb.putShort(8, (short) v); else bb.putInt(8, (int) v);
        } else {
            // npz: a zip length field, e.g. the entry sizes in the first local header.
            int at = 18 + 4 * rnd.nextInt(2);
            bb.putInt(at, (int) v);
        }
        return new Mutation(b, "length field -> " + v);
    }

    private static String headerText(String kind, byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (kind.equals("safetensors")) return new String(b, 8, (int) bb.getLong(0), StandardCharsets.ISO_8859_1);
        int prefix = b[6] == 1 ? 10 : 12;
        int len = b[6] == 1 ? bb.getShort(8) & 0xffff : bb.getInt(8);
        return new String(b, prefix, len, StandardCharsets.ISO_8859_1);
    }

    /** The file with its header text replaced; ISO-8859-1 keeps every byte as it was. */
    private static byte[] withHeader(String kind, byte[] b, String header, boolean honestLength) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        String old = headerText(kind, b);
        int prefix = kind.equals("safetensors") ? 8 : (b[6] == 1 ? 10 : 12);
        int dataAt = prefix + old.length();
        ByteBuffer out = ByteBuffer.allocate(prefix + h.length + b.length - dataAt).order(ByteOrder.LITTLE_ENDIAN);
        out.put(b, 0, prefix).put(h).put(b, dataAt, b.length - dataAt);
        if (honestLength) {
            if (kind.equals("safetensors")) out.putLong(0, h.length);
            else if (b[6] == 1) out.putShort(8, (short) h.length);
            else out.putInt(8, h.length);
        }
        return out.array();
    }

    private static byte[] zip(byte[] npy, boolean deflate) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            ZipEntry e = new ZipEntry("a.npy");
            if (!deflate) {
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(npy);
                e.setMethod(ZipEntry.STORED);
                e.setSize(npy.length);
                e.setCompressedSize(npy.length);
                e.setCrc(crc.getValue());
            }
            z.putNextEntry(e);
            z.write(npy);
            z.closeEntry();
        }
        return bos.toByteArray();
    }
}
