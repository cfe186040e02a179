package dev.vdiff.verification.gradcheck;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The gradient table: every differentiable op, view and layer against float64 central differences
 * ({@link dev.vdiff.tensor.check.GradCheck}: every element for small inputs, random directions for large
 * ones; eps 1e-6, atol 1e-5, rtol 1e-3). {@link OpCoverageTest} fails when a public op is missing here.
 */
class GradientTableTest {
    /** Every row, in the order ops, views, layers. */
    static List<Entry> table() {
        List<Entry> all = new ArrayList<>();
        all.addAll(ElementwiseEntries.all());
        all.addAll(StructuredEntries.all());
        all.addAll(ViewEntries.all());
        all.addAll(LayerEntries.all());
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void autodiffMatchesCentralDifferences(Entry e) {
        try {
            e.check().run();
        } catch (AssertionError failure) {
            // Surefire's XML names rows by index only; the message says which row failed.
            throw new AssertionError(e.name() + ": " + failure.getMessage(), failure);
        }
    }
}
