package dev.vdiff.reference.demo;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.ModelSpec;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo pipeline on a toy configuration (smaller than --quick): every file, and metrics.json's key layout. */
class DemoTest {
    static DemoConfig toy() {
        DataSpec data = DataSpec.synthetic(2, 8, 8).withClasses(2).withSeed(0).withSpeeds(0.4, 0.8).withStaticProbability(0.0).withBackgrounds(List.of(BackgroundKind.FLAT)).withColorByClass(true);
        ModelSpec model = ModelSpec.defaults().withFrames(2).withCh0(8).withCh1(16).withHeads(2).withGroups(4).withClasses(2).withTDim(16).withEmbDim(16);
        TrainConfig train = TrainConfig.defaults().withSteps(4).withBatchSize(2).withLr(3e-3).withWarmupSteps(1).withEmaDecay(0.5).withTrainClips(50)
            .withCheckpointEvery(2).withKeepCheckpoints(1);
        return DemoConfig.builder().run(new RunSpec(model, data, Objective.EPSILON, train)).sampler(SamplerSettings.ddim(2, 2.0))
            .evalPerClass(2).referenceClips(8).shownPerClass(1).scale(2).fps(4).maxTrainSeconds(0).build();
    }

    @Test
    void writesReportVideosChartAndMetrics(@TempDir Path out) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Demo.Result r = Demo.run(toy(), out, new PrintStream(log, true));
        for (String f : List.of("report.md", "metrics.json", "loss.png", "samples/red-square.gif", "samples/red-square.mp4", "samples/red-square.png",
                "samples/green-circle.gif", "samples/untrained.png", "samples/data.png", "run/run.json", "run/checkpoints/step-00000004/model.safetensors")) {
            assertTrue(Files.isRegularFile(out.resolve(f)) && Files.size(out.resolve(f)) > 0, f);
        }
        // the owned-entry list names everything the command wrote, and the folder is marked finished (OutputFolder)
        assertEquals(List.of(), dev.vdiff.reference.eval.OutputFolder.unownedEntries(out, Demo.OWNED));
        assertTrue(Files.readString(out.resolve(dev.vdiff.reference.eval.OutputFolder.MARKER)).contains("state: finished"));
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(out.resolve("metrics.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> eval = (Map<String, Object>) m.get("eval");
        assertEquals("frechet_clip_feature_distance", eval.get("metric"));
        for (String k : List.of("trained", "untrained", "data")) assertTrue(eval.get(k) instanceof Double, k + " is a number: " + eval.get(k));
        assertEquals(r.trained(), (Double) eval.get("trained"), 0.0);
        assertEquals(r.untrained(), (Double) eval.get("untrained"), 0.0);
        assertEquals(r.data(), (Double) eval.get("data"), 0.0);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("![red-square](samples/red-square.gif)") && report.contains("![loss](loss.png)") && report.contains("| untrained network |"), report);
        // says where it ran (the JVM device here; a --backend tornado run names its device instead)
        assertTrue(report.contains("on the CPU (") && "jvm".equals(m.get("backend")), report);
        String text = log.toString();
        assertTrue(text.contains("[1/5]") && text.contains("[5/5]") && text.contains("train"), text);
        // The backgrounds' statistics (BackgroundStats) of the three sets, in metrics.json and the report; the real clips' backgrounds are flat and static.
        @SuppressWarnings("unchecked")
        Map<String, Object> bg = (Map<String, Object>) eval.get("backgrounds");
        for (String k : List.of("trained", "untrained", "data")) assertTrue(bg.get(k) instanceof Map, k + ": " + bg);
        @SuppressWarnings("unchecked")
        Map<String, Object> real = (Map<String, Object>) bg.get("data");
        assertEquals(0.0, (Double) real.get("drift_per_frame"), 1e-6);
        assertEquals(0.0, (Double) real.get("roughness"), 1e-6);
        assertEquals(r.backgrounds().trained().saturation(), (Double) ((Map<?, ?>) bg.get("trained")).get("saturation"), 0.0);
        assertTrue(report.contains("| held-out real clips |") && report.contains("drift per frame"), report);
        // Whether the asked-for objects are there (ObjectPresence), for the three sets, in metrics.json, the report and the log.
        @SuppressWarnings("unchecked")
        Map<String, Object> ob = (Map<String, Object>) eval.get("objects");
        for (String k : List.of("trained", "untrained", "data")) assertTrue(ob.get(k) instanceof Map, k + ": " + ob);
        assertEquals(r.objects().trained().all().presence(), (Double) ((Map<?, ?>) ob.get("trained")).get("presence"), 0.0);
        assertEquals((long) r.objects().data().all().clips(), ((Map<?, ?>) ob.get("data")).get("clips"));
        assertTrue(((Map<?, ?>) ((Map<?, ?>) ob.get("trained")).get("per_object")).containsKey("red square"), ob.toString());
        assertTrue(report.contains("frames with the object") && report.contains("| trained, red square |"), report);
        assertTrue(text.contains("objects: trained object in ") && text.contains("objects: held-out data object in "), text);

        // A second demo into the same folder replaces the first one's files; a spent time budget stops training
        // after the first step and says so.
        Demo.run(toy().withSeed(1).withMaxTrainSeconds(1e-9), out, new PrintStream(new ByteArrayOutputStream(), true));
        String metrics = Files.readString(out.resolve("metrics.json"));
        assertTrue(metrics.contains("\"seed\": 1") && metrics.contains("\"steps\": 1,") && metrics.contains("\"planned_steps\": 4"), metrics);
        assertTrue(Files.readString(out.resolve("report.md")).contains("stopped after 1 of 4 steps"));
        assertTrue(Files.exists(out.resolve("run/checkpoints/step-00000001/state.json")));
    }

