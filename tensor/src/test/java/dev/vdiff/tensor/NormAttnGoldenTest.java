package dev.vdiff.tensor;

import dev.vdiff.tensor.check.Tolerance;
import dev.vdiff.tensor.golden.GoldenCases;
import dev.vdiff.tensor.golden.GoldenCases.Case;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.Normalization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The golden cases of group_norm, layer_norm and scaled_dot_product_attention (verification/golden/public),
 * forward and backward, in float64 and float32 with the case's tolerances (docs/ORACLE.md §4, §6).
 */
class NormAttnGoldenTest {
    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        for (String op : new String[] {"group_norm", "layer_norm", "scaled_dot_product_attention"}) all.addAll(GoldenCases.cases(op));
        return all.stream();
    }

    @ParameterizedTest(name = "{0} float64")
    @MethodSource("cases")
    void float64(Case c) {
        run(c, DType.FLOAT64, "float64");
    }

    @ParameterizedTest(name = "{0} float32")
    @MethodSource("cases")
    void float32(Case c) {
        run(c, DType.FLOAT32, "float32");
    }

    private static void run(Case c, DType dtype, String mode) {
        Tolerance tol = c.tolerance(mode);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String name : c.section("inputs").keySet()) {
            Tensor t = c.tensor("inputs", name);
            // Float inputs are float32-exact (docs/ORACLE.md §2), so the conversion is lossless.
            in.put(name, t.dtype() == DType.INT64 ? t : t.to(dtype).requiresGrad(true));
        }
        Tensor out;
        switch (c.op()) {
            case "group_norm":
                out = Normalization.groupNorm(in.get("x"), (int) c.attr("num_groups"), in.get("weight"), in.get("bias"), c.attr("eps"));
                break;
            case "layer_norm":
                out = Normalization.layerNorm(in.get("x"), in.get("weight"), in.get("bias"), c.attr("eps"));
                break;
            default:
                out = Attention.scaledDotProduct(in.get("q"), in.get("k"), in.get("v"), in.get("mask"));
        }
        tol.assertClose(c.id() + " " + mode + " out", out, c.tensor("outputs", "out"));
        out.backward(c.tensor("upstream", "out").to(dtype));
        for (String name : c.section("grads").keySet()) {
            Tensor g = in.get(name).grad();
            assertNotNull(g, c.id() + ": no gradient reached input " + name);
            tol.assertClose(c.id() + " " + mode + " grad " + name, g, c.tensor("grads", name));
        }
    }
}
