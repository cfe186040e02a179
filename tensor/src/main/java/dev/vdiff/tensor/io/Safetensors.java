package dev.vdiff.tensor.io;

import dev.vdiff.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code .safetensors} format.
 *
 * <pre>
 * bytes 0..7     N, u64 little-endian: the header length
 * 8 .. 8+N-1     header: a UTF-8 JSON object, padded with spaces so that 8+N is a multiple of 8
 *                {"__metadata__": {"k": "v"},                         (optional, strings only)
 *                 "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * 8+N .. end     data section; [begin, end) of each tensor is relative to its start, little-endian,
 *                row-major; the tensors tile it with no gap and no overlap
 * </pre>
 *
 * <p>Reads F64, F32, I64 exactly, F16 and BF16 into float32 and the narrower integer types into int64;
 * writes F64, F32 and I64, tensors in map order. Every size in the header is checked against the file's real
 * size before anything is allocated.
 *
 * <pre>{@code
 * Safetensors.write(Path.of("w.safetensors"), Map.of("conv.weight", w), Map.of("format", "pt"));
 * Safetensors.read(Path.of("w.safetensors")).get("conv.weight");   // equal to w, bit for bit
 * }</pre>
 */
public final class Safetensors {
    /** Largest header accepted (the limit of the reference implementation). */
    static final long MAX_HEADER = 100_000_000L;
    static final String METADATA = "__metadata__";

    private Safetensors() {}

    /** One tensor's header entry; offsets are relative to the data section. */
    record Entry(String name, Element element, int[] shape, long begin, long end) {}

    /** The parsed and checked header. */
    record Header(LinkedHashMap<String, Entry> tensors, LinkedHashMap<String, String> metadata, long dataStart) {}

    public static LinkedHashMap<String, Tensor> read(Path file) throws IOException {
        Where where = Where.of(file);
        try (FileChannel ch = TensorFile.openRead(file)) {
            ByteSource src = ByteSource.of(ch);
            Header h = readHeader(src, where);
            LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : h.tensors.values()) {
                out.put(e.name, TensorData.read(src, h.dataStart + e.begin, e.element, ByteOrder.LITTLE_ENDIAN, e.shape, where));
            }
            return out;
        }
    }

    /** The {@code __metadata__} string map (empty if absent). */
    public static LinkedHashMap<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = TensorFile.openRead(file)) {
            return readHeader(ByteSource.of(ch), Where.of(file)).metadata;
        }
    }

    static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = TensorFile.openRead(file)) {
            return readHeader(ByteSource.of(ch), Where.of(file));
        }
    }

    static Header readHeader(ByteSource src, Where where) throws TensorFileException {
        long size = src.size();
        if (size < 8) throw where.fail("too short for a safetensors file (" + size + " bytes)");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        read(src, 0, lenBuf, where);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > size - 8) {
            throw where.fail("header length " + Long.toUnsignedString(n) + " runs past the end of the file (" + size + " bytes)");
        }
        if (n > MAX_HEADER) throw where.fail("header length " + n + " exceeds the limit of " + MAX_HEADER + " bytes");
        if (n < 2) throw where.fail("header length " + n + " is too short for a JSON object");
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        read(src, 8, hb, where);
        byte[] json = hb.array();
        if (json[0] != '{') throw where.fail("header does not start with '{' (not a safetensors file?)");
        LinkedHashMap<String, Object> members;
        try {
            members = Json.parseObject(json);
        } catch (Json.JsonException e) {
            throw where.fail("header is not valid JSON: " + e.getMessage() + " of the header");
        }

        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        LinkedHashMap<String, Entry> tensors = new LinkedHashMap<>();
        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Object> m : members.entrySet()) {
            if (m.getKey().equals(METADATA)) {
                metadata = metadata(m.getValue(), where);
            } else {
                Entry e = entry(m.getKey(), m.getValue(), dataLen, where);
                tensors.put(e.name, e);
            }
        }
        checkTiling(tensors, dataLen, where);
        return new Header(tensors, metadata, dataStart);
    }

    private static LinkedHashMap<String, String> metadata(Object v, Where where) throws TensorFileException {
        if (!(v instanceof Map)) throw where.fail(METADATA + " is a JSON " + Json.typeName(v) + ", not an object of strings");
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            if (!(e.getValue() instanceof String)) throw where.fail(METADATA + " value of '" + e.getKey() + "' is a JSON " + Json.typeName(e.getValue()) + ", not a string");
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return out;
    }

    private static Entry entry(String name, Object v, long dataLen, Where where) throws TensorFileException {
        String t = "tensor '" + name + "'";
        if (!(v instanceof Map)) throw where.fail(t + " is described by a JSON " + Json.typeName(v) + ", not an object");
        Map<?, ?> m = (Map<?, ?>) v;
        for (Object k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) throw where.fail(t + " has unexpected key '" + k + "'");
        }
        Object dtype = m.get("dtype");
        if (!(dtype instanceof String)) throw where.fail(t + " has no string 'dtype'");
        Element e = Element.fromSafetensors((String) dtype);
        if (e == null) throw where.fail(t + " has unsupported dtype '" + dtype + "' (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U32 U16 U8 BOOL)");
        List<Long> dims = longs(m.get("shape"), t, "shape", where);
        List<Long> offsets = longs(m.get("data_offsets"), t, "data_offsets", where);
        if (offsets.size() != 2) throw where.fail(t + " data_offsets " + offsets + " is not [begin, end]");
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (begin < 0 || end < begin) throw where.fail(t + " has data_offsets " + offsets + " that do not form a range");
        int numel = TensorData.numel(dims, where, t);
        long need = (long) numel * e.width;
        if (end - begin != need) {
            throw where.fail(t + " data_offsets " + offsets + " hold " + (end - begin) + " bytes, but " + dtype + " shape " + dims + " needs " + need);
        }
        if (end > dataLen) {
            throw where.fail(t + " data_offsets " + offsets + " reach past the end of the data section (" + dataLen + " bytes; file truncated?)");
        }
        return new Entry(name, e, TensorData.toIntShape(dims), begin, end);
    }

    private static List<Long> longs(Object v, String t, String key, Where where) throws TensorFileException {
        if (!(v instanceof List)) throw where.fail(t + " has no '" + key + "' array");
        List<Long> out = new ArrayList<>();
        for (Object x : (List<?>) v) {
            if (!(x instanceof Long)) throw where.fail(t + " '" + key + "' holds " + x + ", not an integer");
            out.add((Long) x);
        }
        return out;
    }

    /** The tensors must cover the data section exactly: sorted by offset, each begins where the last ended. */
    private static void checkTiling(Map<String, Entry> tensors, long dataLen, Where where) throws TensorFileException {
        List<Entry> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin < at) throw where.fail("tensor '" + e.name + "' overlaps tensor '" + prev.name + "' (bytes " + e.begin + ".." + at + ")");
            if (e.begin > at) throw where.fail("gap of " + (e.begin - at) + " bytes before tensor '" + e.name + "' at data offset " + at);
            at = e.end;
            prev = e;
        }
        if (at != dataLen) throw where.fail((dataLen - at) + " bytes at the end of the data section belong to no tensor");
    }

    private static void read(ByteSource src, long pos, ByteBuffer dst, Where where) throws TensorFileException {
        try {
            src.readFully(pos, dst);
        } catch (IOException e) {
            throw where.fail("cannot read: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- writing

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} in map order with an optional {@code __metadata__} map (omitted when empty). Metadata in
     * an ordered map (a {@code LinkedHashMap}, as {@link #metadata} returns, or a sorted map) keeps its order, so a
     * file read and written back is the same bytes; any other map ({@code Map.of} iterates in an order that changes
     * from one JVM to the next) is written with its keys sorted, so the same content gives the same bytes.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata);   // outside the write: a bad name leaves no file behind
        AtomicWrite.write(file, ch -> write(ch, header, tensors));
    }

    /** The whole file as bytes (small files; tests). */
    static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(Channels.newChannel(out), header(tensors, metadata), tensors);
        return out.toByteArray();
    }

    private static void write(WritableByteChannel ch, byte[] header, Map<String, Tensor> tensors) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        pre.putLong(header.length).put(header).flip();
        while (pre.hasRemaining()) ch.write(pre);
        for (Tensor t : tensors.values()) TensorData.write(ch, t);
    }

    /** Compact JSON header, space-padded so that the data section starts at a multiple of 8. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        LinkedHashMap<String, Object> h = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            boolean ordered = metadata instanceof LinkedHashMap || metadata instanceof java.util.SortedMap;
            h.put(METADATA, ordered ? new LinkedHashMap<>(metadata) : new java.util.TreeMap<>(metadata));
        }
        long at = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) throw new IllegalArgumentException("'" + METADATA + "' is reserved and cannot name a tensor");
            Tensor t = e.getValue();
            long end = at + TensorData.byteSize(t);
            LinkedHashMap<String, Object> d = new LinkedHashMap<>();
            d.put("dtype", Element.of(t.dtype()).safetensorsName);
            d.put("shape", t.shape());
            d.put("data_offsets", new long[] {at, end});
            h.put(e.getKey(), d);
            at = end;
        }
        byte[] json = Json.writeCompact(h).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) out[i] = ' ';
        return out;
    }
}
