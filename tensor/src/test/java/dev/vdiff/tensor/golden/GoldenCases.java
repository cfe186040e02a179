package dev.vdiff.tensor.golden;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Tolerance;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Npy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The golden case suite in {@code verification/golden/public} (docs/ORACLE.md §1-3) for tensor tests: the manifest
 * read with {@link Json}, the arrays with {@link Npy} (the project's own readers, themselves tested in
 * {@code dev.vdiff.tensor.io}). Manifest numbers are {@code Long} or {@code Double}: read them as {@code Number}.
 */
public final class GoldenCases {
    private GoldenCases() {}

    /** The suite directory: the first {@code verification/golden/public} above the working directory. */
    public static final Path DIR = suiteDir();

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

        /** Every tensor of a section, in manifest order (empty when the section is absent). */
        public Map<String, Tensor> tensors(String sectionName) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (String name : section(sectionName).keySet()) m.put(name, tensor(sectionName, name));
            return m;
        }

        /** The case's pass rule in precision {@code mode} ("float64" or "float32"). */
        @SuppressWarnings("unchecked")
        public Tolerance tolerance(String mode) {
            return Tolerance.parse((Map<String, Object>) section("tolerance").get(mode), id + " tolerance." + mode);
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
            m = Json.parseObject(Files.readAllBytes(DIR.resolve("manifest.json")));
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

    /** An NPY file of the suite ({@code <f8} as float64, {@code <i8} as int64). */
    public static Tensor readNpy(Path p) {
        try {
            return Npy.read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path suiteDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("verification/golden/public");
            if (Files.isRegularFile(s.resolve("manifest.json"))) return s;
        }
        throw new IllegalStateException("verification/golden/public/manifest.json not found above " + Path.of("").toAbsolutePath());
    }
}
