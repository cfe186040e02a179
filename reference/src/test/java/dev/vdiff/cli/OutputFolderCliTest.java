package dev.vdiff.cli;

import dev.vdiff.reference.demo.Demo;
import dev.vdiff.reference.eval.OutputFolder;
import dev.vdiff.reference.mcm.experiment.McmExperiment;
import dev.vdiff.reference.tpdiff.experiment.TpdiffExperiment;
import dev.vdiff.reference.tqd.experiment.TqdExperiment;
import dev.vdiff.reference.turbo.experiment.TurboExperiment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 10's data-loss rule for {@code vdiff demo} and every {@code vdiff experiment}: a user's file in {@code --out}
 * (at the top level, or inside a sub-folder the command writes in a folder it wrote before) survives, and the
 * command stops with one line naming it before any work (nothing else appears in the folder).
 */
class OutputFolderCliTest {
    @TempDir
    Path tmp;

    /** Command line (with {@code --out} last), the command's marker name and owned entries, and a sub-folder it writes. */
    static Stream<Arguments> commands() {
        return Stream.of(
            Arguments.of(List.of("demo", "--quick", "--steps", "1"), Demo.COMMAND, Demo.OWNED, "samples"),
            Arguments.of(List.of("experiment", "tqd", "--toy"), TqdExperiment.COMMAND, TqdExperiment.OWNED, null),
            Arguments.of(List.of("experiment", "tpdiff", "--toy"), TpdiffExperiment.COMMAND, TpdiffExperiment.OWNED, "samples"),
            Arguments.of(List.of("experiment", "turbo", "--toy"), TurboExperiment.COMMAND, TurboExperiment.OWNED, "teacher"),
            Arguments.of(List.of("experiment", "mcm", "--toy"), McmExperiment.COMMAND, McmExperiment.OWNED, "samples"));
    }

    private static String[] withOut(List<String> cmd, Path out) {
        List<String> a = new ArrayList<>(cmd);
        a.add("--out");
        a.add(out.toString());
        return a.toArray(new String[0]);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("commands")
    void aUserFileAtTheTopLevelSurvives(List<String> cmd, String command, List<String> owned, String sub) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("top"));
        Files.writeString(out.resolve("report.md"), "my report");
        oneLineError(vdiff(withOut(cmd, out)), "--out " + out + " is not empty and was not written by " + command + " (it holds report.md)");
        assertEquals("my report", Files.readString(out.resolve("report.md")));
        assertEquals(List.of("report.md"), list(out));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("commands")
    void aUserFileAmongTheCommandsOwnFilesSurvives(List<String> cmd, String command, List<String> owned, String sub) throws Exception {
        // A folder the command finished earlier: one file of its own, then the user's file beside it in the same sub-folder.
        Path out = tmp.resolve("earlier");
        OutputFolder f = OutputFolder.claim(out, command, owned);
        String own = sub == null ? "metrics.json" : sub + "/own.bin", mine = sub == null ? "report.md" : sub + "/mine.gif";
        Files.createDirectories(out.resolve(own).getParent());
        Files.writeString(out.resolve(own), "written by " + command);
        f.finish();
        Files.writeString(out.resolve(mine), "my clip");
        List<String> before = list(out);
        oneLineError(vdiff(withOut(cmd, out)), out.resolve(mine) + " was not written by " + command);
        assertEquals("my clip", Files.readString(out.resolve(mine)));
        assertEquals("written by " + command, Files.readString(out.resolve(own)));
        assertEquals(before, list(out));
    }

    private static void oneLineError(TrainSampleCliTest.Run r, String fragment) {
        expectError(r, fragment);
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /** A rerun of the turbo experiment deletes its teacher/: a --teacher inside it is refused before anything is deleted. */
    @org.junit.jupiter.api.Test
    void turboRefusesATeacherInsideTheFolderItReplaces() throws Exception {
        Path out = tmp.resolve("turbo");
        OutputFolder f = OutputFolder.claim(out, TurboExperiment.COMMAND, TurboExperiment.OWNED);
        Files.createDirectories(out.resolve("teacher"));
        Files.writeString(out.resolve("teacher/run.json"), "{}");
        f.finish();
        oneLineError(vdiff("experiment", "turbo", "--toy", "--teacher", out.resolve("teacher").toString(), "--out", out.toString()),
            "--teacher " + out.resolve("teacher") + " lies in ");
        assertEquals("{}", Files.readString(out.resolve("teacher/run.json")));
    }

    /** Every file and folder under {@code dir}, relative, sorted (the marker included). */
    private static List<String> list(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
