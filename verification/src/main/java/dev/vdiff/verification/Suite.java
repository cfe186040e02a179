package dev.vdiff.verification;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.check.Tolerance;
import dev.vdiff.tensor.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A case suite: a directory holding {@code manifest.json} and the files it names (docs/ORACLE.md §1, §3).
 *
 * <pre>{@code
 * Suite suite = Suite.load(Path.of("verification/golden/public"));
 * suite.cases().get(0).op();     // "add"
 * }</pre>
 *
 * Loading reads only the manifest. A suite that cannot be used at all (no directory, no manifest, invalid
 * JSON, wrong format) is an {@link IllegalArgumentException} with a one-line message naming the path.
 */
public record Suite(Path dir, List<OracleCase> cases) {
    public static final String MANIFEST = "manifest.json";

    public static Suite load(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no suite directory at " + dir);
        Path manifest = dir.resolve(MANIFEST);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(manifest);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(dir + " is not a case suite: it has no " + MANIFEST);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + manifest + ": " + e.getMessage());
        }
        try {
            return parse(dir, Json.parseObject(bytes));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException(manifest + ": " + e.getMessage());
        }
    }

    private static Suite parse(Path dir, Map<String, Object> m) {
        if (!"oracle-case-suite".equals(m.get("format"))) throw new IllegalArgumentException("not an oracle case suite (format is " + m.get("format") + ")");
        if (!(m.get("format_version") instanceof Number) || ((Number) m.get("format_version")).intValue() != 1) {
            throw new IllegalArgumentException("format_version " + m.get("format_version") + " is not supported (expected 1)");
        }
        List<OracleCase> cases = new ArrayList<>();
        for (Object c : list(m, "cases", "manifest")) cases.add(parseCase(dir, object(c, "case")));
        return new Suite(dir, Collections.unmodifiableList(cases));
    }

    private static OracleCase parseCase(Path dir, Map<String, Object> c) {
        String id = string(c, "id", "case");
        String where = "case " + id;
        Map<DType, Tolerance> tolerances = new LinkedHashMap<>();
        Map<String, Object> tol = object(c.get("tolerance"), where + " tolerance");
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            String entry = where + " tolerance." + dtype.pyName;
            tolerances.put(dtype, Tolerance.parse(object(tol.get(dtype.pyName), entry), entry));
        }
        Map<String, OracleCase.FileEntry> files = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(c.getOrDefault("files", Map.of()), where + " files").entrySet()) {
            Map<String, Object> f = object(e.getValue(), where + " file " + e.getKey());
            files.put(e.getKey(), new OracleCase.FileEntry(string(f, "file", where), (String) f.get("sha256")));
        }
        return new OracleCase(dir, id, string(c, "op", where), c.get("note") == null ? "" : String.valueOf(c.get("note")),
            new Attrs(id, object(c.getOrDefault("attrs", Map.of()), where + " attrs")),
            tensors(c, "inputs", where), tensors(c, "outputs", where), tensors(c, "upstream", where), tensors(c, "grads", where),
            Collections.unmodifiableMap(files), Collections.unmodifiableMap(tolerances));
    }

    private static Map<String, OracleCase.TensorEntry> tensors(Map<String, Object> c, String key, String where) {
        Map<String, OracleCase.TensorEntry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(c.getOrDefault(key, Map.of()), where + " " + key).entrySet()) {
            String what = where + " " + key + "." + e.getKey();
            Map<String, Object> t = object(e.getValue(), what);
            List<?> shape = list(t, "shape", what);
            int[] dims = new int[shape.size()];
            for (int i = 0; i < dims.length; i++) dims[i] = ((Number) shape.get(i)).intValue();
            out.put(e.getKey(), new OracleCase.TensorEntry(string(t, "file", what), DType.parse(string(t, "dtype", what)), dims, (String) t.get("sha256")));
        }
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String what) {
        if (!(v instanceof Map)) throw new IllegalArgumentException(what + " should be an object, got " + Json.typeName(v));
        return (Map<String, Object>) v;
    }

    private static List<?> list(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (!(v instanceof List)) throw new IllegalArgumentException(what + ": '" + key + "' should be an array, got " + Json.typeName(v));
        return (List<?>) v;
    }

    private static String string(Map<String, Object> m, String key, String what) {
        Object v = m.get(key);
        if (!(v instanceof String)) throw new IllegalArgumentException(what + ": '" + key + "' should be a string, got " + Json.typeName(v));
        return (String) v;
    }
}
