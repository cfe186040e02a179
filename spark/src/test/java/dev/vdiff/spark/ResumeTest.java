package dev.vdiff.spark;

import dev.vdiff.reference.tqd.ScoreNormalization;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job that dies half-way (a task that cannot read its clip, with Spark's leftovers of a killed JVM planted on
 * top) and is run again writes the same table as a job that never failed, and scores only what was missing.
 */
class ResumeTest {
    @TempDir
    Path tmp;

    @AfterEach
    void heal() {
        TestSpark.FlakyFileSystem.failOn = null;
    }

    @Test
    void aKilledRunRerunWritesTheSameTable() throws IOException {
        SparkSession spark = TestSpark.session();
        Path clips = tmp.resolve("clips");
        List<String> files = TestClips.write(clips);
        List<String> uris = new ArrayList<>();
        for (String f : files) uris.add("vtest://" + clips.resolve(f).toAbsolutePath());
        Path list = tmp.resolve("list.txt");
        Files.write(list, uris, StandardCharsets.UTF_8);
        int chunk = 3, chunks = (files.size() + chunk - 1) / chunk;
        Path clean = tmp.resolve("clean"), killed = tmp.resolve("killed");
        ScoreJob.run(spark, settings(list, clean, chunk), ScoreJobTest.quiet());

        // First attempt: the clip that sorts 8th fails its task, so chunk 2 (clips 6..8) never commits.
        List<String> sorted = uris.stream().sorted().toList();
        TestSpark.FlakyFileSystem.failOn = java.net.URI.create(sorted.get(7)).getPath();
        spark.sparkContext().setLogLevel("OFF");   // the task failure is expected: no stack trace in the build log
        Exception e;
        try {
            e = assertThrows(Exception.class, () -> ScoreJob.run(spark, settings(list, killed, chunk), ScoreJobTest.quiet()));
        } finally {
            spark.sparkContext().setLogLevel("ERROR");
        }
        assertTrue(String.valueOf(e.getMessage()).contains("simulated read failure"), "fails for the injected reason: " + e);
        Path raw = killed.resolve("_vdiff/raw");
        assertTrue(Files.exists(raw.resolve("chunk-00000/_SUCCESS")) && Files.exists(raw.resolve("chunk-00001/_SUCCESS")));
        assertFalse(Files.exists(raw.resolve("chunk-00002/_SUCCESS")));
        assertFalse(Files.exists(killed.resolve("scores.parquet")) || Files.exists(killed.resolve("scores.csv")), "no table published");

        // What a JVM killed mid-write leaves: a task's temporary output in the open chunk, a half table in staging.
        plant(raw.resolve("chunk-00002/_temporary/0/_temporary/attempt_0/part-00000-half.snappy.parquet"));
        plant(killed.resolve("_vdiff/staging/scores.parquet/part-00000-half.snappy.parquet"));

        TestSpark.FlakyFileSystem.failOn = null;
        ScoreJob.Summary resumed = ScoreJob.run(spark, settings(list, killed, chunk), ScoreJobTest.quiet());
        assertEquals(chunks - 2, resumed.chunksRun(), "the committed chunks are not scored again");
        List<Row> want = spark.read().parquet(clean.resolve("scores.parquet").toString()).collectAsList();
        List<Row> got = spark.read().parquet(killed.resolve("scores.parquet").toString()).collectAsList();
        assertEquals(want, got);
        assertArrayEquals(Files.readAllBytes(clean.resolve("scores.csv")), Files.readAllBytes(killed.resolve("scores.csv")));
        assertEquals(files.size(), got.size());
    }

    private static ScoreJob.Settings settings(Path list, Path out, int chunk) {
        return new ScoreJob.Settings(null, list.toString(), out.toString(), ScoreJobTest.FRAMES, 1, ScoreJobTest.SIZE, ScoreJobTest.SIZE,
            ScoreNormalization.PERCENTILE, chunk, 1);
    }

    private static void plant(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, "PAR1 half-written".getBytes(StandardCharsets.UTF_8));
    }
}
