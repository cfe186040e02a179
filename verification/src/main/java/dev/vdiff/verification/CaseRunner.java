package dev.vdiff.verification;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Reductions;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one case in one precision and compares everything it computes (oracle FORMAT.md §4):
 * <ol>
 *   <li>read the inputs; in float32 mode convert float inputs to float32 (lossless: the suite's inputs are
 *       float32-exact); make the float inputs that have reference gradients leaves that require a gradient;</li>
 *   <li>run the op's {@link OpEvaluator} (in a no-grad scope when the case has no gradients);</li>
 *   <li>compare every output with its reference;</li>
 *   <li>if the case has upstream tensors: one backward from {@code L = sum_o sum(out_o * upstream_o)} over all
 *       outputs with an upstream tensor, then compare the gradient of every input named in {@code grads} (and
 *       only those: an input without a reference gradient, e.g. a constant reference map, is not a leaf) and,
 *       when the case has a {@code param_grads} file, of every parameter it lists.</li>
 * </ol>
 * Any exception on the way becomes the result's error: a case fails, it never aborts the run.
 */
public final class CaseRunner {
    /** The file role holding reference parameter gradients ({@code tiny_video_unet}). */
    public static final String PARAM_GRADS = "param_grads";

    private final OpRegistry registry;

    public CaseRunner(OpRegistry registry) {
        this.registry = registry;
    }

    public CaseResult run(OracleCase c, DType dtype) {
        OpEvaluator evaluator = registry.get(c.op());
        if (evaluator == null) return new CaseResult(c, dtype, List.of(), "vdiff has no evaluator for op '" + c.op() + "'", 0);
        long start = System.nanoTime();
        List<TensorCheck> checks = new ArrayList<>();
        String error = null;
        try {
            evaluateAndCompare(c, dtype, evaluator, checks);
        } catch (NoSuchFileException e) {
            error = "missing file " + e.getFile();
        } catch (IOException e) {
            error = "cannot read the case's files: " + e.getMessage();
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            error = (e.getClass().getSimpleName() + ": " + e.getMessage()).replace('\n', ' ');   // the report is one line per case
        }
        return new CaseResult(c, dtype, List.copyOf(checks), error, System.nanoTime() - start);
    }

    private static void evaluateAndCompare(OracleCase c, DType dtype, OpEvaluator evaluator, List<TensorCheck> checks) throws IOException {
        Tolerance tol = c.tolerance(dtype);

        // 1. Inputs in the evaluation precision; leaves where a gradient is checked.
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, OracleCase.TensorEntry> e : c.inputs().entrySet()) {
            Tensor t = inPrecision(SuiteFiles.tensor(c, e.getValue()), dtype);
            if (c.grads().containsKey(e.getKey())) t.requiresGrad(true);
            inputs.put(e.getKey(), t);
        }

        // 2. The op.
        OpEvaluator.Context ctx = new OpEvaluator.Context(c, dtype, inputs);
        OpEvaluator.Evaluation result;
        if (c.differentiable()) {
            result = evaluator.evaluate(ctx);
        } else {
            try (Autograd.Scope s = Autograd.noGrad()) {
                result = evaluator.evaluate(ctx);
            }
        }

        // 3. Outputs.
        for (Map.Entry<String, OracleCase.TensorEntry> e : c.outputs().entrySet()) {
            checks.add(TensorCheck.of(e.getKey(), result.outputs().get(e.getKey()), SuiteFiles.tensor(c, e.getValue()), tol));
        }
        if (!c.differentiable()) return;

        // 4. Gradients of L = sum_o sum(out_o * upstream_o).
        backward(c, dtype, result.outputs());
        for (Map.Entry<String, OracleCase.TensorEntry> e : c.grads().entrySet()) {
            Tensor input = inputs.get(e.getKey());
            if (input == null) throw new IllegalArgumentException("case " + c.id() + " has a gradient for '" + e.getKey() + "', which is not an input");
            checks.add(TensorCheck.of("grad." + e.getKey(), gradOf(input), SuiteFiles.tensor(c, e.getValue()), tol));
        }
        if (c.files().containsKey(PARAM_GRADS)) {
            for (Map.Entry<String, Tensor> e : SuiteFiles.safetensors(c, PARAM_GRADS).entrySet()) {
                Tensor parameter = result.parameters().get(e.getKey());
                String name = "param_grad." + e.getKey();
                checks.add(parameter == null
                    ? TensorCheck.failed(name, e.getValue().shape(), "has no parameter of that name in the model")
                    : TensorCheck.of(name, gradOf(parameter), e.getValue(), tol));
            }
        }
    }

    /**
     * Backpropagates once from {@code L = sum_o sum(O_o * U_o)} over the outputs that have an upstream tensor
     * (oracle FORMAT.md §4; PAPERS.md §1): with one output that is {@code out.backward(U)}; with several, their
     * terms are summed first so that every gradient flows through one shared graph. Every output with an upstream
     * tensor must have recorded a backward (a detached output is an evaluator bug, reported).
     */
    private static void backward(OracleCase c, DType dtype, Map<String, Tensor> outputs) throws IOException {
        List<Tensor> out = new ArrayList<>(), upstream = new ArrayList<>();
        for (Map.Entry<String, OracleCase.TensorEntry> up : c.upstream().entrySet()) {
            Tensor o = outputs.get(up.getKey());
            if (o == null) throw new IllegalArgumentException("op " + c.op() + " produced no output '" + up.getKey() + "' to backpropagate from");
            if (!o.requiresGrad()) throw new IllegalStateException("output '" + up.getKey() + "' of op " + c.op() + " recorded no backward (it does not require a gradient)");
            out.add(o);
            upstream.add(inPrecision(SuiteFiles.tensor(c, up.getValue()), dtype));
        }
        if (out.size() == 1) {
            out.get(0).backward(upstream.get(0));
            return;
        }
        Tensor loss = Reductions.sumAll(Arithmetic.mul(out.get(0), upstream.get(0)));
        for (int i = 1; i < out.size(); i++) loss = Arithmetic.add(loss, Reductions.sumAll(Arithmetic.mul(out.get(i), upstream.get(i))));
        loss.backward();
    }

    /** A leaf's accumulated gradient; a leaf that no gradient reached has gradient zero. */
    private static Tensor gradOf(Tensor leaf) {
        return leaf.grad() != null ? leaf.grad() : Tensor.zeros(leaf.dtype(), leaf.shape());
    }

    /** Float tensors converted to the evaluation precision (a fresh leaf); int64 tensors unchanged. */
    private static Tensor inPrecision(Tensor t, DType dtype) {
        return t.dtype().isFloat() && t.dtype() != dtype ? t.to(dtype).detach() : t;
    }
}
