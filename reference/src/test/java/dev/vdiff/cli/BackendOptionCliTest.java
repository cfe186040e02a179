package dev.vdiff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
