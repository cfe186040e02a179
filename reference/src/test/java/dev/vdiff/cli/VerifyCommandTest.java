package dev.vdiff.cli;

import dev.vdiff.verification.SuiteWriter;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code verify} subcommand through the real command line (listed in {@link Catalog}). */
class VerifyCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run verify(String... args) {
        CommandLine cl = Vdiff.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "verify";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Two add cases, the second with a wrong reference output, and one case of an op vdiff does not have. */
    @SuppressWarnings("unchecked")
    private Path suite() throws IOException {
        SuiteWriter s = new SuiteWriter(dir);
        s.add(SuiteWriter.addCase(s, "add_00"));
        Map<String, Object> bad = SuiteWriter.addCase(s, "add_01");
        Npy.write(dir.resolve("add_01.out.out.npy"), Tensor.of(new double[] {1.5, 1, 5, 4.5, 4, 8.5}, 2, 3));
        ((Map<String, Object>) ((Map<String, Object>) bad.get("outputs")).get("out")).remove("sha256");
        s.add(bad);
        s.add(SuiteWriter.linked("id", "warp_00", "op", "warp", "attrs", Map.of(), "inputs", Map.of(), "outputs", Map.of(),
            "tolerance", SuiteWriter.tolerance(1e-5, 1e-6)));
        return s.write();
    }

    @Test
    void printsOneLinePerFailureAndTheCountsAndExitsWithOne() throws IOException {
        Run r = verify("--suite", suite().toString());
        assertEquals(1, r.exit, r.err);
        String[] lines = r.out.split("\n");
        assertEquals(5, lines.length, r.out);
        assertTrue(lines[0].startsWith("FAIL add_01 [float64] add: out[1, 2]: actual 8.000000000 vs expected 8.500000000 (error/tolerance "), lines[0]);
        assertTrue(lines[1].startsWith("FAIL add_01 [float32] add: out[1, 2]"), lines[1]);
        assertEquals("FAIL warp_00 [float64] warp: vdiff has no evaluator for op 'warp'", lines[2]);
        assertEquals("FAIL warp_00 [float32] warp: vdiff has no evaluator for op 'warp'", lines[3]);
        assertEquals("2 passed, 4 failed", lines[4]);
    }

    @Test
    void onlyAndDtypeSelectCasesAndVerboseListsPasses() throws IOException {
        Path s = suite();
        Run r = verify("--suite", s.toString(), "--only", "add", "--dtype", "float32", "--verbose");
        assertEquals(1, r.exit);
        String[] lines = r.out.split("\n");
        assertEquals(3, lines.length, r.out);
        assertTrue(lines[0].startsWith("ok   add_00 [float32] add: worst error/tolerance 0.00 (out)"), lines[0]);
        assertEquals("1 passed, 1 failed", lines[2]);

        Run ok = verify("--suite", s.toString(), "--only", "add", "--dtype", "float64");
        assertEquals("FAIL", ok.out.substring(0, 4));
    }

    @Test
    void allPassingExitsWithZero() throws IOException {
        SuiteWriter s = new SuiteWriter(dir);
        Run r = verify("--suite", s.add(SuiteWriter.addCase(s, "add_00")).write().toString());
        assertEquals(0, r.exit, r.out + r.err);
        assertEquals("2 passed, 0 failed\n", r.out.replace("\r", ""));
    }

    @Test
    void badSuitesAndFlagsGiveOneLineErrors() throws IOException {
        Run missing = verify("--suite", dir.resolve("absent").toString());
        assertEquals(2, missing.exit);
        assertEquals("vdiff verify: error: no suite directory at " + dir.resolve("absent") + "\n", missing.err);
        Run noManifest = verify("--suite", dir.toString());
        assertEquals("vdiff verify: error: " + dir + " is not a case suite: it has no manifest.json\n", noManifest.err);
        Path s = suite();
        Run typo = verify("--suite", s.toString(), "--only", "ad");
        assertEquals(2, typo.exit);
        assertEquals("vdiff verify: error: --only: the suite has no case of op 'ad' (its ops: add, warp)\n", typo.err);
        Run dtype = verify("--suite", s.toString(), "--dtype", "float16");
        assertEquals(2, dtype.exit);
        assertEquals("vdiff verify: error: --dtype must be float64, float32 or both, not 'float16'\n", dtype.err);
    }

    @Test
    void defaultSuiteFollowsTheLaunchersHome() {
        String old = System.getProperty("vdiff.home");
        try {
            System.setProperty("vdiff.home", "/opt/vdiff");
            assertEquals(Path.of("/opt/vdiff/verification/golden/public"), VerifyCommand.defaultSuite());
            System.clearProperty("vdiff.home");
            assertEquals(Path.of("verification/golden/public"), VerifyCommand.defaultSuite());
        } finally {
            if (old != null) System.setProperty("vdiff.home", old);
        }
    }
}
