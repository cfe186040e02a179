package dev.vdiff.cli;

import dev.vdiff.reference.train.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code vdiff train}'s optimisation defaults are {@link TrainConfig#defaults()}: one source, not two that drift apart. */
class TrainDefaultsTest {
    @Test
    void trainCommandDefaultsAreTrainConfigDefaults() {
        CommandLine cl = Vdiff.commandLine();
        CommandLine.ParseResult parsed = cl.parseArgs("train", "--out", "unused");
        TrainCommand t = (TrainCommand) parsed.subcommand().commandSpec().userObject();
        TrainConfig d = TrainConfig.defaults();
        assertNull(t.steps, "--steps has no picocli default: null keeps a resumed run's target");
        assertEquals(d.batchSize(), t.batch);
        assertEquals(d.lr(), t.lr);
        assertNull(t.warmup, "--warmup has no picocli default: the run scales it, min(TrainConfig's warm-up, steps / 10)");
        assertEquals(TrainConfig.DEFAULT_WARMUP_STEPS, d.warmupSteps());
        assertEquals(d.weightDecay(), t.weightDecay);
        assertEquals(d.gradClip(), t.gradClip);
        assertEquals(d.emaDecay(), t.emaDecay);
        assertEquals(d.classDropout(), t.classDropout);
        assertEquals(d.seed(), t.seed);
        assertEquals(d.trainClips(), t.trainClips);
        assertEquals(d.checkpointEvery(), t.checkpointEvery);
        assertEquals(d.keepCheckpoints(), t.keepCheckpoints);
        assertEquals(2000, d.steps());
    }

    @Test
    void trainCommandModelDefaultsAreModelSpecDefaults() {
        TrainCommand t = (TrainCommand) Vdiff.commandLine().parseArgs("train", "--out", "unused").subcommand().commandSpec().userObject();
        // ModelSpec.defaults() keeps 2x2 patches (fast tests); the command defaults to --patch 1 (its Javadoc says why)
        dev.vdiff.reference.train.ModelSpec d = dev.vdiff.reference.train.ModelSpec.defaults().withPatch(1);
        assertEquals(d, dev.vdiff.reference.train.ModelSpec.defaults().withFrames(t.frames).withPatch(t.patch).withCh0(t.ch0).withCh1(t.ch1)
            .withHeads(t.heads).withGroups(t.groups).withClasses(dev.vdiff.reference.train.Conditioning.SYNTHETIC_CLASSES).withEmbDim(t.emb).withTemporal0(t.temporal0));
        assertNull(t.classes, "--classes has no picocli default: the conditioning is decided from the data");
        assertEquals(d.classes(), dev.vdiff.reference.train.Conditioning.SYNTHETIC_CLASSES);
    }

    @Test
    void documentedDefaults() {
        // The values TrainConfig's Javadoc and vdiff train --help state (they disagreed before: 2e-4, 0.01, 0.999 vs 1e-3, 0, 0.995).
        TrainConfig d = TrainConfig.defaults();
        assertEquals(1e-3, d.lr());
        assertEquals(0.0, d.weightDecay());
        assertEquals(0.995, d.emaDecay());
        assertEquals(8, d.batchSize());
    }
    @Test
    void epsWithPatchesIsWarnedAboutTheCheckerboard() {
        var d = dev.vdiff.reference.train.DataSpec.synthetic(8, 16, 16).withClasses(5).withSeed(0).withSpeeds(0.6, 1.2).withStaticProbability(0.0).withBackgrounds(java.util.List.of(dev.vdiff.reference.data.BackgroundKind.FLAT)).withColorByClass(false);
        var m = dev.vdiff.reference.train.ModelSpec.defaults();
        var t = TrainConfig.defaults();
        var eps2 = new dev.vdiff.reference.train.RunSpec(m.withPatch(2), d, dev.vdiff.reference.train.Objective.EPSILON, t);
        String w = TrainCommand.epsPatchWarning(eps2);
        org.junit.jupiter.api.Assertions.assertNotNull(w);
        org.junit.jupiter.api.Assertions.assertTrue(w.contains("--patch 2") && w.contains("checkerboard") && w.contains("--patch 1") && !w.contains("\n"), w);
        org.junit.jupiter.api.Assertions.assertTrue(TrainCommand.epsPatchWarning(new dev.vdiff.reference.train.RunSpec(m.withPatch(4), d, dev.vdiff.reference.train.Objective.EPSILON, t)).contains("period-4"));
        assertNull(TrainCommand.epsPatchWarning(new dev.vdiff.reference.train.RunSpec(m.withPatch(1), d, dev.vdiff.reference.train.Objective.EPSILON, t)), "patch 1 samples shapes");
        assertNull(TrainCommand.epsPatchWarning(new dev.vdiff.reference.train.RunSpec(m.withPatch(2), d, dev.vdiff.reference.train.Objective.V, t)), "v-prediction draws shapes with 2x2 patches");
        // vdiff train's defaults are eps without patches: a run with no options gets no warning
        TrainCommand c = (TrainCommand) Vdiff.commandLine().parseArgs("train", "--out", "unused").subcommand().commandSpec().userObject();
        assertEquals("eps", c.objective);
        assertEquals(1, c.patch);
        assertNull(TrainCommand.epsPatchWarning(new dev.vdiff.reference.train.RunSpec(m.withPatch(c.patch), d, dev.vdiff.reference.train.Objective.EPSILON, t)));
    }
}
