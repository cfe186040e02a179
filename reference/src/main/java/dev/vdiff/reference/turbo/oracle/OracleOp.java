package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * One op of the oracle papers suite ({@code shared/oracle/papers/PAPERS.md}), evaluated with the project's own
 * classes. The shape of verification's {@code OpEvaluator}: inputs and attributes in, outputs by name out; the
 * caller (a test here, {@code vdiff verify} once it registers these ops) converts inputs to the precision, marks
 * the inputs that get gradients, seeds backward with {@code L = sum_o sum(O_o U_o)} and compares.
 */
public interface OracleOp {
    /** The op name of the suite, e.g. {@code "lcm_timesteps"}. */
    String name();

    /** The outputs of one case by name (PAPERS.md §3 names them), computed in {@code ctx.dtype()}. */
    Map<String, Tensor> evaluate(Context ctx);

    /**
     * What an evaluator sees: the case id (for messages), its {@code attrs} as parsed JSON (numbers, strings,
     * booleans, lists), the precision, and the inputs already in that precision (int64 inputs as stored).
     */
    record Context(String caseId, Map<String, Object> attrs, DType dtype, Map<String, Tensor> inputs) {
        public Tensor input(String name) {
            Tensor t = inputs.get(name);
            if (t == null) throw new IllegalArgumentException("case " + caseId + ": needs an input '" + name + "'; it has " + inputs.keySet());
            return t;
        }

        public Tensor integerInput(String name) {
            Tensor t = input(name);
            if (t.dtype() != DType.INT64) throw new IllegalArgumentException("case " + caseId + ": input '" + name + "' should be int64, got " + t.dtype() + Shape.str(t.shape()));
            return t;
        }

        public double real(String name) {
            Object v = attrs.get(name);
            if (!(v instanceof Number)) throw new IllegalArgumentException("case " + caseId + ": attribute '" + name + "' should be a number, got " + v);
            return ((Number) v).doubleValue();
        }

        public int integer(String name) {
            double v = real(name);
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) throw new IllegalArgumentException("case " + caseId + ": attribute '" + name + "' should be an integer, got " + v);
            return (int) v;
        }

        public String string(String name) {
            Object v = attrs.get(name);
            if (!(v instanceof String)) throw new IllegalArgumentException("case " + caseId + ": attribute '" + name + "' should be a string, got " + v);
            return (String) v;
        }
    }

    /** The five ops of T2V-Turbo-v2 (issue 11), PAPERS.md §3.1-3.5. */
    static List<OracleOp> turbo() {
        return List.of(new LcmTimestepsOp(), new GuidanceEmbeddingOp(), new CfgDdimTeacherStepOp(),
            new ConsistencyDistillationLossOp(), new MotionGuidanceEnergyOp());
    }
}
