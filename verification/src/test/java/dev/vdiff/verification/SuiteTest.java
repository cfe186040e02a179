package dev.vdiff.verification;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.check.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteTest {
    @TempDir
    Path dir;

    @Test
    void readsTheProjectsGoldenManifest() {
        Suite s = Suite.load(GoldenSuiteTest.goldenDir());
        assertTrue(s.cases().size() > 100);
        OracleCase conv = s.cases().stream().filter(c -> c.op().equals("conv2d")).findFirst().orElseThrow();
        assertArrayEquals(new int[] {2, 3, 8, 8}, conv.inputs().get("x").shape());
        assertArrayEquals(new int[] {1, 1}, conv.attrs().ints("stride"));
        assertEquals(new Tolerance(1e-4, 1e-4, false), conv.tolerance(DType.FLOAT32));
        OracleCase unet = s.cases().stream().filter(c -> c.op().equals("tiny_video_unet")).findFirst().orElseThrow();
        assertTrue(unet.tolerance(DType.FLOAT64).rmsScaled());
        assertTrue(unet.file(CaseRunner.PARAM_GRADS).toString().endsWith(".safetensors"));
        OracleCase sum = s.cases().stream().filter(c -> c.op().equals("sum") && !c.attrs().has("axes")).findFirst().orElseThrow();
        assertEquals(null, sum.attrs().intsOrNull("axes"));
        assertFalse(s.cases().stream().anyMatch(c -> c.op().equals("beta_distribution") && c.differentiable()));
    }

    @Test
    void unusableSuitesGiveOneLineMessages() throws IOException {
        var e = assertThrows(IllegalArgumentException.class, () -> Suite.load(dir.resolve("nope")));
        assertEquals("no suite directory at " + dir.resolve("nope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Suite.load(dir));
        assertEquals(dir + " is not a case suite: it has no manifest.json", e.getMessage());
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"oracle-case-suite\", ");
        e = assertThrows(IllegalArgumentException.class, () -> Suite.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("manifest.json") + ": ") && !e.getMessage().contains("\n"), e.getMessage());
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"something-else\", \"format_version\": 1, \"cases\": []}");
        e = assertThrows(IllegalArgumentException.class, () -> Suite.load(dir));
        assertTrue(e.getMessage().endsWith("not an oracle case suite (format is something-else)"), e.getMessage());
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"oracle-case-suite\", \"format_version\": 1, \"cases\": [{\"id\": \"x\", \"op\": \"add\"}]}");
        e = assertThrows(IllegalArgumentException.class, () -> Suite.load(dir));
        assertTrue(e.getMessage().endsWith("case x tolerance should be an object, got null"), e.getMessage());
    }

    @Test
    void attributesAreTypeChecked() {
        Attrs a = new Attrs("c_00", java.util.Map.of("eps", 1e-5, "axes", java.util.List.of(1L, -1L), "name", "mean"));
        assertEquals(1e-5, a.real("eps"));
        assertArrayEquals(new int[] {1, -1}, a.ints("axes"));
        var e = assertThrows(IllegalArgumentException.class, () -> a.integer("eps"));
        assertEquals("case c_00: attribute 'eps' should be an integer, got number 1.0E-5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.real("missing"));
        assertEquals("case c_00: attribute 'missing' is missing", e.getMessage());
    }
}
