package dev.vdiff.reference.tpdiff;

import dev.vdiff.reference.PapersSuiteCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/** TPDiff's ops of the papers suite (PAPERS.md §3.8-3.10) against the independent PyTorch references. */
class TpdiffOpsTest {
    @TestFactory
    Stream<DynamicTest> papersSuite() {
        return PapersSuiteCases.of(new TpdiffOps());
    }
}
