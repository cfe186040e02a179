package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.Direction;
import dev.vdiff.reference.data.Mp4Writer;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.ShapeKind;
import dev.vdiff.reference.data.SyntheticConfig;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.score.ScoreTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vdiff.cli.InspectCommandTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vdiff score} on a folder of MP4s with one broken file, and reading score tables back. */
class ScoreCommandTest {
    @TempDir
    static Path dir;

    static Path videos;

    @BeforeAll
    static void writeVideos() throws IOException {
        videos = dir.resolve("videos");
        SyntheticVideos data = new SyntheticVideos(SyntheticConfig.defaults().withSize(8, 32, 32));
        ClipSpec moving = ClipSpec.clean(ShapeKind.CIRCLE, ShapeColor.RED, BackgroundKind.GRADIENT, 2.0, Direction.RIGHT, 3);
        Mp4Writer.write(videos.resolve("moving.mp4"), data.render(moving).video(), 8);
        Mp4Writer.write(videos.resolve("still.mp4"), data.render(moving.withStatic()).video(), 8);
        Mp4Writer.write(videos.resolve("sub/blurred, moving.mp4"), data.render(moving.withDegradations(2.0, 0, 0, 1)).video(), 8);
        Mp4Writer.write(videos.resolve("noisy.mp4"), data.render(moving.withDegradations(0, 0.15, 0, 1)).video(), 8);
        Files.write(videos.resolve("broken.mp4"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }

    @Test
    void scoresEveryReadableVideoAndNamesTheOthers() throws IOException {
        Path csv = dir.resolve("scores.csv");
        InspectCommandTest.Run r = vdiff("score", "--data", videos.toString(), "--out", csv.toString(), "--frames", "8", "--height", "32", "--width", "32");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("scored 4 of 5 videos"), r.out());
        assertTrue(r.out().contains("broken.mp4") && r.err().contains("broken.mp4"), r.out() + r.err());

        List<String> lines = Files.readAllLines(csv);
        assertEquals(String.join(",", ScoreTable.COLUMNS), lines.get(0));
        assertEquals(5, lines.size());
        assertTrue(lines.contains(lines.stream().filter(l -> l.startsWith("\"sub/blurred, moving.mp4\",")).findFirst().orElse("missing quoted path")));

        Map<String, ScoreTable.Scores> s = ScoreTable.read(csv, ScoreNormalization.PERCENTILE);
        assertEquals(List.of("moving.mp4", "noisy.mp4", "still.mp4", "sub/blurred, moving.mp4"), List.copyOf(s.keySet()));
        for (ScoreTable.Scores q : s.values()) assertTrue(q.mq() >= 0 && q.mq() <= 1 && q.vq() >= 0 && q.vq() <= 1, q.toString());
        assertTrue(s.get("moving.mp4").mq() > s.get("still.mp4").mq(), s.toString());
        assertTrue(s.get("moving.mp4").vq() > s.get("sub/blurred, moving.mp4").vq(), s.toString());
        assertTrue(s.get("moving.mp4").vq() > s.get("noisy.mp4").vq(), s.toString());

        double[][] aligned = ScoreTable.align(s, List.of("still.mp4", "moving.mp4"), "scores.csv");
        assertEquals(s.get("still.mp4").mq(), aligned[0][0], 0);
        assertEquals(s.get("moving.mp4").vq(), aligned[1][1], 0);
        UserError e = assertThrows(UserError.class, () -> ScoreTable.align(s, List.of("moving.mp4", "new.mp4"), "scores.csv"));
        assertTrue(e.getMessage().contains("new.mp4") && e.getMessage().contains("1 clip(s)"), e.getMessage());
    }

    @Test
    void badFlagsNameTheFlag() {
        InspectCommandTest.Run r = vdiff("score", "--data", videos.toString(), "--out", dir.resolve("x.csv").toString(), "--frames", "2");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("vdiff score: error: --frames"), r.err());
        r = vdiff("score", "--data", videos.toString(), "--out", dir.resolve("x.csv").toString(), "--normalize", "zscore");
        assertTrue(r.err().contains("--normalize"), r.err());
        r = vdiff("score", "--data", dir.resolve("nowhere").toString(), "--out", dir.resolve("x.csv").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nowhere") && !r.err().contains("\tat "), r.err());
    }

    /** A user table of raw scores (e.g. VideoAlign's) is normalised on reading; normalised columns are used as given. */
    @Test
    void readsUserTables() throws IOException {
        Path raw = dir.resolve("raw.csv");
        Files.writeString(raw, "path,caption,mq_raw,vq_raw\na.mp4,\"a cat, running\",2.1,3.4\nb.mp4,x,2.3,3.2\n\nc.mp4,y,2.2,3.3\n");
        Map<String, ScoreTable.Scores> s = ScoreTable.read(raw, ScoreNormalization.RANK);
        assertEquals(new ScoreTable.Scores(0, 1), s.get("a.mp4"));
        assertEquals(new ScoreTable.Scores(1, 0), s.get("b.mp4"));
        assertEquals(new ScoreTable.Scores(0.5, 0.5), s.get("c.mp4"));

        Path norm = dir.resolve("norm.csv");
        Files.writeString(norm, "vq,path,mq\n0.25,a.mp4,0.75\n");
        assertEquals(Map.of("a.mp4", new ScoreTable.Scores(0.75, 0.25)), new HashMap<>(ScoreTable.read(norm, ScoreNormalization.PERCENTILE)));

        Map<String, String> bad = Map.of(
            "path,mq,vq\na.mp4,1.5,0.2\n", "line 2",
            "path,mq\na.mp4,0.5\n", "header",
            "path,mq,vq\na.mp4,0.5\n", "fields",
            "path,mq,vq\na.mp4,x,0.2\n", "mq must be a finite number",
            "path,mq,vq\na.mp4,0.1,0.2\na.mp4,0.3,0.4\n", "twice",
            "path,mq,vq\n", "no score rows");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Path p = dir.resolve("bad.csv");
            Files.writeString(p, e.getKey());
            UserError err = assertThrows(UserError.class, () -> ScoreTable.read(p, ScoreNormalization.PERCENTILE));
            assertTrue(err.getMessage().contains(e.getValue()), err.getMessage());
        }
    }
}
