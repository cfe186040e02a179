package dev.vdiff.tensor.io;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * NumPy's {@code .npy} format: one array per file.
 *
 * <pre>
 * bytes 0..5   magic \x93NUMPY
 * bytes 6, 7   version major, minor (1.0, 2.0 or 3.0)
 * 8..9         header length, u16 LE (version 1.0)  | 8..11 u32 LE (2.0 and 3.0)
 * header       a Python dict literal, e.g. {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), },
 *              padded with spaces and a final '\n' so that the data starts at a multiple of 64;
 *              ASCII (1.0, 2.0) or UTF-8 (3.0)
 * data         product(shape) elements, row-major (column-major if fortran_order)
 * </pre>
 *
 * <p>Reads {@code f8 f4 f2 i8 i4 i2 i1 u4 u2 u1 b1} in either byte order ({@code f2} widens to float32, the
 * integers to int64) and Fortran-ordered arrays (transposed into row-major). Writes {@code <f4 <f8 <i8} in
 * version 1.0, or 2.0 when the header does not fit 1.0's 16-bit length, byte-identical to {@code numpy.save}.
 *
 * <pre>{@code
 * Npy.write(Path.of("x.npy"), Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
 * Npy.read(Path.of("x.npy"));   // Tensor(float64[2, 3] [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
 * }</pre>
 */
public final class Npy {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Largest header accepted; real headers are a few hundred bytes. */
    static final int MAX_HEADER = 1 << 20;
    private static final int ALIGN = 64;

    private Npy() {}

    /** What the header says: the element type, byte order, layout and shape, and where the data starts. */
    record Header(String descr, Element element, ByteOrder order, boolean fortranOrder, int[] shape, long dataOffset) {
        long dataBytes() {
            return (long) Shape.numel(shape) * element.width;
        }
    }

    public static Tensor read(Path file) throws IOException {
        try (FileChannel ch = TensorFile.openRead(file)) {
            return read(ByteSource.of(ch), Where.of(file));
        }
    }

    public static void write(Path file, Tensor t) throws IOException {
        AtomicWrite.write(file, ch -> write(ch, t));
    }

    /** Reads one array from {@code src}, which must hold exactly the header and the data. */
    static Tensor read(ByteSource src, Where where) throws TensorFileException {
        Header h = readHeader(src, where);
        if (!h.fortranOrder) return TensorData.read(src, h.dataOffset, h.element, h.order, h.shape, where);
        // Column-major data of shape (a, b, c) is row-major data of shape (c, b, a), transposed.
        int[] reversed = new int[h.shape.length];
        int[] perm = new int[h.shape.length];
        for (int i = 0; i < reversed.length; i++) {
            reversed[i] = h.shape[h.shape.length - 1 - i];
            perm[i] = h.shape.length - 1 - i;
        }
        Tensor t = TensorData.read(src, h.dataOffset, h.element, h.order, reversed, where);
        return t.permute(perm).copy();
    }

    /** Parses and checks the header against the size of {@code src}; reads no data. */
    static Header readHeader(ByteSource src, Where where) throws TensorFileException {
        long size = src.size();
        ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, size)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(src, 0, pre, where);
        byte[] p = pre.array();
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= p.length || p[i] != MAGIC[i]) throw where.fail("not an .npy file (bad magic; expected \\x93NUMPY)");
        }
        if (size < 10) throw where.fail("truncated .npy preamble (" + size + " bytes)");
        int major = p[6] & 0xff;
        int minor = p[7] & 0xff;
        if (major < 1 || major > 3 || minor != 0) throw where.fail("unsupported .npy format version " + major + "." + minor + " (1.0, 2.0 and 3.0 are read)");
        int prefix = major == 1 ? 10 : 12;
        if (size < prefix) throw where.fail("truncated .npy preamble (" + size + " bytes)");
        long headerLen = major == 1 ? pre.getShort(8) & 0xffff : pre.getInt(8) & 0xffffffffL;
        if (prefix + headerLen > size) throw where.fail("header length " + headerLen + " runs past the end of the file (" + size + " bytes)");
        if (headerLen > MAX_HEADER) throw where.fail("header length " + headerLen + " exceeds the limit of " + MAX_HEADER + " bytes");

        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(src, prefix, hb, where);
        String text = decode(hb.array(), major == 3, where);
        Map<String, Object> dict;
        try {
            dict = PyLiteral.parseDict(text);
        } catch (PyLiteral.SyntaxError e) {
            throw where.fail("header is not a valid dict literal: " + e.getMessage());
        }
        for (String k : dict.keySet()) {
            if (!k.equals("descr") && !k.equals("fortran_order") && !k.equals("shape")) throw where.fail("header has unexpected key '" + k + "'");
        }
        Object descr = require(dict, "descr", where);
        Object fortran = require(dict, "fortran_order", where);
        Object shape = require(dict, "shape", where);
        if (!(descr instanceof String)) throw where.fail("header 'descr' is " + descr + ", not a dtype string (structured dtypes are not supported)");
        if (!(fortran instanceof Boolean)) throw where.fail("header 'fortran_order' is " + fortran + ", not True or False");
        if (!(shape instanceof List)) throw where.fail("header 'shape' is " + shape + ", not a tuple of integers");
        @SuppressWarnings("unchecked")
        List<Long> dims = (List<Long>) shape;

        String d = (String) descr;
        Element e = d.length() >= 2 ? Element.fromNumpy(d.substring(1)) : null;
        char orderChar = d.isEmpty() ? '?' : d.charAt(0);
        if (e == null || "<>|".indexOf(orderChar) < 0) {
            throw where.fail("unsupported dtype '" + d + "' (supported: f8 f4 f2 i8 i4 i2 i1 u4 u2 u1 b1, byte order < or >)");
        }
        if (orderChar == '|' && e.width > 1) throw where.fail("dtype '" + d + "' has no byte order");
        ByteOrder order = orderChar == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        int n = TensorData.numel(dims, where, "array");
        long dataBytes = (long) n * e.width;
        long dataOffset = prefix + headerLen;
        long available = size - dataOffset;
        if (available < dataBytes) {
            throw where.fail("data truncated: shape " + dims + " of '" + d + "' needs " + dataBytes + " bytes, " + available + " follow the header");
        }
        if (available > dataBytes) {
            throw where.fail((available - dataBytes) + " unexpected bytes after the data (shape " + dims + " of '" + d + "' needs " + dataBytes + ")");
        }
        return new Header(d, e, order, (Boolean) fortran, TensorData.toIntShape(dims), dataOffset);
    }

    private static Object require(Map<String, Object> dict, String key, Where where) throws TensorFileException {
        if (!dict.containsKey(key)) throw where.fail("header lacks the key '" + key + "'");
        return dict.get(key);
    }

    private static String decode(byte[] header, boolean utf8, Where where) throws TensorFileException {
        if (!utf8) return new String(header, StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw where.fail("header is not valid UTF-8");
        }
    }

    private static void readFully(ByteSource src, long pos, ByteBuffer dst, Where where) throws TensorFileException {
        try {
            src.readFully(pos, dst);
        } catch (IOException e) {
            throw where.fail("cannot read: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes header and data of {@code t} to {@code ch}. */
    static void write(WritableByteChannel ch, Tensor t) throws IOException {
        ByteBuffer pre = ByteBuffer.wrap(preamble(t));
        while (pre.hasRemaining()) ch.write(pre);
        TensorData.write(ch, t);
    }

    /** The complete file as bytes (for .npz entries). */
    static byte[] toBytes(Tensor t) throws IOException {
        long total = preamble(t).length + TensorData.byteSize(t);
        if (total > Integer.MAX_VALUE - 8) throw new IOException("tensor " + Shape.str(t.shape()) + " is too large for an .npz entry (" + total + " bytes)");
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) total);
        write(Channels.newChannel(out), t);
        return out.toByteArray();
    }

    /**
     * Magic, version, header length and the space-padded header, laid out exactly as {@code numpy.save}
     * does: version 1.0 unless the padded header is longer than 65535 bytes.
     */
    static byte[] preamble(Tensor t) {
        StringBuilder dict = new StringBuilder("{'descr': '<").append(Element.of(t.dtype()).numpyCode)
            .append("', 'fortran_order': False, 'shape': (");
        int[] s = t.shape();
        for (int i = 0; i < s.length; i++) dict.append(i == 0 ? "" : ", ").append(s[i]);
        dict.append(s.length == 1 ? ",), }" : "), }");
        // numpy.save leaves room to grow the first dimension in place: 21 digits minus those it has.
        if (s.length > 0) dict.append(" ".repeat(21 - Integer.toString(s[0]).length()));
        for (int major = 1; ; major = 2) {
            int lenBytes = major == 1 ? 2 : 4;
            int unpadded = dict.length() + 1;   // + the final '\n'
            int pad = ALIGN - ((MAGIC.length + 2 + lenBytes + unpadded) % ALIGN);
            int headerLen = unpadded + pad;
            if (major == 1 && headerLen > 0xffff) continue;
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + lenBytes + headerLen).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).put((byte) major).put((byte) 0);
            if (major == 1) b.putShort((short) headerLen); else b.putInt(headerLen);
            b.put(dict.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] spaces = new byte[pad];
            Arrays.fill(spaces, (byte) ' ');
            b.put(spaces).put((byte) '\n');
            return b.array();
        }
    }
}
