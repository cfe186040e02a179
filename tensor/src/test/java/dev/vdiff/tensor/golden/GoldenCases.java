package dev.vdiff.tensor.golden;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only reader of the golden case suite in {@code verification/golden/public} (FORMAT.md §1-3): the
 * manifest (a minimal JSON parser) and the NPY files ({@code <f8} and {@code <i8}, C order). The real
 * readers live in the io code; this one exists so that tensor tests need nothing from other modules.
 */
public final class GoldenCases {
    private GoldenCases() {}

    /** The suite directory, from the tensor module's working directory (Maven runs tests there). */
    public static final Path DIR = Path.of("..", "verification", "golden", "public");

    /** One case: its manifest object and tensor access. */
    public record Case(String id, String op, Map<String, Object> json) {
        @SuppressWarnings("unchecked")
        public Map<String, Object> section(String name) {
            Object o = json.get(name);
            return o == null ? Map.of() : (Map<String, Object>) o;
        }

        public double attr(String name) {
            return ((Number) section("attrs").get(name)).doubleValue();
        }

        /** Tensor {@code name} of a section ("inputs", "outputs", "upstream", "grads"), or null when absent. */
        @SuppressWarnings("unchecked")
        public Tensor tensor(String sectionName, String name) {
            Map<String, Object> e = (Map<String, Object>) section(sectionName).get(name);
            return e == null ? null : readNpy(DIR.resolve((String) e.get("file")));
        }

        @SuppressWarnings("unchecked")
        public double tolerance(String mode, String key) {
            return ((Number) ((Map<String, Object>) section("tolerance").get(mode)).get(key)).doubleValue();
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** All cases of the given op, in manifest order. */
    @SuppressWarnings("unchecked")
    public static List<Case> cases(String op) {
        Map<String, Object> m;
        try {
            m = (Map<String, Object>) new Json(Files.readString(DIR.resolve("manifest.json"))).value();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the golden manifest under " + DIR.toAbsolutePath(), e);
        }
        List<Case> out = new ArrayList<>();
        for (Object o : (List<Object>) m.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            if (op.equals(c.get("op"))) out.add(new Case((String) c.get("id"), op, c));
        }
        if (out.isEmpty()) throw new IllegalStateException("no golden cases of op " + op);
        return out;
    }

    /** Reads an NPY v1.0 file of {@code <f8} (as float64) or {@code <i8} (as int64). */
    public static Tensor readNpy(Path p) {
        byte[] all;
        try {
            all = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 10 || all[0] != (byte) 0x93 || all[1] != 'N') throw new IllegalStateException(p + " is not an NPY file");
        int headerLen = bb.getShort(8) & 0xffff;
        String header = new String(all, 10, headerLen, StandardCharsets.US_ASCII);
        String shapeText = header.substring(header.indexOf('(') + 1, header.indexOf(')'));
        List<Integer> dims = new ArrayList<>();
        for (String d : shapeText.split(",")) if (!d.isBlank()) dims.add(Integer.parseInt(d.trim()));
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int n = 1;
        for (int d : shape) n *= d;
        bb.position(10 + headerLen);
        if (header.contains("'<f8'")) {
            double[] d = new double[n];
            bb.asDoubleBuffer().get(d);
            return Tensor.of(d, shape);
        }
        if (header.contains("'<i8'")) {
            long[] d = new long[n];
            bb.asLongBuffer().get(d);
            return Tensor.dense(DType.INT64, d, shape);
        }
        throw new IllegalStateException(p + ": unsupported header " + header.trim());
    }

    /** A minimal JSON parser: objects (LinkedHashMap), arrays (List), strings, numbers (Double), booleans, null. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i++) == '}') return m;
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i++) == ']') return l;
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            return Double.parseDouble(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': b.append('\n'); break;
                        case 't': b.append('\t'); break;
                        case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                        default: b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            i++;
            return b.toString();
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) throw new IllegalStateException("manifest.json: expected '" + c + "' at offset " + (i - 1));
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
