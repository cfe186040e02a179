package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Npy;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's copy of the oracle papers suite ({@code verification/golden/papers}, copied unchanged from
 * {@code shared/oracle/papers/cases}), read and judged as oracle FORMAT.md §4 and PAPERS.md §1 say: float inputs
 * converted to the precision, outputs compared with {@code |a - b| <= atol + rtol |b|}, gradients as the
 * vector-Jacobian product of {@code L = sum_o sum(O_o U_o)} (one backward through all outputs), int64 outputs
 * exactly. A small reader of its own because {@code verification} sits above {@code reference} in the build.
 */
final class PapersSuite {
    /**
     * The suite directory: the system property {@code vdiff.papersSuite} when set (e.g. a private suite made with
     * {@code generate_papers.py --variant 1}), else the project's copy. Surefire runs in the module directory; an
     * IDE may run from the repository root.
     */
    static Path dir() {
        String other = System.getProperty("vdiff.papersSuite");
        return other != null && !other.isBlank() ? Path.of(other) : projectDir();
    }

    /** The project's copy, {@code verification/golden/papers}. */
    static Path projectDir() {
        Path fromModule = Path.of("..", "verification", "golden", "papers");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("verification", "golden", "papers");
    }

    /** One case of the manifest. */
    record Case(String id, String op, Map<String, Object> attrs, Map<String, Object> inputs, Map<String, Object> outputs,
                Map<String, Object> upstream, Map<String, Object> grads, Map<String, Object> tolerance) {
        @Override
        public String toString() {
            return id;
        }
    }

    @SuppressWarnings("unchecked")
    static List<Case> cases(String op) throws IOException {
        return cases(dir(), op);
    }

    @SuppressWarnings("unchecked")
    static List<Case> cases(Path suite, String op) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(suite.resolve("manifest.json")));
        List<Case> out = new ArrayList<>();
        for (Object o : (List<Object>) m.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            if (!op.equals(c.get("op"))) continue;
            out.add(new Case((String) c.get("id"), op, map(c, "attrs"), map(c, "inputs"), map(c, "outputs"), map(c, "upstream"),
                map(c, "grads"), map(c, "tolerance")));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> c, String key) {
        Object v = c.get(key);
        return v == null ? Map.of() : (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static Tensor tensor(Object entry) throws IOException {
        return Npy.read(dir().resolve((String) ((Map<String, Object>) entry).get("file")));
    }

    /** Evaluates one case in one precision and returns the failures (empty: the case passes). */
    @SuppressWarnings("unchecked")
    static List<String> run(OracleOp op, Case c, DType dtype) throws IOException {
        Map<String, Object> tol = (Map<String, Object>) c.tolerance().get(dtype == DType.FLOAT64 ? "float64" : "float32");
        double rtol = ((Number) tol.get("rtol")).doubleValue(), atol = ((Number) tol.get("atol")).doubleValue();
        // 1. Inputs in the precision; leaves for the inputs named in grads.
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (var e : c.inputs().entrySet()) {
            Tensor t = tensor(e.getValue());
            if (t.dtype().isFloat() && t.dtype() != dtype) t = t.to(dtype).detach();
            if (c.grads().containsKey(e.getKey())) t.requiresGrad(true);
            inputs.put(e.getKey(), t);
        }
        Map<String, Tensor> outputs = op.evaluate(new OracleOp.Context(c.id(), c.attrs(), dtype, inputs));
        List<String> failures = new ArrayList<>();
        // 2. Outputs.
        for (var e : c.outputs().entrySet()) compare("out." + e.getKey(), outputs.get(e.getKey()), tensor(e.getValue()), rtol, atol, failures);
        if (c.upstream().isEmpty()) return failures;
        // 3. L = sum_o sum(O_o * U_o), one backward.
        Tensor loss = null;
        for (var e : c.upstream().entrySet()) {
            Tensor u = tensor(e.getValue()).to(dtype);
            Tensor term = Reductions.sumAll(Arithmetic.mul(outputs.get(e.getKey()), u));
            loss = loss == null ? term : Arithmetic.add(loss, term);
        }
        loss.backward();
        for (var e : c.grads().entrySet()) {
            Tensor leaf = inputs.get(e.getKey());
            Tensor g = leaf.grad() != null ? leaf.grad() : Tensor.zeros(leaf.dtype(), leaf.shape());
            compare("grad." + e.getKey(), g, tensor(e.getValue()), rtol, atol, failures);
        }
        return failures;
    }

    private static void compare(String what, Tensor actual, Tensor expected, double rtol, double atol, List<String> failures) {
        if (actual == null) {
            failures.add(what + " was not computed");
            return;
        }
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            failures.add(what + " has shape " + Shape.str(actual.shape()) + ", expected " + Shape.str(expected.shape()));
            return;
        }
        if (expected.dtype() == DType.INT64 && actual.dtype() != DType.INT64) {
            failures.add(what + " is " + actual.dtype() + ", expected int64");
            return;
        }
        Close.Result r = Close.compare(actual.toDoubleArray(), expected.toDoubleArray(), rtol, atol);
        if (!r.pass()) failures.add(r.describe(what));
    }
}
