package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.tensor.DType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * T2V-Turbo-v2's five ops of the oracle papers suite (PAPERS.md §3.1-3.5), every public case in float64 and
 * float32 with the case's own tolerances, outputs and gradients. A private suite in the same format runs the same
 * way: {@code mvn ... -Dtest=TurboOracleOpsTest -Dvdiff.papersSuite=DIR}.
 */
class TurboOracleOpsTest {
    @TestFactory
    Stream<DynamicTest> everyCaseInBothPrecisions() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (OracleOp op : OracleOp.turbo()) {
            for (PapersSuite.Case c : PapersSuite.cases(op.name())) {
                for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                    tests.add(DynamicTest.dynamicTest(c.id() + " [" + dtype + "]", () -> {
                        List<String> failures = PapersSuite.run(op, c, dtype);
                        if (!failures.isEmpty()) fail(c.id() + " [" + dtype + "]: " + String.join("; ", failures));
                    }));
                }
            }
        }
        return tests.stream();
    }

    /** The suite copy holds every case of the five ops (PAPERS.md: 5 + 4 + 4 + 4 + 4), so none is silently missing. */
    @Test
    void theCopyHoldsAllPublicCasesOfTheFiveOps() throws IOException {
        int[] expected = {5, 4, 4, 4, 4};
        List<OracleOp> ops = OracleOp.turbo();
        for (int i = 0; i < ops.size(); i++) assertEquals(expected[i], PapersSuite.cases(PapersSuite.projectDir(), ops.get(i).name()).size(), ops.get(i).name());
    }

    /** The gradient cases really check gradients (upstream and grads present). */
    @Test
    void differentiableOpsCarryGradients() throws IOException {
        for (String op : new String[] {"consistency_distillation_loss", "motion_guidance_energy"}) {
            for (PapersSuite.Case c : PapersSuite.cases(PapersSuite.projectDir(), op)) assertTrue(!c.grads().isEmpty() && !c.upstream().isEmpty(), c.id());
        }
    }
}
