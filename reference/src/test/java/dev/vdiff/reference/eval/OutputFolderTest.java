package dev.vdiff.reference.eval;

import dev.vdiff.tensor.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The owned-output-folder rules (issue 10: no command deletes or overwrites what it did not write). */
class OutputFolderTest {
    static final String CMD = "vdiff experiment toy";
    static final List<String> OWNED = List.of("report.md", "samples", "teacher");

    @TempDir
    Path tmp;

    /** What a toy command writes: a report, two samples, a nested sub-run. */
    private static void writeOutputs(Path out, String tag) throws Exception {
        Files.writeString(out.resolve("report.md"), "report " + tag);
        Files.createDirectories(out.resolve("samples"));
        Files.writeString(out.resolve("samples/a.gif"), "a " + tag);
        Files.writeString(out.resolve("samples/b.gif"), "b " + tag);
        Files.createDirectories(out.resolve("teacher/checkpoints/step-1"));
        Files.writeString(out.resolve("teacher/checkpoints/step-1/model.safetensors"), "w " + tag);
    }

    @Test
    void newAndEmptyFoldersAreClaimedAndFinishedListsEveryFile() throws Exception {
        Path out = tmp.resolve("new/nested");
        OutputFolder f = OutputFolder.claim(out, CMD, OWNED);
        assertTrue(Files.readString(out.resolve(OutputFolder.MARKER)).contains("state: running"));
        writeOutputs(out, "1");
        f.finish();
        List<String> lines = Files.readAllLines(out.resolve(OutputFolder.MARKER));
        assertEquals(List.of("command: " + CMD, "state: finished", "report.md", "samples/a.gif", "samples/b.gif", "teacher/checkpoints/step-1/model.safetensors"),
            lines.subList(1, lines.size()));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        OutputFolder.claim(empty, CMD, OWNED);
        assertTrue(Files.exists(empty.resolve(OutputFolder.MARKER)));
    }

