package dev.vdiff.spark;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.CsvLine;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.score.ScoreTable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark job against the local command on real video files: every raw and normalised number must be the
 * same double (the job calls the same scorers and the same normalisation), every file must have a row, and a
 * file FFmpeg cannot read must be a row that says so.
 */
class ScoreJobTest {
    static final int FRAMES = 8, SIZE = 32;

    @TempDir
    static Path tmp;
    static Path clips;
    static List<String> files;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        spark = TestSpark.session();
        clips = tmp.resolve("clips");
        files = TestClips.write(clips);
    }

    static ScoreJob.Settings folder(Path out, ScoreNormalization n) {
        return new ScoreJob.Settings(clips.toUri().toString(), null, out.toUri().toString(), FRAMES, 1, SIZE, SIZE, n, 4, 2);
    }

    @Test
    void folderGivesTheLocalScoresExactlyAndAnErrorRowPerBrokenFile() throws IOException {
        Path out = tmp.resolve("out-folder");
        ScoreJob.Summary summary = ScoreJob.run(spark, folder(out, ScoreNormalization.PERCENTILE), quiet());
        Map<String, ScoreTable.Row> local = LocalScores.of(clips, FRAMES, SIZE, SIZE, ScoreNormalization.PERCENTILE);
        assertEquals(files.size() - TestClips.BROKEN.size(), local.size(), "the local command reads every file but the broken ones");

        Map<String, Row> rows = parquet(out);
        assertEquals(files.size(), rows.size(), "one row per video file, broken ones included: " + rows.keySet());
        assertEquals(new ArrayList<>(new java.util.TreeSet<>(files)), List.copyOf(rows.keySet()), "rows in path order");
        assertEquals(files.size(), summary.clips());
        assertEquals(local.size(), summary.scored());
        assertSameScores(local, rows, p -> p);
        for (String broken : TestClips.BROKEN) {
            Row r = rows.get(broken);
            assertTrue(r.getString(r.fieldIndex("error")).startsWith("unreadable: "), broken + ": " + r);
            for (String c : ScoreTable.COLUMNS) if (!c.equals("path")) assertTrue(r.isNullAt(r.fieldIndex(c)), broken + " has no " + c);
        }
        assertCsvMatchesParquet(out, rows);
        // What TQD training reads (vdiff train --scores): the scored clips' normalised scores, unchanged.
        Map<String, ScoreTable.Scores> read = ScoreTable.read(out.resolve("scores.csv"), ScoreNormalization.PERCENTILE);
        assertEquals(local.keySet(), read.keySet());
        for (ScoreTable.Row r : local.values()) assertEquals(new ScoreTable.Scores(r.mq(), r.vq()), read.get(r.path()), r.path());

        // A rerun finds the job complete and writes nothing; other settings on the same folder are refused.
        ScoreJob.Summary again = ScoreJob.run(spark, folder(out, ScoreNormalization.PERCENTILE), quiet());
        assertEquals(0, again.chunksRun());
        assertEquals(summary, new ScoreJob.Summary(again.clips(), again.scored(), summary.chunksRun(), again.firstNotScored()));
        UserError e = assertThrows(UserError.class, () -> ScoreJob.run(spark, folder(out, ScoreNormalization.RANK), quiet()));
        assertTrue(e.getMessage().contains("other settings"), e.getMessage());
    }

    @Test
    void listOnANonLocalFileSystemGivesTheLocalScoresExactly() throws IOException {
        // vtest: is the local disk seen as a remote file system: the job copies every clip before decoding it.
        List<String> lines = new ArrayList<>();
        Map<String, String> relative = new HashMap<>();
        for (String f : files) {
            String uri = "vtest://" + clips.resolve(f).toAbsolutePath();
            lines.add(uri);
            relative.put(uri, f);
        }
        String missing = "vtest://" + clips.resolve("missing.mp4").toAbsolutePath();
        lines.add("# a comment, then a blank line");
        lines.add("");
        lines.add(missing);
        Path list = tmp.resolve("list.txt");
        Files.write(list, lines, StandardCharsets.UTF_8);
        Path out = tmp.resolve("out-list");
        ScoreJob.run(spark, new ScoreJob.Settings(null, list.toString(), out.toString(), FRAMES, 1, SIZE, SIZE, ScoreNormalization.RANK, 5, 3), quiet());

        Map<String, ScoreTable.Row> local = LocalScores.of(clips, FRAMES, SIZE, SIZE, ScoreNormalization.RANK);
        Map<String, Row> rows = parquet(out);
        assertEquals(files.size() + 1, rows.size());
        assertSameScores(local, rows, relative::get);
        Row m = rows.get(missing);
        assertEquals("not found: " + missing, m.getString(m.fieldIndex("error")));

        // The same list as Parquet (a string column uri, any other columns ignored) gives the same table.
        List<Row> uriRows = new ArrayList<>();
        for (String u : rows.keySet()) uriRows.add(org.apache.spark.sql.RowFactory.create(u, u.length()));
        Path parquetList = tmp.resolve("list.parquet");
        spark.createDataFrame(uriRows, new org.apache.spark.sql.types.StructType().add("uri", "string").add("other", "int"))
            .write().parquet(parquetList.toString());
        Path outParquet = tmp.resolve("out-parquet-list");
        ScoreJob.run(spark, new ScoreJob.Settings(null, parquetList.toString(), outParquet.toString(), FRAMES, 1, SIZE, SIZE, ScoreNormalization.RANK, 5, 3), quiet());
        assertEquals(List.copyOf(rows.values()), List.copyOf(parquet(outParquet).values()));

        // A clip listed twice is refused before any scoring, with one line naming it.
        lines.add(lines.get(0));
        Files.write(list, lines, StandardCharsets.UTF_8);
        Path outTwice = tmp.resolve("out-twice");
        UserError e = assertThrows(UserError.class, () -> ScoreJob.run(spark,
            new ScoreJob.Settings(null, list.toString(), outTwice.toString(), FRAMES, 1, SIZE, SIZE, ScoreNormalization.RANK, 5, 3), quiet()));
        assertEquals("--list " + list + " names a clip more than once: " + lines.get(0), e.getMessage());
    }

    @Test
    void refusesAFolderItDidNotWrite() throws IOException {
        Path out = tmp.resolve("someone-elses");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "keep me");
        UserError e = assertThrows(UserError.class, () -> ScoreJob.run(spark, folder(out, ScoreNormalization.PERCENTILE), quiet()));
        assertTrue(e.getMessage().contains("not empty and was not written by this job"), e.getMessage());
        assertEquals(List.of(out.resolve("notes.txt")), Files.list(out).toList(), "nothing written or deleted");
    }

    /** Every locally scored clip has the same numbers, bit for bit, in the job's row named by {@code pathOf}. */
    static void assertSameScores(Map<String, ScoreTable.Row> local, Map<String, Row> rows, java.util.function.Function<String, String> relativeOf) {
        Map<String, Row> byRelative = new HashMap<>();
        for (var e : rows.entrySet()) if (relativeOf.apply(e.getKey()) != null) byRelative.put(relativeOf.apply(e.getKey()), e.getValue());
        for (ScoreTable.Row expected : local.values()) {
            Row r = byRelative.get(expected.path());
            assertTrue(r != null, "no row for " + expected.path());
            assertTrue(r.isNullAt(r.fieldIndex("error")), expected.path() + ": " + r);
            for (String c : ScoreTable.COLUMNS) {
                if (c.equals("path")) continue;
                double want = LocalScores.column(expected, c), got = r.getDouble(r.fieldIndex(c));
                assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                    expected.path() + " " + c + ": local " + want + ", spark " + got + " (must be the same double)");
            }
        }
    }

    /** scores.parquet by path, in file order. */
    static Map<String, Row> parquet(Path out) {
        Map<String, Row> rows = new java.util.LinkedHashMap<>();
        for (Row r : spark.read().parquet(out.resolve("scores.parquet").toString()).collectAsList()) rows.put(r.getString(r.fieldIndex("path")), r);
        return rows;
    }

    /** scores.csv: one header (vdiff score's columns, then error), then the Parquet rows in the same order and numbers. */
    static void assertCsvMatchesParquet(Path out, Map<String, Row> rows) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("scores.csv"), StandardCharsets.UTF_8);
        List<String> header = new ArrayList<>(ScoreTable.COLUMNS);
        header.add("error");
        assertEquals(String.join(",", header), lines.get(0));
        assertEquals(rows.size() + 1, lines.size());
        List<Row> ordered = List.copyOf(rows.values());
        for (int i = 0; i < ordered.size(); i++) {
            List<String> f = CsvLine.fields(lines.get(i + 1), "scores.csv line " + (i + 2));
            Row r = ordered.get(i);
            assertEquals(r.getString(0), f.get(0));
            for (int c = 1; c < header.size() - 1; c++) {
                String where = "scores.csv line " + (i + 2) + " column " + header.get(c);
                if (r.isNullAt(c)) {
                    assertEquals("", f.get(c), where);
                } else {
                    assertEquals(Double.doubleToLongBits(r.getDouble(c)), Double.doubleToLongBits(Double.parseDouble(f.get(c))), where + ": " + f.get(c) + " vs " + r.getDouble(c));
                }
            }
            assertEquals(r.isNullAt(header.size() - 1) ? "" : r.getString(header.size() - 1), f.get(header.size() - 1));
        }
    }

    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
