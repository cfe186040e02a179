package dev.vdiff.reference.mcm;

import dev.vdiff.reference.mcm.oracle.MotionRepresentationOp;
import dev.vdiff.reference.mcm.oracle.WganDiscriminatorLossesOp;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The papers-suite cases of {@code mcm_motion_representation} (5) and {@code wgan_discriminator_losses} (4),
 * each in float64 and float32 at the case's tolerances, through the MCM evaluators.
 */
class PapersSuiteTest {
    static Stream<DynamicTest> tests(String op, int expected, BiFunction<Map<String, Tensor>, Map<String, Object>, Map<String, Tensor>> evaluator) throws IOException {
        List<Map<String, Object>> cases = PapersCases.cases(op);
        assertEquals(expected, cases.size(), "cases of " + op + " in " + PapersCases.dir());
        return cases.stream().flatMap(c -> Stream.of(DType.FLOAT64, DType.FLOAT32).map(dtype ->
            DynamicTest.dynamicTest(c.get("id") + " [" + dtype + "]", () -> {
                String problem = PapersCases.run(c, dtype, evaluator);
                if (problem != null) fail(problem);
            })));
    }

    @TestFactory
    Stream<DynamicTest> motionRepresentation() throws IOException {
        return tests(MotionRepresentationOp.OP, 5, MotionRepresentationOp::evaluate);
    }

    @TestFactory
    Stream<DynamicTest> wganDiscriminatorLosses() throws IOException {
        return tests(WganDiscriminatorLossesOp.OP, 4, WganDiscriminatorLossesOp::evaluate);
    }
}
