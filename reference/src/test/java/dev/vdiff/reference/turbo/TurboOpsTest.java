package dev.vdiff.reference.turbo;

import dev.vdiff.reference.PapersSuiteCases;
import dev.vdiff.verification.OracleCase;
import dev.vdiff.verification.Suite;
import dev.vdiff.verification.ops.DistillationOps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * T2V-Turbo-v2's five ops of the papers suite (PAPERS.md §3.1-3.5) against the independent PyTorch references,
 * in float64 and float32, judged as {@code ./vdiff verify} judges them: the four distillation ops
 * ({@link DistillationOps}, shared with MCM) and {@code motion_guidance_energy} ({@link TurboOps}). A private
 * suite runs the same way with {@code -Dvdiff.papersSuite=DIR}.
 */
class TurboOpsTest {
    @TestFactory
    Stream<DynamicTest> distillationOps() {
        return PapersSuiteCases.of(new DistillationOps());
    }

    @TestFactory
    Stream<DynamicTest> motionGuidanceEnergy() {
        return PapersSuiteCases.of(new TurboOps());
    }

    /** The copy holds every public case of the five ops (PAPERS.md: 5 + 4 + 4 + 4 + 4), so none is silently missing. */
    @Test
    void theCopyHoldsAllPublicCasesOfTheFiveOps() {
        Map<String, Long> count = publicCopy().stream().collect(Collectors.groupingBy(OracleCase::op, Collectors.counting()));
        assertEquals(Map.of("lcm_timesteps", 5L, "guidance_embedding", 4L, "cfg_ddim_teacher_step", 4L,
            "consistency_distillation_loss", 4L, "motion_guidance_energy", 4L),
            count.entrySet().stream().filter(e -> registered().contains(e.getKey())).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /**
     * The gradient cases really check gradients, several outputs' upstream tensors included; the reference
     * attention maps of the motion energy are constants with no gradient (PAPERS.md §1, addition 2).
     */
    @Test
    void differentiableOpsCarryGradients() {
        for (OracleCase c : publicCopy()) {
            if (c.op().equals("consistency_distillation_loss")) {
                assertEquals(3, c.upstream().size(), c.id());
                assertEquals(List.of("z", "eps_student", "z_prev", "eps_target").stream().sorted().toList(), c.grads().keySet().stream().sorted().toList(), c.id());
            }
            if (c.op().equals("motion_guidance_energy")) {
                assertFalse(c.grads().isEmpty(), c.id());
                assertTrue(c.grads().keySet().stream().noneMatch(n -> n.startsWith("aref_")), c.id());
            }
        }
    }

    private static List<String> registered() {
        return List.of("lcm_timesteps", "guidance_embedding", "cfg_ddim_teacher_step", "consistency_distillation_loss", "motion_guidance_energy");
    }

    private static List<OracleCase> publicCopy() {
        Path fromModule = Path.of("..", "verification", "golden", "papers");
        Path dir = Files.isDirectory(fromModule) ? fromModule : Path.of("verification", "golden", "papers");
        return Suite.load(dir).cases();
    }
}
