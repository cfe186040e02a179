package dev.vdiff.verification.gradcheck;

import java.util.List;

/**
 * One row of the gradient table: a name for the report, the public ops it exercises (as
 * {@code Class.method(ParamType,...)} with simple type names, the form {@link OpCoverageTest} lists by
 * reflection), and the check itself, which throws an AssertionError on a mismatch.
 */
record Entry(String name, List<String> covers, Runnable check) {
    /** An entry that exercises one op. */
    static Entry of(String name, String covers, Runnable check) {
        return new Entry(name, List.of(covers), check);
    }

    /** An entry for a view, layer or model: it is not one of the static ops that the coverage guard lists. */
    static Entry other(String name, Runnable check) {
        return new Entry(name, List.of(), check);
    }

    @Override
    public String toString() {
        return name;
    }
}
