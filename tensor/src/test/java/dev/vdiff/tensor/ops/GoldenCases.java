package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;

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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test-only reader of the oracle suite in {@code verification/golden/public} (format: shared
 * {@code oracle/FORMAT.md}): a minimal JSON parser for {@code manifest.json} and an NPY v1 reader for
 * {@code <f8}/{@code <i8} arrays, plus the evaluation rule of FORMAT.md section 4 for one case.
 */
final class GoldenCases {
    private GoldenCases() {}

    /** One case: its id, attrs and the named tensors (float64 as stored; int64 for integer inputs). */
    record Case(String id, Map<String, Object> attrs, Map<String, Tensor> inputs, Map<String, Tensor> outputs,
                Map<String, Tensor> upstream, Map<String, Tensor> grads, double rtol64, double atol64, double rtol32, double atol32) {
        @Override
        public String toString() {
            return id;
        }
    }

    static Path suiteDir() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (; p != null; p = p.getParent()) {
            Path s = p.resolve("verification/golden/public");
            if (Files.isRegularFile(s.resolve("manifest.json"))) return s;
        }
        throw new IllegalStateException("verification/golden/public/manifest.json not found above " + System.getProperty("user.dir"));
    }

    /** All cases of {@code op}, in manifest order. */
    @SuppressWarnings("unchecked")
    static List<Case> load(String op) {
        try {
            Path dir = suiteDir();
            Map<String, Object> manifest = (Map<String, Object>) new Json(Files.readString(dir.resolve("manifest.json"))).value();
            List<Case> out = new ArrayList<>();
            for (Object o : (List<Object>) manifest.get("cases")) {
                Map<String, Object> c = (Map<String, Object>) o;
                if (!op.equals(c.get("op"))) continue;
                Map<String, Object> tol = (Map<String, Object>) c.get("tolerance");
                Map<String, Object> t64 = (Map<String, Object>) tol.get("float64"), t32 = (Map<String, Object>) tol.get("float32");
                out.add(new Case((String) c.get("id"), (Map<String, Object>) c.get("attrs"),
                    tensors(dir, c.get("inputs")), tensors(dir, c.get("outputs")), tensors(dir, c.get("upstream")), tensors(dir, c.get("grads")),
                    num(t64.get("rtol")), num(t64.get("atol")), num(t32.get("rtol")), num(t32.get("atol"))));
            }
            if (out.isEmpty()) throw new IllegalStateException("no cases of op " + op + " in " + dir);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the golden suite: " + e.getMessage(), e);
        }
    }

    /**
     * Evaluates {@code op} on the case's inputs converted to {@code dtype} (float inputs only), seeds backward
     * with the upstream tensors, and compares output and every reference gradient with the case's tolerance.
     * {@code op} maps input names to tensors and returns the single output {@code out}.
     */
    static void check(Case c, DType dtype, Function<Map<String, Tensor>, Tensor> op) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        c.inputs().forEach((name, t) -> in.put(name, t.dtype().isFloat() ? t.to(dtype).copy().requiresGrad(true) : t));
        Tensor out = op.apply(in);
        double rtol = dtype == DType.FLOAT64 ? c.rtol64() : c.rtol32(), atol = dtype == DType.FLOAT64 ? c.atol64() : c.atol32();
        assertClose(c.id() + " " + dtype + " out", out.to(DType.FLOAT64), c.outputs().get("out"), rtol, atol);
        if (c.upstream().isEmpty()) return;
        out.backward(c.upstream().get("out").to(dtype));
        for (var e : c.grads().entrySet()) {
            Tensor g = in.get(e.getKey()).grad();
            if (g == null) throw new AssertionError(c.id() + " " + dtype + ": no gradient reached input " + e.getKey());
            assertClose(c.id() + " " + dtype + " grad " + e.getKey(), g.to(DType.FLOAT64), e.getValue(), rtol, atol);
        }
    }

    private static void assertClose(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        Close.Result r = Close.compare(actual, expected, rtol, atol);
        if (!r.pass()) throw new AssertionError(r.describe(what));
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Tensor> tensors(Path dir, Object entries) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (entries == null) return m;
        for (var e : ((Map<String, Object>) entries).entrySet()) {
            Map<String, Object> entry = (Map<String, Object>) e.getValue();
            m.put(e.getKey(), readNpy(dir.resolve((String) entry.get("file"))));
        }
        return m;
    }

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'"), SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** NPY version 1.0, little-endian float64 or int64, C order. */
    static Tensor readNpy(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.get(0) != (byte) 0x93 || buf.get(1) != 'N' || buf.get(6) != 1) throw new IOException(file + ": not an NPY v1 file");
        int headerLen = Short.toUnsignedInt(buf.getShort(8));
        String header = new String(buf.array(), 10, headerLen, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !s.find() || header.contains("'fortran_order': True")) throw new IOException(file + ": unsupported header " + header);
        String dims = s.group(1).trim();
        int[] shape = dims.isEmpty() ? new int[0] : java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
        int n = 1;
        for (int x : shape) n *= x;
        buf.position(10 + headerLen);
        switch (d.group(1)) {
            case "<f8": {
                double[] v = new double[n];
                buf.asDoubleBuffer().get(v);
                return Tensor.of(v, shape);
            }
            case "<i8": {
                long[] v = new long[n];
                buf.asLongBuffer().get(v);
                return Tensor.ofLongs(v, shape);
            }
            default:
                throw new IOException(file + ": dtype " + d.group(1) + " not supported");
        }
    }

    /** Just enough JSON: objects (insertion-ordered maps), arrays, strings, numbers, true/false/null. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            return Double.parseDouble(s.substring(start, i));
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (s.charAt(i) == '}') { i++; return m; }
            while (true) {
                ws();
                String k = string();
                ws();
                i++;   // ':'
                m.put(k, value());
                ws();
                if (s.charAt(i++) == '}') return m;   // else ','
            }
        }

        private List<Object> array() {
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

        private String string() {
            StringBuilder b = new StringBuilder();
            i++;
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

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
