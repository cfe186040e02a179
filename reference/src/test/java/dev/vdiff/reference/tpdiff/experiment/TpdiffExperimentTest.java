package dev.vdiff.reference.tpdiff.experiment;

import dev.vdiff.cli.Vdiff;
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
