package dev.vdiff.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.vdiff.reference.train.ArchViolationFixture;
import dev.vdiff.reference.tqd.TqdConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import rules of docs/ARCHITECTURE.md, checked on the compiled main classes of every module (tensor,
 * diffusion, verification, reference; the reference module's test class path holds them all). A failure lists
 * each offending class, the class it uses and the source line ("Class <a.B> depends on <c.D> in (B.java:12)").
 */
class ArchitectureTest {
    static final String ROOT = "dev.vdiff";
    /** Generic packages of reference/: they serve every paper and import none. */
    static final String[] GENERIC = {"dev.vdiff.reference.train..", "dev.vdiff.reference.data..", "dev.vdiff.reference.eval..",
        "dev.vdiff.reference.bench..", "dev.vdiff.reference.demo.."};
    /** One package per paper. */
    static final String[] PAPERS = {"dev.vdiff.reference.tqd..", "dev.vdiff.reference.tpdiff..", "dev.vdiff.reference.turbo..", "dev.vdiff.reference.mcm.."};

    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    /**
     * No cycles between packages, in any module (a package is a slice; module cycles are impossible, Maven forbids
     * them). One known exception: {@code dev.vdiff.tensor.Tensor} and {@code Views} hold and create their autograd
     * {@code Node} while {@code dev.vdiff.tensor.autograd} computes on tensors; the tensor and its graph are one idea
     * split over two packages. Merging them is left to the owner of the autograd package; this rule ignores only
     * the edges between exactly these two packages, so any other cycle, in tensor too, fails.
     */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching(ROOT + ".(**)").should().beFreeOfCycles()
        .ignoreDependency(describe("dev.vdiff.tensor", (JavaClass c) -> c.getPackageName().equals("dev.vdiff.tensor")),
            describe("dev.vdiff.tensor.autograd", (JavaClass c) -> c.getPackageName().equals("dev.vdiff.tensor.autograd")))
        .ignoreDependency(describe("dev.vdiff.tensor.autograd", (JavaClass c) -> c.getPackageName().equals("dev.vdiff.tensor.autograd")),
            describe("dev.vdiff.tensor", (JavaClass c) -> c.getPackageName().equals("dev.vdiff.tensor")));

    static final ArchRule NOTHING_IMPORTS_CLI = noClasses().that().resideOutsideOfPackage("dev.vdiff.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.vdiff.cli..")
        .because("the command line is on top: library code throws dev.vdiff.tensor.UserError instead");

    static final ArchRule GENERIC_IMPORTS_NO_PAPER = noClasses().that().resideInAnyPackage(GENERIC)
        .should().dependOnClassesThat().resideInAnyPackage(PAPERS)
        .because("a paper plugs into train/data/eval/bench through their interfaces (TrainingMethod, TimestepSampler, ...), never the other way");

    static final ArchRule VERIFICATION_ONLY_BELOW = noClasses().that().resideInAPackage("dev.vdiff.verification..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vdiff.reference..", "dev.vdiff.cli..", "dev.vdiff.tornado..")
        .because("the oracle runner depends on tensor and diffusion only; papers add ops through OpFamily");

    static final ArchRule TENSOR_IS_THE_BOTTOM = noClasses().that().resideInAPackage("dev.vdiff.tensor..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vdiff.diffusion..", "dev.vdiff.verification..", "dev.vdiff.reference..", "dev.vdiff.cli..");

    static final ArchRule DIFFUSION_ONLY_ON_TENSOR = noClasses().that().resideInAPackage("dev.vdiff.diffusion..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vdiff.verification..", "dev.vdiff.reference..", "dev.vdiff.cli..");

    /** For each paper: no class of it uses another paper. */
    static List<ArchRule> papersApart() {
        List<ArchRule> rules = new ArrayList<>();
        for (String p : PAPERS) {
            List<String> others = new ArrayList<>(List.of(PAPERS));
            others.remove(p);
            rules.add(noClasses().that().resideInAPackage(p).should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
                .because("papers do not import each other; what two papers share belongs in a generic package"));
        }
        return rules;
    }

    @Test
    void noPackageCyclesInAnyModule() {
        NO_PACKAGE_CYCLES.check(MAIN);
    }

    @Test
    void nothingOutsideCliImportsCli() {
        NOTHING_IMPORTS_CLI.check(MAIN);
    }

    @Test
    void genericPackagesImportNoPaper() {
        GENERIC_IMPORTS_NO_PAPER.check(MAIN);
    }

    @Test
    void papersDoNotImportEachOther() {
        for (ArchRule r : papersApart()) r.check(MAIN);
    }

    @Test
    void verificationImportsOnlyTensorAndDiffusion() {
        VERIFICATION_ONLY_BELOW.check(MAIN);
    }

    @Test
    void modulesPointOneWay() {
        TENSOR_IS_THE_BOTTOM.check(MAIN);
        DIFFUSION_ONLY_ON_TENSOR.check(MAIN);
    }

    @Test
    void theRulesImportedTheWholeProject() {
        // A rule over an empty or partial import passes vacuously: make sure every module's classes are there.
        for (String cls : List.of("dev.vdiff.tensor.Tensor", "dev.vdiff.diffusion.NoiseSchedule", "dev.vdiff.verification.CaseRunner",
                "dev.vdiff.reference.train.Trainer", "dev.vdiff.reference.tqd.TqdConfig", "dev.vdiff.reference.tpdiff.PyramidConfig", "dev.vdiff.cli.Vdiff")) {
            assertTrue(MAIN.contain(cls), cls + " was not imported");
        }
        assertFalse(MAIN.contain(ArchViolationFixture.class), "test classes must not be checked");
    }

    @Test
    void aGenericClassUsingAPaperFailsNamingTheClass() {
        // The fixture lives in dev.vdiff.reference.train (test sources) and uses TQD's config.
        JavaClasses bad = new ClassFileImporter().importClasses(ArchViolationFixture.class, TqdConfig.class);
        EvaluationResult r = GENERIC_IMPORTS_NO_PAPER.evaluate(bad);
        assertTrue(r.hasViolation());
        String report = r.getFailureReport().toString();
        assertTrue(report.contains(ArchViolationFixture.class.getName()) && report.contains(TqdConfig.class.getName()), report);
    }
}
