package dev.vdiff.cli;

import dev.vdiff.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --backend} on train, sample and demo in the default build, which has no TornadoVM: asking for
 * {@code tornado} is one line naming the flag (exit 2) before anything is written; an unknown name likewise.
 */
class BackendOptionCliTest {
    @TempDir
    Path tmp;

    private static void assertOneLineNamingTheFlag(TrainSampleCliTest.Run r, String backend) {
        assertEquals(2, r.code(), r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "one line: " + r.err());
        assertTrue(line.contains("--backend " + backend + ": no such backend on the class path; available: jvm"), line);
    }

    @Test
    void trainSampleAndDemoRefuseTornadoWhenItIsNotBuilt() {
        Path out = tmp.resolve("run");
        assertOneLineNamingTheFlag(TrainSampleCliTest.vdiff("train", "--out", out.toString(), "--steps", "1", "--backend", "tornado"), "tornado");
        assertFalse(Files.exists(out), "nothing written");
        assertOneLineNamingTheFlag(TrainSampleCliTest.vdiff("sample", "--run", out.toString(), "--out", tmp.resolve("s").toString(), "--backend", "tornado"), "tornado");
        assertOneLineNamingTheFlag(TrainSampleCliTest.vdiff("demo", "--out", tmp.resolve("demo").toString(), "--quick", "--backend", "tornado"), "tornado");
        assertFalse(Files.exists(tmp.resolve("demo")), "nothing written");
        assertTrue(TrainSampleCliTest.vdiff("train", "--out", out.toString(), "--backend", "tornado").err().contains("TornadoVM"), "says how to get it");
    }

    @Test
    void anUnknownBackendIsOneLine() {
        assertOneLineNamingTheFlag(TrainSampleCliTest.vdiff("train", "--out", tmp.resolve("r").toString(), "--backend", "cuda"), "cuda");
    }

    @Test
    void theJvmBackendIsTheDefaultAndMayBeNamed() {
        TrainSampleCliTest.Run r = TrainSampleCliTest.vdiff(TrainSampleCliTest.args(new String[] {"train", "--out", tmp.resolve("jvm").toString(), "--steps", "1", "--backend", "jvm"},
            TrainSampleCliTest.TINY));
        assertEquals(0, r.code(), r.err());
    }

    /** run.json names the backend the run was trained on; resuming on another one says it is not bit for bit. */
    @Test
    void runJsonRecordsTheBackendAndResumingElsewhereWarns() throws Exception {
        Path run = tmp.resolve("run");
        TrainSampleCliTest.Run r = TrainSampleCliTest.vdiff(TrainSampleCliTest.args(new String[] {"train", "--out", run.toString(), "--steps", "1"}, TrainSampleCliTest.TINY));
        assertEquals(0, r.code(), r.err());
        Path file = run.resolve("run.json");
        Map<?, ?> backend = (Map<?, ?>) Json.parseObject(Files.readAllBytes(file)).get("backend");
        assertEquals("jvm", backend.get("name"));
        assertTrue(((String) backend.get("device")).startsWith("JVM kernels"), backend.toString());

        String log = stderrOf(() -> assertEquals(0, TrainSampleCliTest.vdiff("train", "--resume", run.toString(), "--steps", "2").code()));
        assertTrue(log.contains("vdiff train: resuming"), log);
        assertFalse(log.contains("warning: the run was trained on"), log);

        // as if the run had started on another backend (only the name is compared)
        Files.writeString(file, Files.readString(file).replace("\"name\": \"jvm\"", "\"name\": \"tornado\""));
        assertEquals("tornado", ((Map<?, ?>) Json.parseObject(Files.readAllBytes(file)).get("backend")).get("name"), "edited");
        log = stderrOf(() -> assertEquals(0, TrainSampleCliTest.vdiff("train", "--resume", run.toString(), "--steps", "3").code()));
        assertTrue(log.contains("vdiff train: warning: the run was trained on --backend tornado, resuming on --backend jvm does not continue it bit for bit"), log);
    }

    /** What {@code body} printed on System.err (train's progress and notes go there, not to picocli's writer). */
    private static String stderrOf(Runnable body) {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(saved);
        }
        return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
