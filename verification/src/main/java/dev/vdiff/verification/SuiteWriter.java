package dev.vdiff.verification;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Npy;
import dev.vdiff.tensor.io.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small suites in the oracle format ({@code docs/ORACLE.md}): npy files, safetensors files and the
 * manifest. The tests of the runner and of {@code vdiff verify} build their suites with it; it is also the
 * shortest way to turn a few tensors from Java into a suite that another implementation can check itself against.
 */
public final class SuiteWriter {
    public final Path dir;
    private final List<Object> cases = new ArrayList<>();

    public SuiteWriter(Path dir) {
        this.dir = dir;
    }

    /** The float64 tolerance of the format, and a float32 one. */
    public static Map<String, Object> tolerance(double rtol, double atol) {
        return Map.of("float64", Map.of("rtol", 1e-9, "atol", 1e-10), "float32", Map.of("rtol", rtol, "atol", atol));
    }

    /** Writes {@code <id>.<role>.<name>.npy} and returns its manifest entry. */
    public Map<String, Object> npy(String id, String role, String name, Tensor t) throws IOException {
        String file = id + "." + role + "." + name + ".npy";
        Npy.write(dir.resolve(file), t);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("file", file);
        e.put("dtype", t.dtype().pyName);
        List<Object> shape = new ArrayList<>();
        for (int d : t.shape()) shape.add((long) d);
        e.put("shape", shape);
        e.put("sha256", sha256(dir.resolve(file)));
        return e;
    }

    /** Writes a safetensors file and returns its {@code files} entry. */
    public Map<String, Object> safetensors(String file, Map<String, Tensor> tensors) throws IOException {
        Safetensors.write(dir.resolve(file), tensors);
        return Map.of("file", file, "format", "safetensors", "sha256", sha256(dir.resolve(file)));
    }

    /** Adds a case object (id, op, attrs, inputs, outputs, ...). */
    public SuiteWriter add(Map<String, Object> c) {
        cases.add(c);
        return this;
    }

    /** Writes manifest.json and returns the directory. */
    public Path write() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "oracle-case-suite");
        m.put("format_version", 1L);
        m.put("cases", cases);
        Files.writeString(dir.resolve(Suite.MANIFEST), Json.write(m));
        return dir;
    }

    public static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An {@code add} case with hand-computed references: a [2, 3] plus b [3] (broadcast over rows), upstream u;
     * grad a = u, grad b = column sums of u.
     */
    public static Map<String, Object> addCase(SuiteWriter s, String id) throws IOException {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), b = Tensor.of(new double[] {0.5, -1, 2}, 3);
        Tensor out = Tensor.of(new double[] {1.5, 1, 5, 4.5, 4, 8}, 2, 3);
        Tensor up = Tensor.of(new double[] {1, -2, 0.5, 3, 1, -1}, 2, 3);
        Tensor gradB = Tensor.of(new double[] {4, -1, -0.5}, 3);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("op", "add");
        c.put("attrs", Map.of());
        c.put("inputs", linked("a", s.npy(id, "in", "a", a), "b", s.npy(id, "in", "b", b)));
        c.put("outputs", Map.of("out", s.npy(id, "out", "out", out)));
        c.put("upstream", Map.of("out", s.npy(id, "up", "out", up)));
        c.put("grads", linked("a", s.npy(id, "grad", "a", up), "b", s.npy(id, "grad", "b", gradB)));
        c.put("tolerance", tolerance(1e-5, 1e-6));
        return c;
    }

    public static Map<String, Object> linked(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
