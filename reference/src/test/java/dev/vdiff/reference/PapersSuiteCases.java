package dev.vdiff.reference;

import dev.vdiff.tensor.DType;
import dev.vdiff.verification.CaseResult;
import dev.vdiff.verification.CaseRunner;
import dev.vdiff.verification.OpFamily;
import dev.vdiff.verification.OpRegistry;
import dev.vdiff.verification.OracleCase;
import dev.vdiff.verification.Reporter;
import dev.vdiff.verification.Suite;
import org.junit.jupiter.api.DynamicTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The project's copy of the papers suite ({@code verification/golden/papers}, the public cases of
 * {@code ../shared/oracle/papers}), run for one paper's {@link OpFamily}: one JUnit test per (case, precision) of
 * the ops that family registers, judged exactly as {@code ./vdiff verify} judges them.
 */
public final class PapersSuiteCases {
    private PapersSuiteCases() {}

    /**
     * The suite directory: the system property {@code vdiff.papersSuite} when set (a private suite in the same
     * format, e.g. {@code generate_papers.py --variant 1}: {@code mvn ... -Dvdiff.papersSuite=DIR}), else the
     * project's copy. Surefire runs in the module directory.
     */
    static Path dir() {
        String other = System.getProperty("vdiff.papersSuite");
        if (other != null && !other.isBlank()) return Path.of(other);
        Path fromModule = Path.of("..", "verification", "golden", "papers");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("verification", "golden", "papers");
    }

    /** Every case of the ops that {@code family} registers, in float64 and float32; fails when it has none. */
    public static Stream<DynamicTest> of(OpFamily family) {
        OpRegistry registry = OpRegistry.of(List.of(family));
        CaseRunner runner = new CaseRunner(registry);
        List<OracleCase> cases = Suite.load(dir()).cases().stream().filter(c -> registry.get(c.op()) != null).toList();
        assertFalse(cases.isEmpty(), "the papers suite copy has no case of " + registry.ops());
        return cases.stream().flatMap(c -> Stream.of(DType.FLOAT64, DType.FLOAT32).map(dtype ->
            DynamicTest.dynamicTest(c.id() + " [" + dtype + "]", () -> {
                CaseResult r = runner.run(c, dtype);
                if (!r.passed()) fail(Reporter.line(r));
            })));
    }
}
