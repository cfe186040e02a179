package dev.vdiff.tensor.golden;

import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test-only access to the public oracle cases in {@code verification/golden/public} (FORMAT.md section 3). */
public final class GoldenSuite {
    private GoldenSuite() {}

    /** One case: tensors by name in manifest order; tolerances per mode. */
    public record Case(String id, String op, Map<String, Object> attrs, Map<String, Tensor> inputs, Map<String, Tensor> outputs,
                       Map<String, Tensor> upstream, Map<String, Tensor> grads, double[] tol64, double[] tol32) {
        @Override
        public String toString() {
            return id;
        }
    }

    private static Path dir;
    private static List<Map<String, Object>> manifest;

    /** The suite directory: found by walking up from the working directory (tests run in a module folder). */
    static synchronized Path dir() {
        if (dir != null) return dir;
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("verification/golden/public");
            if (Files.isRegularFile(d.resolve("manifest.json"))) return dir = d;
        }
        throw new IllegalStateException("verification/golden/public/manifest.json not found above " + Paths.get("").toAbsolutePath());
    }

    @SuppressWarnings("unchecked")
    private static synchronized List<Map<String, Object>> manifest() {
        if (manifest == null) {
            try {
                Map<String, Object> m = (Map<String, Object>) MiniJson.parse(Files.readString(dir().resolve("manifest.json")));
                manifest = (List<Map<String, Object>>) m.get("cases");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return manifest;
    }

    /** All cases of the given ops, in manifest order. */
    public static List<Case> cases(Set<String> ops) {
        List<Case> out = new ArrayList<>();
        for (Map<String, Object> c : manifest()) if (ops.contains((String) c.get("op"))) out.add(load(c));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Case load(Map<String, Object> c) {
        Map<String, Object> tol = (Map<String, Object>) c.get("tolerance");
        return new Case((String) c.get("id"), (String) c.get("op"), (Map<String, Object>) c.get("attrs"),
            tensors(c.get("inputs")), tensors(c.get("outputs")), tensors(c.get("upstream")), tensors(c.get("grads")),
            tolerance(tol.get("float64")), tolerance(tol.get("float32")));
    }

    @SuppressWarnings("unchecked")
    private static double[] tolerance(Object t) {
        Map<String, Object> m = (Map<String, Object>) t;
        return new double[] {(Double) m.get("rtol"), (Double) m.get("atol")};
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Tensor> tensors(Object entries) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (entries == null) return out;
        for (Map.Entry<String, Object> e : ((Map<String, Object>) entries).entrySet()) {
            String file = (String) ((Map<String, Object>) e.getValue()).get("file");
            try {
                out.put(e.getKey(), MiniNpy.read(dir().resolve(file)));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }
}