    /**
     * Training brings generated clips closer to the data: the toy network after 150 steps (DDIM 8 steps, no
     * guidance; seconds) has a clearly smaller Fréchet feature distance to the held-out clips than the same network
     * untrained. Seeded, so the margin is the same on every run (seeds 0-2 gave 0.77-0.83 of the untrained distance).
     */
    @Test
    void trainedNetworkIsCloserToTheDataThanUntrained(@TempDir Path out) throws Exception {
        DemoConfig base = toy();
        DemoConfig cfg = base.withSampler(SamplerSettings.ddim(8, 1.0)).withSteps(150).withSeed(0);
        Demo.Result r = Demo.run(cfg, out, new PrintStream(new ByteArrayOutputStream(), true));
        assertTrue(Double.isFinite(r.trained()) && Double.isFinite(r.untrained()), r.toString());
        assertTrue(r.trained() < 0.9 * r.untrained(), "trained " + r.trained() + " vs untrained " + r.untrained());
        assertTrue(r.data() < r.trained(), "held-out real clips are the floor: data " + r.data() + " vs trained " + r.trained());
    }

    /** Issue 10: {@code demo --out X} deleted X/samples recursively; now a folder it did not write is refused and left as it was. */
    @Test
    void neverDeletesWhatItDidNotWrite(@TempDir Path out) throws Exception {
        Path clip = Files.createDirectories(out.resolve("samples")).resolve("clip.mp4");
        Files.write(clip, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        UserError e = assertThrows(UserError.class, () -> Demo.run(toy(), out, quiet));
        assertTrue(e.getMessage().contains("is not empty and was not written by vdiff demo (it holds samples)"), e.getMessage());
        assertEquals(8, Files.size(clip));
        assertEquals(List.of("samples"), list(out));
        // A user's file at the top level of the folder, with a name the demo writes, is refused too.
        Path top = Files.createDirectories(out.resolve("top"));
        Files.writeString(top.resolve("report.md"), "my report");
        UserError e1 = assertThrows(UserError.class, () -> Demo.run(toy(), top, quiet));
        assertTrue(e1.getMessage().contains("(it holds report.md)") && !e1.getMessage().contains("\n"), e1.getMessage());
        assertEquals("my report", Files.readString(top.resolve("report.md")));
        assertEquals(List.of("report.md"), list(top));

        // In a folder a finished demo wrote, a file the user added among the demo's files is refused by name, not deleted.
        Path own = out.resolve("own");
        Demo.run(toy(), own, quiet);
        Path mine = own.resolve("samples/mine.gif");
        Files.writeString(mine, "my own clip");
        UserError e2 = assertThrows(UserError.class, () -> Demo.run(toy(), own, quiet));
        assertTrue(e2.getMessage().startsWith(mine + " was not written by vdiff demo"), e2.getMessage());
        assertEquals("my own clip", Files.readString(mine));
        assertTrue(Files.exists(own.resolve("report.md")));
        // Files beside the demo's own are left alone when it runs again.
        Files.delete(mine);
        Files.writeString(own.resolve("notes.txt"), "notes");
        Demo.run(toy(), own, quiet);
        assertEquals("notes", Files.readString(own.resolve("notes.txt")));
    }

    private static List<String> list(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The demo's recipe is named in its configuration; every recipe keeps the model and data and changes only what it names. */
    @Test
    void recipesChangeOnlyWhatTheyName() {
        DemoConfig full = DemoConfig.full();
        assertEquals(DemoRecipe.CURRENT, full.recipe());
        assertTrue(full.run().noise().zeroTerminalSnr());
        DemoConfig v1 = full.withRecipe(DemoRecipe.V1);
        assertTrue(!v1.run().noise().zeroTerminalSnr());
        assertEquals(full.run().model(), v1.run().model());
        assertEquals(full.run().data(), v1.run().data());
        assertEquals(full.run().train().steps(), v1.run().train().steps());
        assertEquals(5.0, full.withRecipe(DemoRecipe.ZERO_SNR_MIN_SNR).run().train().minSnrGamma());
        assertEquals(2e-3, full.withRecipe(DemoRecipe.ZERO_SNR_LR2).run().train().lr());
        DemoConfig cos = full.withRecipe(DemoRecipe.COSINE_LR2);
        assertEquals("cosine", cos.run().train().lrSchedule());
        assertEquals(TrainConfig.DEFAULT_LR_SCHEDULE, full.withRecipe(DemoRecipe.ZERO_SNR_ETA1).run().train().lrSchedule());
        assertEquals(full.run().model(), cos.run().model());
        ModelSpec narrow = full.withRecipe(DemoRecipe.NARROW_COSINE_LR2).run().model();
        assertEquals(full.run().model().withCh0(16).withCh1(32).withGroups(8), narrow);
        assertEquals(8, full.withRecipe(DemoRecipe.BATCH8).run().train().batchSize());
        ModelSpec t0 = full.withRecipe(DemoRecipe.TEMPORAL0_48).run().model();
        assertEquals(full.run().model().withCh0(48).withCh1(48).withGroups(16).withTemporal0(true), t0);
        assertFalse(full.run().model().temporal0());
        assertEquals(0.995, full.withRecipe(DemoRecipe.EMA995).run().train().emaDecay());
        assertEquals(full.run().model(), full.withRecipe(DemoRecipe.EMA995).run().model());
        assertEquals(0.0, full.withRecipe(DemoRecipe.NO_EMA).run().train().emaDecay());
        assertEquals(full.run().train().withEmaDecay(0), full.withRecipe(DemoRecipe.NO_EMA).run().train());
        assertTrue(DemoRecipe.NOISY_TAIL.describeTimesteps().contains("25% of it drawn from the 100 noisiest"), DemoRecipe.NOISY_TAIL.describeTimesteps());
        // Session 8: a higher peak learning rate with Min-SNR, and cosine-lr2-min-snr sampled with guidance 3 (training unchanged).
        DemoConfig lr4 = full.withRecipe(DemoRecipe.COSINE_LR4_MIN_SNR), cms = full.withRecipe(DemoRecipe.COSINE_LR2_MIN_SNR);
        assertEquals(cms.run().train().withLr(4e-3), lr4.run().train());
        assertEquals(5.0, lr4.run().train().minSnrGamma());
        assertEquals("cosine", lr4.run().train().lrSchedule());
        DemoConfig cfg3 = full.withRecipe(DemoRecipe.COSINE_LR2_MIN_SNR_CFG3);
        assertEquals(cms.run(), cfg3.run());
        assertEquals(3.0, cfg3.sampler().guidance());
        assertEquals(2.0, cms.sampler().guidance());
        assertEquals(cms.sampler().eta(), cfg3.sampler().eta());
        assertEquals(DemoRecipe.COSINE_LR2_MIN_SNR_CFG3, DemoRecipe.parse(" Cosine-LR2-Min-SNR-CFG3"));
        var e = assertThrows(IllegalArgumentException.class, () -> DemoRecipe.parse("best"));
        assertTrue(e.getMessage().contains("v1, zero-snr"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> full.toBuilder().shownPerClass(7).build());
    }
}
