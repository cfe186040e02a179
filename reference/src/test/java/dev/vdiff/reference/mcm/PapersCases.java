package dev.vdiff.reference.mcm;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Runs the project's copy of the MCM cases of the papers suite ({@code reference/golden/papers-mcm}, oracle
 * FORMAT.md §3-4, PAPERS.md §1) the way {@code vdiff verify} judges a case: float inputs converted to the
 * mode's dtype, outputs and the vector-Jacobian products of {@code L = sum_o sum(O_o U_o)} compared with
 * {@code |a - b| <= atol + rtol |b|} at the case's tolerance for the mode; shapes exact, no NaN.
 */
final class PapersCases {
    private PapersCases() {}

    static Path dir() {
        Path fromModule = Path.of("golden", "papers-mcm");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("reference", "golden", "papers-mcm");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(String op) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(dir().resolve("manifest.json")));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object c : (List<Object>) m.get("cases")) if (op.equals(((Map<String, Object>) c).get("op"))) out.add((Map<String, Object>) c);
        return out;
    }

    /** Evaluates one case in one mode; returns null when it passes, else a line naming the tensor, index and values. */
    @SuppressWarnings("unchecked")
    static String run(Map<String, Object> c, DType dtype, BiFunction<Map<String, Tensor>, Map<String, Object>, Map<String, Tensor>> evaluator) throws IOException {
        String id = (String) c.get("id");
        Map<String, Object> grads = (Map<String, Object>) c.getOrDefault("grads", Map.of());
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (var e : ((Map<String, Object>) c.get("inputs")).entrySet()) {
            Tensor t = load(e.getValue());
            if (t.dtype().isFloat()) t = t.to(dtype).copy();
            if (grads.containsKey(e.getKey())) t.requiresGrad(true);
            inputs.put(e.getKey(), t);
        }
        Map<String, Object> tol = (Map<String, Object>) ((Map<String, Object>) c.get("tolerance")).get(dtype == DType.FLOAT64 ? "float64" : "float32");
        double rtol = ((Number) tol.get("rtol")).doubleValue(), atol = ((Number) tol.get("atol")).doubleValue();
        Map<String, Tensor> outputs = evaluator.apply(inputs, (Map<String, Object>) c.get("attrs"));
        List<String> problems = new ArrayList<>();
        for (var e : ((Map<String, Object>) c.get("outputs")).entrySet()) {
            compare(id + " out." + e.getKey(), outputs.get(e.getKey()), load(e.getValue()), rtol, atol, problems);
        }
        if (!grads.isEmpty()) {
            Map<String, Object> up = (Map<String, Object>) c.get("upstream");
            Tensor[] outs = new Tensor[up.size()], ups = new Tensor[up.size()];
            int k = 0;
            for (var e : up.entrySet()) {
                outs[k] = outputs.get(e.getKey());
                ups[k++] = load(e.getValue()).to(dtype);
            }
            Tensor[] xs = new Tensor[grads.size()];
            k = 0;
            for (String name : grads.keySet()) xs[k++] = inputs.get(name);
            Tensor[] g = Autograd.grad(outs, ups, xs, false);
            k = 0;
            for (var e : grads.entrySet()) compare(id + " grad." + e.getKey(), g[k++], load(e.getValue()), rtol, atol, problems);
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    @SuppressWarnings("unchecked")
    private static Tensor load(Object entry) throws IOException {
        return Npy.read(dir().resolve((String) ((Map<String, Object>) entry).get("file")));
    }

    private static void compare(String what, Tensor actual, Tensor expected, double rtol, double atol, List<String> problems) {
        if (actual == null) {
            problems.add(what + ": missing");
            return;
        }
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            problems.add(what + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
            return;
        }
        double[] a = actual.toDoubleArray(), b = expected.toDoubleArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double r = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
            if (!Double.isFinite(a[i])) r = Double.POSITIVE_INFINITY;
            if (r > worst) { worst = r; at = i; }
        }
        if (worst > 1) problems.add(String.format("%s: worst ratio %.3g at flat index %d (actual %.17g, expected %.17g)", what, worst, at, a[at], b[at]));
    }
}
