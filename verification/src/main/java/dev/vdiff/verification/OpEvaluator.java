package dev.vdiff.verification;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evaluates one op of the catalogue (docs/ORACLE.md §5) with vdiff's own implementation. An evaluator reads
 * its inputs and attributes from the {@link Context} and returns the outputs by name; the runner does the
 * rest (backward with the case's upstream tensors, comparisons).
 *
 * <pre>{@code
 * registry.register("add", ctx -> Evaluation.of(Arithmetic.add(ctx.input("a"), ctx.input("b"))));
 * }</pre>
 */
@FunctionalInterface
public interface OpEvaluator {
    Evaluation evaluate(Context ctx) throws IOException;

    /**
     * What an evaluator sees: the case, the precision, and the inputs already converted to it (float inputs in
     * {@code dtype}, leaves that require a gradient when the case checks one; int64 inputs as stored).
     */
    record Context(OracleCase oracleCase, DType dtype, Map<String, Tensor> inputs) {
        public Attrs attrs() {
            return oracleCase.attrs();
        }

        /** A required input. */
        public Tensor input(String name) {
            Tensor t = inputs.get(name);
            if (t == null) throw new IllegalArgumentException("case " + oracleCase.id() + ": op " + oracleCase.op() + " needs an input '" + name + "'; the case has " + inputs.keySet());
            return t;
        }

        /** An optional input (e.g. a bias), or null when the case has none. */
        public Tensor optionalInput(String name) {
            return inputs.get(name);
        }

        /** An extra file of the case by role (e.g. {@code weights_float32}). */
        public Path file(String role) {
            return oracleCase.file(role);
        }

        /** An input that must be int64 (timesteps, labels, masks). */
        public Tensor integerInput(String name) {
            Tensor t = input(name);
            if (t.dtype() != DType.INT64) throw new IllegalArgumentException("case " + oracleCase.id() + ": input '" + name + "' should be int64, got " + t.dtype() + Shape.str(t.shape()));
            return t;
        }
    }

    /**
     * The outputs of one evaluation by name, and, for whole models, the parameters whose gradients the case
     * compares against its {@code param_grads} file (by the file's tensor names), e.g.
     * {@code new Evaluation(Map.of("out", net.forward(x, t, y)), net.namedParameters())}.
     */
    record Evaluation(Map<String, Tensor> outputs, Map<String, Tensor> parameters) {
        /** A single output named {@code out}. */
        public static Evaluation of(Tensor out) {
            return new Evaluation(Map.of("out", out), Map.of());
        }

        /** Several outputs, given as name, tensor, name, tensor, ... (order kept). */
        public static Evaluation of(Object... nameTensorPairs) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (int i = 0; i < nameTensorPairs.length; i += 2) m.put((String) nameTensorPairs[i], (Tensor) nameTensorPairs[i + 1]);
            return new Evaluation(m, Map.of());
        }
    }
}
