package dev.vdiff.reference.mcm;

import dev.vdiff.reference.PapersSuiteCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The papers-suite cases of {@code mcm_motion_representation} and {@code wgan_discriminator_losses}
 * ({@code verification/golden/papers}), each in float64 and float32 at the case's tolerances, judged as
 * {@code vdiff verify} judges them.
 */
class McmOpsTest {
    @TestFactory
    Stream<DynamicTest> papersSuite() {
        return PapersSuiteCases.of(new McmOps());
    }
}
