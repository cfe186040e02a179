package dev.vdiff.reference.tqd;

import dev.vdiff.reference.PapersSuiteCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/** TQD's op of the papers suite (PAPERS.md §3.11) against the independent SciPy references. */
class TqdOpsTest {
    @TestFactory
    Stream<DynamicTest> papersSuite() {
        return PapersSuiteCases.of(new TqdOps());
    }
}
