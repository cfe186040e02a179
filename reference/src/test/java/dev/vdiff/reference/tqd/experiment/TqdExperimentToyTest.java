package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.cli.TqdExperimentCommand;
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

/** {@code vdiff experiment tqd} end to end at toy size: the files, and metrics.json's required keys with finite values. */
class TqdExperimentToyTest {
    @Test
    void toyRunWritesReportMetricsAndCharts(@TempDir Path dir) throws Exception {
        TqdExperimentCommand cmd = new TqdExperimentCommand();
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute("--toy", "--out", dir.toString(), "--threads", "2");
        assertEquals(0, code, out.toString());
        for (String f : List.of("metrics.json", "report.md", ExperimentCharts.BUCKETS, ExperimentCharts.RATIO, ExperimentCharts.TRAINING)) {
            assertTrue(Files.size(dir.resolve(f)) > 100, f);
        }
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(dir.resolve("metrics.json")));
        Map<?, ?> arms = (Map<?, ?>) m.get("arms");
        for (String arm : List.of("uniform", "tqd")) {
            Map<?, ?> a = (Map<?, ?>) arms.get(arm);
            List<?> buckets = (List<?>) a.get("heldout_loss_by_bucket");
            assertTrue(buckets.size() >= 10, "buckets " + buckets.size());
            for (Object b : buckets) assertTrue(Double.isFinite(((Number) b).doubleValue()) && ((Number) b).doubleValue() > 0, arm + " bucket " + b);
            assertTrue(Double.isFinite(((Number) a.get("sample_quality")).doubleValue()), arm + " sample quality");
        }
        Map<?, ?> regimes = (Map<?, ?>) m.get("regimes");
        assertEquals(List.of("imbalanced", "golden", "all"), List.copyOf(regimes.keySet()));
        List<?> edges = (List<?>) m.get("bucket_edges");
        assertEquals(0L, edges.get(0));
        assertEquals(1000L, edges.get(edges.size() - 1));
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("What was and was not reproduced"), report);
    }
}
