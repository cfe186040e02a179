package dev.vdiff.tensor.ops;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Tolerance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The oracle cases of one op (format: shared {@code docs/ORACLE.md}, read by
 * {@link dev.vdiff.tensor.golden.GoldenCases}) with every tensor loaded, plus the evaluation rule of
 * docs/ORACLE.md §4 for one case.
 */
final class GoldenCases {
    private GoldenCases() {}

    /** One case: its id, attrs and the named tensors (float64 as stored; int64 for integer inputs). */
    record Case(String id, Map<String, Object> attrs, Map<String, Tensor> inputs, Map<String, Tensor> outputs,
                Map<String, Tensor> upstream, Map<String, Tensor> grads, Tolerance tolerance64, Tolerance tolerance32) {
        @Override
        public String toString() {
            return id;
        }
    }

    /** All cases of {@code op}, in manifest order. */
    static List<Case> load(String op) {
        List<Case> out = new ArrayList<>();
        for (var c : dev.vdiff.tensor.golden.GoldenCases.cases(op)) {
            out.add(new Case(c.id(), c.section("attrs"), c.tensors("inputs"), c.tensors("outputs"), c.tensors("upstream"), c.tensors("grads"),
                c.tolerance("float64"), c.tolerance("float32")));
        }
        return out;
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
        Tolerance tol = dtype == DType.FLOAT64 ? c.tolerance64() : c.tolerance32();
        tol.assertClose(c.id() + " " + dtype + " out", out, c.outputs().get("out"));
        if (c.upstream().isEmpty()) return;
        out.backward(c.upstream().get("out").to(dtype));
        for (var e : c.grads().entrySet()) {
            Tensor g = in.get(e.getKey()).grad();
            if (g == null) throw new AssertionError(c.id() + " " + dtype + ": no gradient reached input " + e.getKey());
            tol.assertClose(c.id() + " " + dtype + " grad " + e.getKey(), g, e.getValue());
        }
    }
}
