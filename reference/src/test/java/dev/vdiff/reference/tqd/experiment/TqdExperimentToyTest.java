package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.cli.TqdExperimentCommand;
import dev.vdiff.reference.eval.Pictures;
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
 * {@code vdiff experiment tqd} end to end at toy size: the files; metrics.json's keys, finite values and the relations
 * between them; the score ordering the regimes rest on; charts that are real pictures.
 */
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
        // the owned-entry list names everything the command wrote, and the folder is marked finished (OutputFolder)
        assertEquals(List.of(), dev.vdiff.reference.eval.OutputFolder.unownedEntries(dir, TqdExperiment.OWNED));
        assertTrue(Files.readString(dir.resolve(dev.vdiff.reference.eval.OutputFolder.MARKER)).contains("state: finished"));
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

        // The charts are real pictures (decodable, chart-sized, not blank).
        for (String chart : List.of(ExperimentCharts.BUCKETS, ExperimentCharts.RATIO, ExperimentCharts.TRAINING)) {
            Pictures.assertPng(dir.resolve(chart), 400, 250, 8);
        }
        // Bucket edges split [0, 1000] in increasing order, one more edge than buckets.
        for (int i = 1; i < edges.size(); i++) assertTrue(((Number) edges.get(i)).longValue() > ((Number) edges.get(i - 1)).longValue(), "edges " + edges);
        for (String arm : List.of("uniform", "tqd")) {
            Map<?, ?> a = (Map<?, ?>) arms.get(arm);
            List<?> buckets = (List<?>) a.get("heldout_loss_by_bucket");
            assertEquals(edges.size() - 1, buckets.size(), arm + " buckets vs edges");
            // The mean held-out loss is the mean of the bucket losses (one seed in the toy run).
            double mean = buckets.stream().mapToDouble(b -> ((Number) b).doubleValue()).average().orElseThrow();
            assertEquals(mean, ((Number) a.get("heldout_loss_mean")).doubleValue(), 1e-9 * mean, arm + " heldout_loss_mean");
            assertTrue(((Number) a.get("sample_quality")).doubleValue() >= 0, arm + " sample quality is a distance");
            Map<?, ?> seed = (Map<?, ?>) ((List<?>) a.get("per_seed")).get(0);
            assertEquals(((Number) ((Map<?, ?>) m.get("setup")).get("steps")).longValue(), ((List<?>) seed.get("train_losses")).size(), arm + " one loss per step");
        }
        // The regimes are built on the scores (SPEC §2.1): in the all-data regime, moving clips have higher
        // normalised MQ than static ones, and clean clips higher VQ than degraded ones (per-kind means).
        Map<?, ?> kinds = (Map<?, ?>) ((Map<?, ?>) regimes.get("all")).get("normalised_scores_by_kind");
        assertEquals(List.of("high_mq_low_vq", "low_mq_high_vq", "golden", "low_low"), List.copyOf(kinds.keySet()));
        for (String moving : List.of("golden", "high_mq_low_vq")) {
            for (String still : List.of("low_mq_high_vq", "low_low")) {
                assertTrue(score(kinds, moving, "mean_mq") > score(kinds, still, "mean_mq"), moving + " vs " + still + " MQ: " + kinds);
            }
        }
        for (String clean : List.of("golden", "low_mq_high_vq")) {
            for (String degraded : List.of("high_mq_low_vq", "low_low")) {
                assertTrue(score(kinds, clean, "mean_vq") > score(kinds, degraded, "mean_vq"), clean + " vs " + degraded + " VQ: " + kinds);
            }
        }
    }

    private static double score(Map<?, ?> kinds, String kind, String key) {
        return ((Number) ((Map<?, ?>) kinds.get(kind)).get(key)).doubleValue();
    }
}