    @Test
    void aFolderItDidNotWriteIsRefusedAndUntouched() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("user"));
        Files.createDirectories(out.resolve("samples"));
        Files.writeString(out.resolve("samples/clip.mp4"), "mine");
        UserError e = assertThrows(UserError.class, () -> OutputFolder.claim(out, CMD, OWNED));
        assertEquals("--out " + out + " is not empty and was not written by " + CMD + " (it holds samples); " + CMD
            + " writes only into a new or empty folder, or one it wrote before", e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("samples/clip.mp4")));
        assertFalse(Files.exists(out.resolve(OutputFolder.MARKER)));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertTrue(assertThrows(UserError.class, () -> OutputFolder.claim(file, CMD, OWNED)).getMessage().contains("is a file, not a folder"));
    }

    @Test
    void aRerunOfAFinishedRunDeletesExactlyItsListedFiles() throws Exception {
        Path out = tmp.resolve("run");
        OutputFolder f = OutputFolder.claim(out, CMD, OWNED);
        writeOutputs(out, "1");
        f.finish();
        Files.writeString(out.resolve("notes.txt"), "beside, not owned");
        OutputFolder.claim(out, CMD, OWNED);
        assertEquals("beside, not owned", Files.readString(out.resolve("notes.txt")));
        assertFalse(Files.exists(out.resolve("report.md")));
        assertFalse(Files.exists(out.resolve("samples")), "folders left empty are removed");
        assertFalse(Files.exists(out.resolve("teacher")));
        assertTrue(Files.readString(out.resolve(OutputFolder.MARKER)).contains("state: running"));
    }

    @Test
    void aUserFileAmongAFinishedRunsFilesIsRefusedByName() throws Exception {
        Path out = tmp.resolve("run");
        OutputFolder f = OutputFolder.claim(out, CMD, OWNED);
        writeOutputs(out, "1");
        f.finish();
        for (String user : List.of("samples/mine.gif", "teacher/checkpoints/mine.txt")) {
            Path mine = out.resolve(user);
            Files.writeString(mine, "my own");
            UserError e = assertThrows(UserError.class, () -> OutputFolder.claim(out, CMD, OWNED));
            assertEquals(mine + " was not written by " + CMD + "; move it out of " + out + " or choose another --out", e.getMessage());
            assertEquals("my own", Files.readString(mine));
            assertEquals("a 1", Files.readString(out.resolve("samples/a.gif")), "nothing deleted before the refusal");
            assertTrue(Files.readString(out.resolve(OutputFolder.MARKER)).contains("state: finished"));
            Files.delete(mine);
        }
    }

    @Test
    void anUnfinishedRunsFolderCanBeRerunInto() throws Exception {
        Path out = tmp.resolve("killed");
        OutputFolder.claim(out, CMD, OWNED);
        writeOutputs(out, "partial");   // killed before finish()
        OutputFolder f = OutputFolder.claim(out, CMD, OWNED);
        assertFalse(Files.exists(out.resolve("samples")) || Files.exists(out.resolve("report.md")) || Files.exists(out.resolve("teacher")));
        writeOutputs(out, "2");
        f.finish();
        assertTrue(Files.readString(out.resolve(OutputFolder.MARKER)).contains("state: finished"));
    }

    /** {@code vdiff sample} owns the names of this call's labels: a rerun for other labels deletes the earlier call's listed files too. */
    @Test
    void listedFilesOutsideTodaysOwnedEntriesAreTheCommandsToo() throws Exception {
        Path out = tmp.resolve("sample");
        OutputFolder f = OutputFolder.claim(out, CMD, List.of("circle.gif"));
        Files.writeString(out.resolve("circle.gif"), "c");
        f.finish();
        Files.writeString(out.resolve("square.gif"), "the user's, never listed");
        OutputFolder.claim(out, CMD, List.of("square.gif.new"));
        assertFalse(Files.exists(out.resolve("circle.gif")));
        assertEquals("the user's, never listed", Files.readString(out.resolve("square.gif")));
    }

    @Test
    void anotherCommandsFolderIsRefused() throws Exception {
        Path out = tmp.resolve("demo");
        OutputFolder f = OutputFolder.claim(out, "vdiff demo", OWNED);
        writeOutputs(out, "1");
        f.finish();
        UserError e = assertThrows(UserError.class, () -> OutputFolder.claim(out, CMD, OWNED));
        assertEquals("--out " + out + " was written by vdiff demo, not by " + CMD + "; choose another folder", e.getMessage());
        assertEquals("a 1", Files.readString(out.resolve("samples/a.gif")));
    }

    @Test
    void aLinkIsDeletedNeverItsTarget() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(target.resolve("keep.txt"), "keep");
        Path out = tmp.resolve("links");
        OutputFolder f = OutputFolder.claim(out, CMD, OWNED);
        Files.createDirectories(out.resolve("samples"));
        Files.createSymbolicLink(out.resolve("samples/link"), target);
        f.finish();
        OutputFolder.claim(out, CMD, OWNED);
        assertFalse(Files.exists(out.resolve("samples/link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(target.resolve("keep.txt")));
    }

    /** A listed file is never deleted through a folder the user has since replaced by a link. */
    @Test
    void aListedFileBehindALinkedFolderIsNotDeleted() throws Exception {
        Path out = tmp.resolve("linked");
        OutputFolder f = OutputFolder.claim(out, CMD, List.of("x"));
        Files.createDirectories(out.resolve("x"));
        Files.writeString(out.resolve("x/a.gif"), "ours");
        f.finish();
        Files.delete(out.resolve("x/a.gif"));
        Files.delete(out.resolve("x"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere2"));
        Files.writeString(elsewhere.resolve("a.gif"), "the user's");
        Files.createSymbolicLink(out.resolve("x"), elsewhere);
        OutputFolder.claim(out, CMD, List.of("y"));   // x is no longer an owned entry: only the listed file could reach it
        assertEquals("the user's", Files.readString(elsewhere.resolve("a.gif")));
    }

    @Test
    void theDemosEarlierMarkerIsRead() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("old-demo"));
        writeOutputs(out, "1");
        Files.writeString(out.resolve(".vdiff-demo"), "old header\nreport.md\nsamples/a.gif\nsamples/b.gif\nteacher/checkpoints/step-1/model.safetensors\n");
        OutputFolder.claim(out, "vdiff demo", OWNED);
        assertFalse(Files.exists(out.resolve(".vdiff-demo")) || Files.exists(out.resolve("samples")));
        assertTrue(Files.readString(out.resolve(OutputFolder.MARKER)).contains("command: vdiff demo"));
    }
}
