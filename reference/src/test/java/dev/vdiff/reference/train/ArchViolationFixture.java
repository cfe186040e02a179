package dev.vdiff.reference.train;

import dev.vdiff.reference.tqd.TqdConfig;

/** Breaks the "generic packages import no paper" rule on purpose, so that ArchitectureTest can show the rule fires. */
public final class ArchViolationFixture {
    private ArchViolationFixture() {}

    static double kappa() {
        return TqdConfig.DEFAULT.kappaBase();
    }
}
