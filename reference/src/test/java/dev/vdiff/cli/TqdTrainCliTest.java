package dev.vdiff.cli;

import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vdiff train --timesteps tqd}: scores made or read, saved with the run, resumed bit for bit; flag errors. */
class TqdTrainCliTest {
    @TempDir
    Path tmp;

    /** As TrainSampleCliTest.TINY, with 4 frames (motion scoring needs at least 3). */
    static final String[] TINY = {"--size", "8", "--frames", "4", "--ch0", "8", "--ch1", "16", "--heads", "2", "--groups", "4", "--emb", "16",
        "--batch", "2", "--train-clips", "5", "--warmup", "2", "--lr", "3e-3", "--checkpoint-every", "2", "--keep-checkpoints", "3"};

    @Test
    void tqdWithRejectionScoresTheDataAndResumesBitForBit() throws Exception {
        Path straight = tmp.resolve("straight"), crashed = tmp.resolve("crashed");
        String[] tqd = {"--timesteps", "tqd", "--kappa-max", "6"};
        TrainSampleCliTest.Run a = vdiff(args(args(new String[] {"train", "--out", straight.toString(), "--steps", "4"}, TINY), tqd));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, vdiff(args(args(new String[] {"train", "--out", crashed.toString(), "--steps", "2"}, TINY), tqd)).code());
        TrainSampleCliTest.Run c = vdiff("train", "--resume", crashed.toString(), "--steps", "4");
        assertEquals(0, c.code(), c.err());
        for (String f : List.of("model.safetensors", "ema.safetensors", "optimizer.safetensors", "state.json")) {
            if (f.equals("state.json")) continue;   // holds wall-clock seconds
            assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoints/step-00000004/" + f)), Files.readAllBytes(crashed.resolve("checkpoints/step-00000004/" + f)), f);
        }
        Map<String, Object> run = Json.parseObject(Files.readAllBytes(straight.resolve("run.json")));
        Map<?, ?> t = (Map<?, ?>) run.get("timesteps");
        assertEquals("tqd", t.get("sampler"));
        assertEquals("rejection", t.get("quality_dropout"));
        assertEquals(6.0, ((Number) t.get("kappa_max")).doubleValue());
        List<String> lines = Files.readAllLines(straight.resolve("scores.csv"));
        assertEquals("path,mq,vq", lines.get(0));
        assertEquals(6, lines.size());
        assertTrue(lines.get(1).startsWith("synthetic/0,"), lines.get(1));
        // The mean data position per step is at least the batch size (rejected candidates are consumed too).
        Map<String, Object> state = Json.parseObject(Files.readAllBytes(straight.resolve("checkpoints/step-00000004/state.json")));
        assertTrue(((Number) state.get("data_position")).longValue() >= 8, "data position " + state.get("data_position"));
    }

    @Test
    void aUserScoresFileIsUsedAndMustCoverTheClips() throws Exception {
        Path csv = tmp.resolve("scores.csv");
        StringBuilder s = new StringBuilder("path,mq_raw,vq_raw\n");
        for (int i = 0; i < 5; i++) s.append("synthetic/").append(i).append(',').append(i).append(',').append(4 - i).append('\n');
        Files.writeString(csv, s);
        Path run = tmp.resolve("run");
        TrainSampleCliTest.Run r = vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "1", "--timesteps", "tqd", "--quality-dropout", "loss-weight",
            "--scores", csv.toString()}, TINY));
        assertEquals(0, r.code(), r.err());
        List<String> saved = Files.readAllLines(run.resolve("scores.csv"));
        assertEquals("synthetic/0,0.0,1.0", saved.get(1));   // percentile-normalised over the file: 0 and 4 are P1..P99-clipped ends
        assertEquals("synthetic/4,1.0,0.0", saved.get(5));

        Files.writeString(csv, "path,mq,vq\nsynthetic/0,0.5,0.5\n");
        expectError(vdiff(args(new String[] {"train", "--out", tmp.resolve("r2").toString(), "--steps", "1", "--timesteps", "tqd", "--scores", csv.toString()}, TINY)),
            "4 clip(s) have no row in " + csv);
    }

    @Test
    void badTqdFlagsAreOneLineErrors() throws Exception {
        Path out = tmp.resolve("run");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "beta"}, TINY)), "--timesteps must be uniform or tqd, got beta");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "tqd", "--quality-dropout", "drop"}, TINY)), "--quality-dropout must be none, rejection or loss-weight");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "tqd", "--kappa-base", "4", "--kappa-max", "3"}, TINY)), "--kappa-max must be finite and >= --kappa-base");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "tqd", "--kappa-base", "0"}, TINY)), "--kappa-base must be a finite number > 0");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "tqd", "--scores", tmp.resolve("none.csv").toString()}, TINY)), "no such file");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--scores", tmp.resolve("none.csv").toString()}, TINY)), "--scores is only used with --timesteps tqd");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "tqd", "--score-normalization", "zscore"}, TINY)), "--score-normalization must be percentile or rank");
        expectError(vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "tqd"}, TrainSampleCliTest.TINY)), "at least 3 frames");
        assertFalse(Files.exists(out.resolve("run.json")));
        assertEquals(0, vdiff(args(new String[] {"train", "--out", out.toString(), "--steps", "1", "--timesteps", "tqd"}, TINY)).code());
        expectError(vdiff("train", "--resume", out.toString(), "--kappa-max", "9"), "--kappa-max cannot change on --resume");
        Files.delete(out.resolve("scores.csv"));
        expectError(vdiff("train", "--resume", out.toString(), "--steps", "2"), "scores.csv is missing");
    }
}
