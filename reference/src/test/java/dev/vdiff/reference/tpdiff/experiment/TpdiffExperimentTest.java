package dev.vdiff.reference.tpdiff.experiment;

import dev.vdiff.cli.Vdiff;
import dev.vdiff.reference.eval.Pictures;
import dev.vdiff.reference.train.Objective;
import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff experiment tpdiff} end to end at toy size (seconds): every file is written, metrics.json has the
 * promised keys with finite positive values, and the frame-count predictions are the hand-computed numbers.
 */
class TpdiffExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void toyRunThroughTheCliWritesAllFilesAndFinitePositiveMetrics() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Vdiff.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        Path dir = tmp.resolve("tpdiff");
        int code = cl.execute("experiment", "tpdiff", "--toy", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        for (String f : List.of("metrics.json", "report.md", "timings.png", "loss.png", "samples/vanilla.gif", "samples/pyramid.gif", "samples/data.gif")) {
            assertTrue(Files.size(dir.resolve(f)) > 100, f);
        }
        // the owned-entry list names everything the command wrote, and the folder is marked finished (OutputFolder)
        assertEquals(List.of(), dev.vdiff.reference.eval.OutputFolder.unownedEntries(dir, TpdiffExperiment.OWNED));
        assertTrue(Files.readString(dir.resolve(dev.vdiff.reference.eval.OutputFolder.MARKER)).contains("state: finished"));
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(dir.resolve("metrics.json")));
        for (String group : List.of("inference_ms", "train_step_ms", "sample_quality")) {
            Map<?, ?> g = (Map<?, ?>) m.get(group);
            for (String arm : List.of("vanilla", "pyramid")) {
                double v = ((Number) g.get(arm)).doubleValue();
                assertTrue(Double.isFinite(v) && v > 0, group + "." + arm + " = " + v);
            }
        }
        Map<?, ?> q = (Map<?, ?>) m.get("sample_quality");
        assertTrue(((Number) q.get("data")).doubleValue() >= 0);
        Map<?, ?> sp = (Map<?, ?>) m.get("speedup");
        for (String k : List.of("inference", "train")) assertTrue(((Number) sp.get(k)).doubleValue() > 0, k);
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("## Where the time goes") && report.contains("timings.png"), report);

        // Relations between the numbers: each speedup is vanilla time over pyramid time, the goal flags agree
        // with the speedups, the frame-count prediction of a 3-stage pyramid lies in (1, 4).
        Map<?, ?> inf = (Map<?, ?>) m.get("inference_ms"), train = (Map<?, ?>) m.get("train_step_ms");
        assertEquals(num(inf, "vanilla") / num(inf, "pyramid"), num(sp, "inference"), 1e-9 * num(sp, "inference"));
        assertEquals(num(train, "vanilla") / num(train, "pyramid"), num(sp, "train"), 1e-9 * num(sp, "train"));
        assertEquals(num(sp, "inference") >= num(sp, "inference_goal"), sp.get("inference_goal_met"));
        assertEquals(num(sp, "train") >= num(sp, "train_goal"), sp.get("train_goal_met"));
        for (String k : List.of("inference_predicted_by_frame_count", "train_predicted_by_frame_count")) {
            assertTrue(num(sp, k) > 1 && num(sp, k) < 4, k + " = " + num(sp, k));
        }
        Map<?, ?> loss = (Map<?, ?>) m.get("loss");
        for (String k : List.of("vanilla_final_mean", "pyramid_final_mean")) assertTrue(num(loss, k) > 0 && Double.isFinite(num(loss, k)), k);
        // Pictures: the charts decode and are not blank; the GIFs hold the clip's frames.
        Pictures.assertPng(dir.resolve("timings.png"), 400, 250, 8);
        Pictures.assertPng(dir.resolve("loss.png"), 400, 250, 8);
        for (String gif : List.of("samples/vanilla.gif", "samples/pyramid.gif", "samples/data.gif")) {
            javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
            try (var in = javax.imageio.ImageIO.createImageInputStream(dir.resolve(gif).toFile())) {
                reader.setInput(in);
                assertTrue(reader.getNumImages(true) >= 2, gif + ": a video has several frames");
                assertTrue(reader.read(0).getWidth() >= 8, gif);
            } finally {
                reader.dispose();
            }
        }
    }

    private static double num(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    @Test
    void vpFormRunsToo() throws Exception {
        TpdiffExperiment.Result r = TpdiffExperiment.run(TpdiffExperimentConfig.toy(Objective.EPSILON), tmp.resolve("eps"), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(3, r.train().count(), "4 steps minus 1 warm-up");
        assertEquals(r.lossVanilla().size(), r.lossPyramid().size());
        assertTrue(Double.isFinite(r.qualityPyramid()) && Double.isFinite(r.qualityVanilla()));
    }

    /** K = 3, equal step split: 3 / (1 + 1/2 + 1/4) = 12/7 for both; 1-1-2 with 8 steps (2, 2, 4): 8 / (2/4 + 2/2 + 4) = 8/5.5. */
    @Test
    void frameCountPredictions() {
        var flow = dev.vdiff.reference.tpdiff.PyramidConfig.flow();
        assertEquals(12.0 / 7, TpdiffReport.predictedTrain(flow.stages()), 1e-12);
        assertEquals(12.0 / 7, TpdiffReport.predictedInference(flow.stages(), 24), 1e-12);
        assertEquals(8 / 5.5, TpdiffReport.predictedInference(flow.withStepWeights(1, 1, 2).stages(), 8), 1e-12);
        // time = fixed + work: vanilla 100 = 30 + 70, pyramid 30 + 70 / 1.75 = 70
        assertEquals(30, TpdiffReport.impliedFixedMs(100, 70, 1.75), 1e-9);
    }
}
