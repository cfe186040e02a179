package dev.vdiff.cli;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.Mp4Writer;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.reference.eval.OutputFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.vdiff.cli.TrainSampleCliTest.TINY;
import static dev.vdiff.cli.TrainSampleCliTest.args;
import static dev.vdiff.cli.TrainSampleCliTest.expectError;
import static dev.vdiff.cli.TrainSampleCliTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The other commands that write a file or a folder (issue 10: no command overwrites what it did not write): a
 * user's file at their {@code --out}/{@code --json} survives with a one-line error before any work; and
 * {@code vdiff sample --scale 1} of an 8x8 model (the MP4 encoder refused frames under 16 pixels).
 */
class OutputFilesCliTest {
    @TempDir
    Path tmp;

    @Test
    void scoreDoesNotOverwriteACaptionsCsv() throws Exception {
        Path videos = Files.createDirectories(tmp.resolve("videos"));
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSize(4, 16, 16));
        Mp4Writer.write(videos.resolve("a.mp4"), data.render(ClipSpec.clean(ShapeKind.CIRCLE, ShapeColor.RED, BackgroundKind.FLAT, 2.0, Direction.RIGHT, 3)).video(), 8);
        Path captions = Files.writeString(tmp.resolve("captions.csv"), "path,caption,label\na.mp4,a red circle,0\n");
        expectError(vdiff("score", "--data", videos.toString(), "--out", captions.toString()), "exists and was not written by vdiff score");
        assertEquals("path,caption,label\na.mp4,a red circle,0\n", Files.readString(captions));
    }

    @Test
    void benchTqdPlotAndTimestepsDoNotOverwriteAUsersFile() throws Exception {
        Path baseline = Files.writeString(tmp.resolve("pytorch.json"), "{\"implementation\": \"pytorch\"}\n");
        expectError(vdiff("bench", "--quick", "--only", "matmul_512", "--json", baseline.toString()), "--json " + baseline + " exists and was not written by vdiff bench");
        assertEquals("{\"implementation\": \"pytorch\"}\n", Files.readString(baseline));
        assertTrue(BenchCommand.writtenByBench(Files.writeString(tmp.resolve("ours.json"), "{\"suite\": \"x\", \"implementation\": \"java-vdiff\"}")));
        assertFalse(BenchCommand.writtenByBench(Files.writeString(tmp.resolve("text.json"), "not json")));
        Path png = Files.writeString(tmp.resolve("figure.png"), "my figure"), npy = Files.writeString(tmp.resolve("t.npy"), "my array");
        expectError(vdiff("tqd", "plot", "--out", png.toString()), "exists and was not written by vdiff tqd plot");
        expectError(vdiff("tqd", "timesteps", "--mq", "0.9", "--vq", "0.1", "--out", npy.toString()), "exists and was not written by vdiff tqd timesteps");
        assertEquals("my figure", Files.readString(png));
        assertEquals("my array", Files.readString(npy));
    }

    @Test
    void distillWritesANewStudentOnlyIntoANewOrEmptyFolder() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(out.resolve("loss.png"), "my chart");
        for (String method : List.of("turbo", "mcm")) {
            expectError(vdiff("distill", "--method", method, "--teacher", tmp.resolve("teacher").toString(), "--out", out.toString()), "is not empty (it holds loss.png)");
            assertEquals("my chart", Files.readString(out.resolve("loss.png")));
            assertEquals(List.of("loss.png"), list(out));
        }
    }

    @Test
    void sampleOwnsItsFolderAndWritesMp4AtScaleOneOfAnEightPixelModel() throws Exception {
        Path run = tmp.resolve("run");
        TrainSampleCliTest.Run t = vdiff(args(new String[] {"train", "--out", run.toString(), "--steps", "2"}, TINY));
        assertEquals(0, t.code(), t.err());
        Path s = tmp.resolve("s");
        // --scale 1 of 8x8 clips: the MP4 encoder needs 16 pixels a side; the writer enlarges (it failed after sampling before).
        TrainSampleCliTest.Run a = vdiff("sample", "--run", run.toString(), "--out", s.toString(), "--steps", "1", "--per-label", "1", "--labels", "0", "--scale", "1");
        assertEquals(0, a.code(), a.err());
        assertTrue(Files.size(s.resolve("square.mp4")) > 0 && Files.size(s.resolve("square.gif")) > 0);
        // A user's file with a name this call writes is refused by name before sampling; one beside is left alone.
        Files.writeString(s.resolve("cross.gif"), "my cross");
        Files.writeString(s.resolve("notes.txt"), "notes");
        expectError(vdiff("sample", "--run", run.toString(), "--out", s.toString(), "--steps", "1", "--per-label", "1", "--labels", "0,3"),
            s.resolve("cross.gif") + " was not written by vdiff sample");
        assertEquals("my cross", Files.readString(s.resolve("cross.gif")));
        assertTrue(Files.exists(s.resolve("square.mp4")), "nothing deleted before the refusal");
        Files.delete(s.resolve("cross.gif"));
        // A rerun replaces the earlier call's files (square.* was listed) and keeps the user's notes.
        TrainSampleCliTest.Run b = vdiff("sample", "--run", run.toString(), "--out", s.toString(), "--steps", "1", "--per-label", "1", "--labels", "3");
        assertEquals(0, b.code(), b.err());
        assertFalse(Files.exists(s.resolve("square.gif")));
        assertTrue(Files.exists(s.resolve("cross.gif")));
        assertEquals("notes", Files.readString(s.resolve("notes.txt")));
        // A folder of an older vdiff sample (samples.safetensors, no marker) is not taken: its files cannot be told from the user's.
        Path old = Files.createDirectories(tmp.resolve("old"));
        Files.writeString(old.resolve("samples.safetensors"), "old");
        Files.writeString(old.resolve("square.gif"), "old or mine?");
        expectError(vdiff("sample", "--run", run.toString(), "--out", old.toString(), "--steps", "1", "--labels", "0"), "holds no earlier vdiff sample output");
        assertEquals("old or mine?", Files.readString(old.resolve("square.gif")));
        assertFalse(Files.exists(old.resolve(OutputFolder.MARKER)));
    }

    private static List<String> list(Path dir) throws Exception {
        try (var st = Files.list(dir)) {
            return st.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
