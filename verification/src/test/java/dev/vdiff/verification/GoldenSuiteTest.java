package dev.vdiff.verification;

import dev.vdiff.verification.ops.CoreOps;
import dev.vdiff.tensor.DType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The project's copy of the golden suite ({@code verification/golden/public}), one JUnit test per (case,
 * precision), judged exactly as {@code ./vdiff verify} judges it. An op without an evaluator fails.
 */
class GoldenSuiteTest {
    /** Surefire runs in the module directory; an IDE may run from the repository root. */
    static Path goldenDir() {
        Path fromModule = Path.of("golden", "public");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("verification", "golden", "public");
    }

    @TestFactory
    Stream<DynamicTest> everyCaseInBothPrecisions() {
        Suite suite = Suite.load(goldenDir());
        CaseRunner runner = new CaseRunner(CoreOps.registry());
        return suite.cases().stream().flatMap(c -> Stream.of(DType.FLOAT64, DType.FLOAT32).map(dtype ->
            DynamicTest.dynamicTest(c.id() + " [" + dtype + "]", () -> {
                CaseResult r = runner.run(c, dtype);
                if (!r.passed()) fail(Reporter.line(r));
            })));
    }
}
