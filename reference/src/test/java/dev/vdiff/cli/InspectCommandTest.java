package dev.vdiff.cli;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {
    @TempDir
    Path tmp;

    /** Exit code, standard output and standard error of one {@code vdiff} run. */
    record Run(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run vdiff(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Vdiff.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void listsEveryTensorWithHandComputedStatistics() throws Exception {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new float[] {1, -2, 3.5f, 0.5f}, 2, 2));          // min -2, max 3.5, mean 3/4
        m.put("ids", Tensor.ofLongs(new long[] {4, -7, 9}, 3));                 // min -7, max 9, mean 2
        m.put("bad", Tensor.of(new double[] {Double.NaN, 1, -1}, 3));           // NaN skipped by min/max
        m.put("none", Tensor.of(new double[0], 0, 5));
        Path p = tmp.resolve("model.safetensors");
        Safetensors.write(p, m, Map.of("format", "pt"));

        Run r = vdiff("inspect", p.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.lines();
        assertEquals(p + ": safetensors, 4 tensors", lines.get(0));
        assertEquals("metadata: format=pt", lines.get(1));
        assertArrayEquals(new String[] {"name", "dtype", "shape", "min", "max", "mean"}, cells(lines.get(2)));
        assertArrayEquals(new String[] {"w", "float32", "[2,", "2]", "-2", "3.5", "0.75"}, cells(lines.get(3)));
        assertArrayEquals(new String[] {"ids", "int64", "[3]", "-7", "9", "2"}, cells(lines.get(4)));
        assertArrayEquals(new String[] {"bad", "float64", "[3]", "-1", "1", "nan", "(1", "NaN)"}, cells(lines.get(5)));
        assertArrayEquals(new String[] {"none", "float64", "[0,", "5]", "-", "-", "-", "(empty)"}, cells(lines.get(6)));
        assertEquals(7, lines.size());
    }

    @Test
    void goldenNpyFileShowsTheManifestShape() {
        Path f = Path.of("..", "verification", "golden", "public", "add_00.in.a.npy");
        assertTrue(Files.isRegularFile(f), "golden file missing: " + f.toAbsolutePath());
        Run r = vdiff("inspect", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(f + ": npy, 1 tensor", r.lines().get(0));
        String[] row = cells(r.lines().get(2));
        assertEquals(List.of("add_00.in.a", "float64", "[3,", "4]"), Arrays.asList(row).subList(0, 4));   // manifest: float64 [3, 4]
    }

    @Test
    void badFilesGiveOneErrorLineAndExitCode2() throws Exception {
        Path bad = tmp.resolve("broken.safetensors");
        Files.write(bad, "hello".getBytes());
        Run r = vdiff("inspect", bad.toString());
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals("vdiff inspect: error: " + bad + ": too short for a safetensors file (5 bytes)", r.err().strip());

        Path missing = tmp.resolve("missing.npz");
        Run m = vdiff("inspect", missing.toString());
        assertEquals(2, m.code());
        assertEquals("vdiff inspect: error: " + missing + ": no such file", m.err().strip());
    }

    @Test
    void missingArgumentPrintsUsage() {
        Run r = vdiff("inspect");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Usage: vdiff inspect"), r.err());
    }

    @Test
    void numbersHaveSixSignificantDigitsWithoutTrailingZeros() {
        assertEquals("3.5", InspectCommand.num(3.5));
        assertEquals("-0.000398715", InspectCommand.num(-0.000398715123));
        assertEquals("1.5e+20", InspectCommand.num(1.5e20));
        assertEquals("100000", InspectCommand.num(1e5));
        assertEquals("0", InspectCommand.num(0));
        assertEquals("-inf", InspectCommand.num(Double.NEGATIVE_INFINITY));
    }

    private static String[] cells(String line) {
        return line.strip().split("\\s+");
    }
}
