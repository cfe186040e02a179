package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
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
 * Test-only readers for the golden suite (FORMAT.md 2, 2.1, 3): NPY v1.0, safetensors and the JSON manifest.
 * Minimal on purpose; the project's real readers live in {@code dev.vdiff.tensor.io}.
 */
final class GoldenFiles {
    private GoldenFiles() {}

    /** The project's copy of the public suite, seen from a module directory. */
    static final Path SUITE = Path.of("..", "verification", "golden", "public");

    static Tensor npy(Path p) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        int hl = Short.toUnsignedInt(bb.getShort(8));
        String header = new String(bb.array(), 10, hl, StandardCharsets.US_ASCII);
        String descr = header.replaceAll(".*'descr':\\s*'([^']*)'.*\\s*", "$1").trim();
        String dims = header.replaceAll("(?s).*'shape':\\s*\\(([^)]*)\\).*", "$1").trim();
        List<Integer> shape = new ArrayList<>();
        for (String d : dims.split(",")) if (!d.isBlank()) shape.add(Integer.parseInt(d.trim()));
        int[] s = shape.stream().mapToInt(Integer::intValue).toArray();
        int n = 1;
        for (int d : s) n *= d;
        bb.position(10 + hl);
        if (descr.equals("<f8")) {
            double[] v = new double[n];
            bb.asDoubleBuffer().get(v);
            return Tensor.of(v, s);
        }
        if (descr.equals("<i8")) {
            long[] v = new long[n];
            bb.asLongBuffer().get(v);
            return Tensor.ofLongs(v, s);
        }
        throw new IOException(p + ": unsupported descr " + descr);
    }

    /** Name -> tensor, in the header's order. */
    @SuppressWarnings("unchecked")
    static Map<String, Tensor> safetensors(Path p) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        Map<String, Object> header = (Map<String, Object>) new Json(new String(bb.array(), 8, (int) n, StandardCharsets.UTF_8)).value();
        int base = 8 + (int) n;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            int[] shape = ((List<Object>) m.get("shape")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            List<Object> off = (List<Object>) m.get("data_offsets");
            int begin = base + ((Number) off.get(0)).intValue(), end = base + ((Number) off.get(1)).intValue();
            ByteBuffer d = ByteBuffer.wrap(bb.array(), begin, end - begin).slice().order(ByteOrder.LITTLE_ENDIAN);
            if (m.get("dtype").equals("F64")) {
                double[] v = new double[(end - begin) / 8];
                d.asDoubleBuffer().get(v);
                out.put(e.getKey(), Tensor.of(v, shape));
            } else if (m.get("dtype").equals("F32")) {
                float[] v = new float[(end - begin) / 4];
                d.asFloatBuffer().get(v);
                out.put(e.getKey(), Tensor.of(v, shape));
            } else {
                throw new IOException(p + ": unsupported dtype " + m.get("dtype"));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> manifestCase(Path suite, String id) throws IOException {
        Map<String, Object> m = (Map<String, Object>) new Json(Files.readString(suite.resolve("manifest.json"))).value();
        for (Object c : (List<Object>) m.get("cases")) {
            Map<String, Object> cm = (Map<String, Object>) c;
            if (id.equals(cm.get("id"))) return cm;
        }
        throw new IOException("no case " + id + " in " + suite);
    }

    /** A small recursive-descent JSON reader: objects keep member order, numbers are Double or Long. */
    static final class Json {
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
                    String k = (String) value();
                    ws();
                    i++;   // ':'
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
            if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (s.charAt(i) != '"') {
                    char ch = s.charAt(i++);
                    if (ch == '\\') {
                        char e = s.charAt(i++);
                        if (e == 'u') { b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                        else b.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                    } else {
                        b.append(ch);
                    }
                }
                i++;
                return b.toString();
            }
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int st = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            String num = s.substring(st, i);
            return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }

    static DType dtypeOf(String mode) {
        return DType.parse(mode);
    }
}
