package dev.vdiff.tensor;

import dev.vdiff.tensor.check.Tolerance;
import dev.vdiff.tensor.golden.GoldenCases;
import dev.vdiff.tensor.golden.GoldenCases.Case;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Resample;
import dev.vdiff.tensor.ops.Softmax;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public oracle cases (PyTorch float64 references) of the elementwise, reduction, softmax, loss and
 * resampling ops, forward and backward, in float64 and float32 with each case's tolerance
 * (docs/ORACLE.md sections 4 and 6).
 */
class GoldenPointwiseTest {
    static final Set<String> OPS = Set.of("add", "sub", "mul", "div", "sum", "mean", "softmax", "log_softmax", "silu", "gelu",
        "gelu_tanh", "upsample_nearest2d", "avg_pool2d", "mse_loss", "pseudo_huber_loss");

    /** Every case of the listed ops (GoldenCases fails if an op has none), in both modes. */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String op : new java.util.TreeSet<>(OPS)) {
            for (Case c : GoldenCases.cases(op)) {
                out.add(Arguments.of(c, DType.FLOAT64));
                out.add(Arguments.of(c, DType.FLOAT32));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesReference(Case c, DType dtype) {
        String mode = dtype == DType.FLOAT64 ? "float64" : "float32";
        Tolerance tol = c.tolerance(mode);
        List<String> names = new ArrayList<>(c.section("inputs").keySet());
        Tensor[] inputs = new Tensor[names.size()];
        for (int k = 0; k < inputs.length; k++) {
            inputs[k] = c.tensor("inputs", names.get(k)).to(dtype).copy().requiresGrad(true);   // float32 conversion is lossless
        }
        Tensor out = evaluate(c, inputs);
        assertEquals(dtype, out.dtype(), "output dtype");
        tol.assertClose(c.id() + " " + mode + " out", out, c.tensor("outputs", "out"));
        out.backward(c.tensor("upstream", "out").to(dtype));
        for (int k = 0; k < inputs.length; k++) {
            Tensor g = inputs[k].grad();
            assertTrue(g != null, c.id() + ": no gradient for " + names.get(k));
            tol.assertClose(c.id() + " " + mode + " grad " + names.get(k), g, c.tensor("grads", names.get(k)));
        }
    }

    @SuppressWarnings("unchecked")
    private static Tensor evaluate(Case c, Tensor[] in) {
        Map<String, Object> a = c.section("attrs");
        switch (c.op()) {
            case "add": return Arithmetic.add(in[0], in[1]);
            case "sub": return Arithmetic.sub(in[0], in[1]);
            case "mul": return Arithmetic.mul(in[0], in[1]);
            case "div": return Arithmetic.div(in[0], in[1]);
            case "sum": return Reductions.sum(in[0], axes(a.get("axes")), (Boolean) a.get("keepdim"));
            case "mean": return Reductions.mean(in[0], axes(a.get("axes")), (Boolean) a.get("keepdim"));
            case "softmax": return Softmax.softmax(in[0], num(a.get("axis")));
            case "log_softmax": return Softmax.logSoftmax(in[0], num(a.get("axis")));
            case "silu": return Pointwise.silu(in[0]);
            case "gelu": return Pointwise.gelu(in[0]);
            case "gelu_tanh": return Pointwise.geluTanh(in[0]);
            case "upsample_nearest2d": return Resample.upsampleNearest2d(in[0], num(a.get("scale_factor")));
            case "avg_pool2d": {
                List<Object> k = (List<Object>) a.get("kernel_size"), s = (List<Object>) a.get("stride");
                assertEquals(k.get(0), k.get(1), "square kernels only");
                assertEquals(s.get(0), s.get(1), "equal strides only");
                return Resample.avgPool2d(in[0], num(k.get(0)), num(s.get(0)));
            }
            case "mse_loss": return Losses.mse(in[0], in[1]);
            case "pseudo_huber_loss": return Losses.pseudoHuber(in[0], in[1], ((Number) a.get("c")).doubleValue());
            default: throw new AssertionError("no evaluator for op " + c.op());
        }
    }

    private static int num(Object o) {
        return ((Number) o).intValue();
    }

    @SuppressWarnings("unchecked")
    private static int[] axes(Object o) {
        if (o == null) return null;
        List<Object> l = (List<Object>) o;
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = num(l.get(i));
        return r;
    }
}
