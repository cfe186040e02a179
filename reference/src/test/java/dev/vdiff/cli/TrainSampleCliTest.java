package dev.vdiff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vdiff train}, {@code vdiff train --resume} and {@code vdiff sample} end to end on a tiny network, and the
 * one-line errors for bad flags and bad data.
 */
class TrainSampleCliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run vdiff(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Vdiff.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    /** A tiny network and data set: 2 frames of 8x8, UNet 8/16 channels. */
    static final String[] TINY = {"--size", "8", "--frames", "2", "--ch0", "8", "--ch1", "16", "--heads", "2", "--groups", "4", "--emb", "16",
        "--batch", "2", "--train-clips", "5", "--warmup", "2", "--lr", "3e-3", "--checkpoint-every", "2", "--keep-checkpoints", "3"};

    static String[] args(String[] head, String... tail) {
        List<String> l = new ArrayList<>(List.of(head));
        l.addAll(List.of(tail));
        return l.toArray(String[]::new);
    }

    @Test
    void trainResumeAndSampleEndToEnd() throws Exception {
        Path straight = tmp.resolve("straight"), crashed = tmp.resolve("crashed");
        Run a = vdiff(args(new String[] {"train", "--out", straight.toString(), "--steps", "4"}, TINY));
        assertEquals(0, a.code(), a.err());
        Run b = vdiff(args(new String[] {"train", "--out", crashed.toString(), "--steps", "2"}, TINY));
        assertEquals(0, b.code(), b.err());
        Run c = vdiff("train", "--resume", crashed.toString(), "--steps", "4");
        assertEquals(0, c.code(), c.err());
        for (String f : List.of("model.safetensors", "ema.safetensors", "optimizer.safetensors")) {
            assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoints/step-00000004/" + f)), Files.readAllBytes(crashed.resolve("checkpoints/step-00000004/" + f)), f);
        }
        assertTrue(Files.size(straight.resolve("loss.png")) > 1000);

        Path samples = tmp.resolve("samples");
        Run s = vdiff("sample", "--run", straight.toString(), "--out", samples.toString(), "--steps", "2", "--per-label", "2", "--labels", "0,3", "--scale", "2");
        assertEquals(0, s.code(), s.err());
        for (String f : List.of("square.gif", "square.mp4", "square.png", "cross.gif", "cross.mp4", "cross.png", "samples.safetensors")) {
            assertTrue(Files.size(samples.resolve(f)) > 0, f);
        }
        assertFalse(Files.exists(samples.resolve("circle.gif")));
    }

    /** The recipe options end to end: a v run on the zero-terminal-SNR schedule with Min-SNR weights trains, records both, and samples finite videos. */
    @Test
    void zeroTerminalSnrAndMinSnrRunTrainsAndSamples() throws Exception {
        Path run = tmp.resolve("zsnr");
        Run a = vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "2", "--objective", "v", "--zero-terminal-snr", "--min-snr-gamma", "5"}, TINY));
        assertEquals(0, a.code(), a.err());
        String json = Files.readString(run.resolve("run.json"));
        assertTrue(json.contains("\"rescale_zero_terminal_snr\": true") && json.contains("\"min_snr_gamma\": 5.0"), json);
        Path samples = tmp.resolve("zsamples");
        Run s = vdiff("sample", "--run", run.toString(), "--out", samples.toString(), "--steps", "3", "--per-label", "1", "--labels", "0", "--scale", "2",
            "--guidance-rescale", "0.7");
        assertEquals(0, s.code(), s.err());
        var videos = dev.vdiff.tensor.io.Safetensors.read(samples.resolve("samples.safetensors")).get("videos");
        for (double v : videos.toDoubleArray()) assertTrue(Double.isFinite(v) && Math.abs(v) <= 1.0 + 1e-6, "pixel " + v + "; " + s.err());
    }

    @Test
    void badFlagsGiveOneLineErrorsNamingTheFlag() throws Exception {
        Path out = tmp.resolve("run");
        // Each would train for a step if its check failed (so a missing check fails the test instead of hanging it).
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--lr", "-1"), "learning rate must be > 0");
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--size", "14", "--patch", "2"), "multiples of 4");   // 2x2 patches and one downsampling: 14 / 2 is odd
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--heads", "3"), "multiple of heads");
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--backgrounds", "plaid"), "unknown background 'plaid'");
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--objective", "x0"), "unknown objective 'x0'");
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--data", tmp.resolve("nowhere").toString()), "--data");
        expectError(vdiff("train"), "give either --out DIR");
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--zero-terminal-snr"), "zero terminal SNR needs the v objective");
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--objective", "flow", "--min-snr-gamma", "5"), "min-SNR weighting applies to the eps and v objectives");
        expectError(vdiff("train", "--out", out.toString(), "--steps", "1", "--min-snr-gamma", "-1"), "min-SNR gamma must be >= 0");
        expectError(vdiff("train", "--resume", tmp.toString()), "is not a training run (no run.json");
        assertFalse(Files.exists(out.resolve("run.json")), "no run is created by a failed start");
        Run bad = vdiff("train", "--out", out.toString(), "--steps", "abc");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--steps"), bad.err());

        expectError(vdiff("sample", "--run", tmp.resolve("none").toString(), "--out", tmp.resolve("s").toString()), "is not a training run");
        expectError(vdiff("sample", "--run", tmp.toString(), "--out", tmp.resolve("s").toString(), "--sampler", "euler"), "unknown sampler 'euler'");
        expectError(vdiff("demo", "--out", tmp.toString(), "--steps", "0"), "--steps must be >= 1");
        expectError(vdiff("demo", "--out", tmp.resolve("d").toString(), "--condition", "labels"), "--condition must be classes or captions, got labels");
    }

    @Test
    void resumeRejectsChangedSettingsAndBrokenCheckpoints() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "2"}, TINY)).code());
        expectError(vdiff("train", "--resume", run.toString(), "--lr", "1e-2"), "--lr cannot change on --resume");
        expectError(vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "2"}, TINY)), "already holds a run");
        // A truncated weights file is reported with its name, not as a stack trace.
        Path model = run.resolve("checkpoints/step-00000002/model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        expectError(vdiff("train", "--resume", run.toString(), "--steps", "4"), "model.safetensors");
    }

    @Test
    void aFolderWithoutReadableVideosIsAClearError() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("videos"));
        Files.writeString(data.resolve("broken.mp4"), "not a video");
        expectError(vdiff("train", "--out", tmp.resolve("run").toString(), "--data", data.toString()), "no readable video in " + data);
    }

    static void expectError(Run r, String fragment) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
