package dev.vdiff.verification;

import dev.vdiff.verification.ops.CoreOps;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Npy;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.ops.Arithmetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaseRunnerTest {
    @TempDir
    Path dir;

    private Suite addSuite() throws IOException {
        SuiteWriter s = new SuiteWriter(dir);
        return Suite.load(s.add(SuiteWriter.addCase(s, "add_00")).write());
    }

    @Test
    void aCorrectCaseComparesOutputAndBothGradientsInBothPrecisions() throws IOException {
        OracleCase c = addSuite().cases().get(0);
        CaseRunner runner = new CaseRunner(CoreOps.registry());
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            CaseResult r = runner.run(c, dtype);
            assertTrue(r.passed(), Reporter.line(r));
            assertNull(r.error());
            assertEquals(java.util.List.of("out", "grad.a", "grad.b"), r.checks().stream().map(TensorCheck::tensor).toList());
            assertEquals(0, r.worstRatio());
        }
    }

    @Test
    void aWrongReferenceFailsAtItsWorstElement() throws IOException {
        OracleCase c = addSuite().cases().get(0);
        // Replace the reference gradient of b (and drop the digest check by rewriting the manifest entry's file).
        Npy.write(dir.resolve("add_00.grad.b.npy"), Tensor.of(new double[] {4, -1, -0.4}, 3));
        OracleCase unchecked = withoutDigests(c);
        CaseResult r = new CaseRunner(CoreOps.registry()).run(unchecked, DType.FLOAT64);
        assertFalse(r.passed());
        assertEquals("grad.b", r.worst().tensor());
        assertTrue(Reporter.line(r).startsWith("FAIL add_00 [float64] add: grad.b[2]: actual -0.5000000000 vs expected -0.4000000000"), Reporter.line(r));
    }

    @Test
    void aChangedFileFailsItsDigestCheck() throws IOException {
        OracleCase c = addSuite().cases().get(0);
        Npy.write(dir.resolve("add_00.in.a.npy"), Tensor.of(new double[] {1, 2, 3, 4, 5, 7}, 2, 3));
        CaseResult r = new CaseRunner(CoreOps.registry()).run(c, DType.FLOAT64);
        assertFalse(r.passed());
        assertTrue(r.error().contains("add_00.in.a.npy does not match the sha256"), r.error());
    }

    @Test
    void unknownOpsMissingFilesAndThrowingOpsAreFailures() throws IOException {
        OracleCase c = addSuite().cases().get(0);
        CaseResult unknown = new CaseRunner(new OpRegistry()).run(c, DType.FLOAT64);
        assertFalse(unknown.passed());
        assertEquals("FAIL add_00 [float64] add: vdiff has no evaluator for op 'add'", Reporter.line(unknown));

        OpRegistry throwing = new OpRegistry().register("add", ctx -> {
            throw new IllegalArgumentException("add: shapes [2, 3] and [4] do not broadcast");
        });
        assertEquals("IllegalArgumentException: add: shapes [2, 3] and [4] do not broadcast", new CaseRunner(throwing).run(c, DType.FLOAT32).error());

        Files.delete(dir.resolve("add_00.up.out.npy"));
        CaseResult missing = new CaseRunner(CoreOps.registry()).run(c, DType.FLOAT64);
        assertTrue(missing.error().startsWith("missing file") && missing.error().contains("add_00.up.out.npy"), missing.error());
    }

    @Test
    void anOutputWithoutBackwardFailsTheGradientCheck() throws IOException {
        OracleCase c = addSuite().cases().get(0);
        OpRegistry detached = new OpRegistry().register("add", ctx -> OpEvaluator.Evaluation.of(Arithmetic.add(ctx.input("a"), ctx.input("b")).detach()));
        CaseResult r = new CaseRunner(detached).run(c, DType.FLOAT64);
        assertTrue(r.error().contains("recorded no backward"), r.error());
    }

    @Test
    void parameterGradientsFromTheCaseFileAreComparedUnderTheRmsRule() throws IOException {
        // out = x * w with w a model parameter read from a weights file; dL/dw = x * upstream.
        SuiteWriter s = new SuiteWriter(dir);
        Tensor x = Tensor.of(new double[] {1, 2, -1, 0.5}, 4), w = Tensor.of(new double[] {2, -1, 3, 4}, 4);
        Tensor up = Tensor.of(new double[] {1, 1, 2, -2}, 4);
        Map<String, Object> c = SuiteWriter.linked("id", "scale_00", "op", "scale",
            "attrs", Map.of("weights", "scale_00.weights.safetensors"),
            "inputs", Map.of("x", s.npy("scale_00", "in", "x", x)),
            "outputs", Map.of("out", s.npy("scale_00", "out", "out", Tensor.of(new double[] {2, -2, -3, 2}, 4))),
            "upstream", Map.of("out", s.npy("scale_00", "up", "out", up)),
            "grads", Map.of("x", s.npy("scale_00", "grad", "x", Tensor.of(new double[] {2, -1, 6, -8}, 4))),
            "files", Map.of("weights", s.safetensors("scale_00.weights.safetensors", Map.of("w", w)),
                CaseRunner.PARAM_GRADS, s.safetensors("scale_00.grad.params.safetensors", Map.of("w", Tensor.of(new double[] {1, 2, -2, -1.01}, 4)))),
            "tolerance", Map.of("float64", Map.of("rtol", 0.0, "atol_rms", 1e-3), "float32", Map.of("rtol", 0.0, "atol_rms", 1e-3)));
        OracleCase oc = Suite.load(s.add(c).write()).cases().get(0);
        OpRegistry r = new OpRegistry().register("scale", ctx -> {
            Tensor weight = Safetensors.read(ctx.file("weights")).get("w").to(ctx.dtype()).detach().requiresGrad(true);
            return new OpEvaluator.Evaluation(Map.of("out", Arithmetic.mul(ctx.input("x"), weight)), Map.of("w", weight));
        });
        CaseResult result = new CaseRunner(r).run(oc, DType.FLOAT64);
        // The true dL/dw[3] is -1; the file says -1.01: error 0.01 against 1e-3 * rms(-1.01, ...) = 1e-3 * 1.60
        assertFalse(result.passed());
        assertEquals("param_grad.w", result.worst().tensor());
        assertEquals(0.01 / (1e-3 * Math.sqrt((1 + 4 + 4 + 1.01 * 1.01) / 4)), result.worstRatio(), 1e-6);
        assertEquals(3, result.checks().size());
    }

    /**
     * The papers-suite additions (PAPERS.md §1), handled generally: two outputs with upstream tensors get one
     * backward from {@code L = sum(p * U_p) + s * U_s} (p = a * b elementwise, s = sum(a) a 0-d scalar); only the
     * input named in {@code grads} is a leaf ({@code b} is a constant); an int64 output is compared exactly.
     * Expected values by hand: dL/da = b * U_p + U_s.
     */
    @Test
    void severalUpstreamTensorsScalarsAndIntegerOutputs() throws IOException {
        SuiteWriter s = new SuiteWriter(dir);
        Tensor a = Tensor.of(new double[] {1, 2, -1}, 3), b = Tensor.of(new double[] {3, 0.5, 2}, 3);
        Tensor upP = Tensor.of(new double[] {1, -2, 0.5}, 3), upS = Tensor.scalar(DType.FLOAT64, 4);
        Map<String, Object> c = SuiteWriter.linked("id", "two_00", "op", "two",
            "attrs", Map.of(),
            "inputs", SuiteWriter.linked("a", s.npy("two_00", "in", "a", a), "b", s.npy("two_00", "in", "b", b)),
            "outputs", SuiteWriter.linked("p", s.npy("two_00", "out", "p", Tensor.of(new double[] {3, 1, -2}, 3)),
                "s", s.npy("two_00", "out", "s", Tensor.scalar(DType.FLOAT64, 2)),
                "n", s.npy("two_00", "out", "n", Tensor.ofLongs(new long[] {7, 9}, 2))),
            "upstream", SuiteWriter.linked("p", s.npy("two_00", "up", "p", upP), "s", s.npy("two_00", "up", "s", upS)),
            "grads", Map.of("a", s.npy("two_00", "grad", "a", Tensor.of(new double[] {3 * 1 + 4, 0.5 * -2 + 4, 2 * 0.5 + 4}, 3))),
            "tolerance", SuiteWriter.tolerance(1e-6, 1e-7));
        OracleCase oc = Suite.load(s.add(c).write()).cases().get(0);
        long[] n = {7, 9};
        OpRegistry r = new OpRegistry().register("two", ctx -> {
            assertFalse(ctx.input("b").requiresGrad(), "an input without a reference gradient is no leaf");
            return OpEvaluator.Evaluation.of("p", Arithmetic.mul(ctx.input("a"), ctx.input("b")),
                "s", dev.vdiff.tensor.ops.Reductions.sumAll(ctx.input("a")), "n", Tensor.ofLongs(n.clone(), 2));
        });
        for (DType d : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            CaseResult ok = new CaseRunner(r).run(oc, d);
            assertTrue(ok.passed(), Reporter.line(ok));
            assertEquals(4, ok.checks().size());
        }
        n[1] = 10;   // an integer off by one fails, whatever the tolerance
        CaseResult off = new CaseRunner(r).run(oc, DType.FLOAT64);
        assertFalse(off.passed());
        assertEquals("n", off.worst().tensor());
        OpRegistry asFloat = new OpRegistry().register("two", ctx -> OpEvaluator.Evaluation.of("p", Arithmetic.mul(ctx.input("a"), ctx.input("b")),
            "s", dev.vdiff.tensor.ops.Reductions.sumAll(ctx.input("a")), "n", Tensor.of(new double[] {7, 9}, 2)));
        CaseResult wrongType = new CaseRunner(asFloat).run(oc, DType.FLOAT64);
        assertFalse(wrongType.passed());
        assertTrue(Reporter.line(wrongType).contains("expected int64"), Reporter.line(wrongType));
    }

    /** The case with digests removed, for tests that edit its files. */
    private static OracleCase withoutDigests(OracleCase c) {
        java.util.function.Function<Map<String, OracleCase.TensorEntry>, Map<String, OracleCase.TensorEntry>> strip = m -> {
            Map<String, OracleCase.TensorEntry> out = new java.util.LinkedHashMap<>();
            m.forEach((k, e) -> out.put(k, new OracleCase.TensorEntry(e.file(), e.dtype(), e.shape(), null)));
            return out;
        };
        return new OracleCase(c.dir(), c.id(), c.op(), c.note(), c.attrs(), strip.apply(c.inputs()), strip.apply(c.outputs()),
            strip.apply(c.upstream()), strip.apply(c.grads()), c.files(), c.tolerances());
    }
}
