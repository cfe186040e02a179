package dev.vdiff.spark;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.tqd.ScoreNormalization;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vdiff score} as a Spark job (docs/SCALE.md): the motion and visual quality of every clip of a collection
 * (TQD's MQ and VQ stand-ins, SPEC §2.1), normalised over the whole collection, as Parquet and CSV with the
 * columns of {@code vdiff score} plus {@code error}.
 *
 * <pre>
 * spark-submit --class dev.vdiff.spark.ScoreJob vdiff-spark-job.jar --data hdfs:///videos --out hdfs:///scores
 * vdiff score: 1200 clips in 3 chunks of 500, 2 tasks at a time
 * chunk 1/3: 500 clips in 41.2 s (12.1 clips/s), 700 to go, ETA 0:00:58
 * ...
 * scored 1198 of 1200 clips -> hdfs:///scores/scores.parquet, hdfs:///scores/scores.csv (percentile normalisation, 16 frames of 64x64)
 * not scored (2): broken.mp4 (unreadable: Invalid data found when processing input (avformat_open_input)); ...
 * </pre>
 *
 * <p>Two passes. Pass 1 scores the clips chunk by chunk ({@link ClipScorer}); each chunk is one Spark write with its
 * own commit, so a killed job keeps its finished chunks and a rerun with the same settings scores only the rest.
 * Pass 2 normalises over every scored clip ({@link CollectionNormalizer}) and publishes the two tables whole
 * ({@link OutputFolder}). Rows are in path order, like {@code vdiff score}'s CSV.
 */
public final class ScoreJob {
    /**
     * What the job computes. Exactly one of {@code data} (a folder) and {@code list} (a text or Parquet list of
     * URIs) is set.
     *
     * @param chunk         clips per committed chunk of pass 1 (what a killed job can lose at most)
     * @param clipsPerTask  clips per Spark task (what a failed task retries)
     */
    public record Settings(String data, String list, String out, int frames, int stride, int height, int width,
                           ScoreNormalization normalization, int chunk, int clipsPerTask) {
        public Settings {
            if ((data == null) == (list == null)) throw new UserError("give exactly one of --data DIR and --list FILE");
            if (out == null || out.isBlank()) throw new UserError("--out is required");
            if (frames < 3) throw new UserError("--frames must be at least 3 (motion coherence compares two consecutive flows), got " + frames);
            if (stride < 1) throw new UserError("--stride must be at least 1, got " + stride);
            if (height < 8 || width < 8) throw new UserError("--height and --width must be at least 8, got " + height + " and " + width);
            if (chunk < 1) throw new UserError("--chunk must be at least 1, got " + chunk);
            if (clipsPerTask < 1) throw new UserError("--clips-per-task must be at least 1, got " + clipsPerTask);
        }

        /** The settings that change the result (not the task size): a rerun must repeat them to resume. */
        String owner() {
            return "vdiff spark score\n" + (data != null ? "data=" + data : "list=" + list) + "\nframes=" + frames + "\nstride=" + stride
                + "\nheight=" + height + "\nwidth=" + width + "\nnormalize=" + normalization.cliName + "\nchunk=" + chunk + "\n";
        }
    }

    /**
     * What a run did: clips in the collection, clips scored, chunks scored by this run (not resumed), and the
     * first 20 clips not scored (path and reason; the table's {@code error} column has them all).
     */
    public record Summary(long clips, long scored, int chunksRun, List<String> firstNotScored) {}

    private ScoreJob() {}

    public static void main(String[] args) {
        System.exit(ScoreJobCli.run(args));
    }

    /** Runs (or resumes, or finds complete) the job on {@code spark}; progress lines go to {@code log}. */
    public static Summary run(SparkSession spark, Settings s, PrintStream log) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        OutputFolder out = OutputFolder.claim(s.out(), conf, s.owner());
        Dataset<Row> table;
        int chunksRun = 0;
        if (out.exists(out.published(OutputFolder.SCORES_PARQUET)) && out.exists(out.published(OutputFolder.SCORES_CSV))) {
            log.println("vdiff score: " + out.root() + " is already complete; nothing to do");
            table = spark.read().schema(ScoreColumns.SCORES).parquet(out.published(OutputFolder.SCORES_PARQUET).toString());
        } else {
            long clips = inputs(spark, s, out);
            chunksRun = scoreChunks(spark, s, out, clips, log);
            publish(out, normalise(spark, s, out, clips));
            table = spark.read().schema(ScoreColumns.SCORES).parquet(out.published(OutputFolder.SCORES_PARQUET).toString());
        }
        Row counts = table.agg(functions.count(functions.lit(1)), functions.count(ScoreColumns.ERROR)).first();
        long clips = counts.getLong(0), failures = counts.getLong(1);
        List<String> some = new ArrayList<>();
        if (failures > 0) {
            for (Row r : table.where(functions.col(ScoreColumns.ERROR).isNotNull()).orderBy(ScoreColumns.PATH)
                     .select(ScoreColumns.PATH, ScoreColumns.ERROR).limit(20).collectAsList()) {
                some.add(r.getString(0) + " (" + r.getString(1) + ")");
            }
        }
        Summary summary = new Summary(clips, clips - failures, chunksRun, List.copyOf(some));
        log.println("scored " + summary.scored() + " of " + clips + " clips -> " + out.published(OutputFolder.SCORES_PARQUET) + ", "
            + out.published(OutputFolder.SCORES_CSV) + " (" + s.normalization().cliName + " normalisation, " + s.frames() + " frames of "
            + s.height() + "x" + s.width() + ")");
        if (failures > 0) {
            log.println("not scored (" + failures + "): " + String.join("; ", some) + (failures > some.size() ? "; ... (see the error column)" : ""));
        }
        return summary;
    }

    /** The number of clips; the list is stored by the first run and read back by every rerun. */
    private static long inputs(SparkSession spark, Settings s, OutputFolder out) throws IOException {
        if (!out.committed(out.inputs())) ClipList.write(spark, s, out.inputs().toString());
        Row ids = spark.read().schema(ScoreColumns.INPUTS).parquet(out.inputs().toString())
            .agg(functions.count(ScoreColumns.ID), functions.min(ScoreColumns.ID), functions.max(ScoreColumns.ID)).first();
        long n = ids.getLong(0);
        if (n == 0 || ids.getLong(1) != 0 || ids.getLong(2) != n - 1) throw new IllegalStateException(out.inputs() + ": clip ids are not 0.." + (n - 1));
        return n;
    }

    /** Pass 1: every chunk not yet committed; returns how many chunks this run scored. */
    private static int scoreChunks(SparkSession spark, Settings s, OutputFolder out, long clips, PrintStream log) throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<String, String> conf = new HashMap<>();
        spark.sparkContext().hadoopConfiguration().forEach(e -> conf.put(e.getKey(), e.getValue()));
        Broadcast<Map<String, String>> hadoopConf = jsc.broadcast(conf);
        ClipScorer scorer = new ClipScorer(new ClipScorer.Sampling(s.frames(), s.stride(), s.height(), s.width()), hadoopConf);
        Dataset<Row> inputs = spark.read().schema(ScoreColumns.INPUTS).parquet(out.inputs().toString());

        int chunks = chunks(clips, s);
        List<Integer> todo = new ArrayList<>();
        for (int k = 0; k < chunks; k++) if (!out.committed(out.chunk(k))) todo.add(k);
        log.println("vdiff score: " + clips + " clips in " + chunks + " chunk(s) of up to " + s.chunk()
            + (todo.size() < chunks ? ", " + (chunks - todo.size()) + " already done (resuming)" : "")
            + ", " + jsc.defaultParallelism() + " task(s) at a time");
        long left = 0;
        for (int k : todo) left += size(k, clips, s);
        long start = System.nanoTime(), done = 0;
        for (int k : todo) {
            long lo = (long) k * s.chunk(), n = size(k, clips, s);
            int tasks = (int) ((n + s.clipsPerTask() - 1) / s.clipsPerTask());
            JavaRDD<Row> raw = inputs.where(functions.col(ScoreColumns.ID).geq(lo).and(functions.col(ScoreColumns.ID).lt(lo + n)))
                .repartition(tasks).javaRDD().mapPartitions(scorer);
            // One file per chunk: the scores are small; the shuffle into one partition happens after the scoring.
            spark.createDataFrame(raw, ScoreColumns.RAW).repartition(1).write().mode(SaveMode.Overwrite).parquet(out.chunk(k).toString());
            done += n;
            double seconds = (System.nanoTime() - start) / 1e9, rate = done / seconds;
            log.printf("chunk %d/%d: %d clips, %.1f clips/s this run, %d to go, ETA %s%n", k + 1, chunks, n, rate, left - done,
                eta((left - done) / rate));
        }
        return todo.size();
    }

    private static int chunks(long clips, Settings s) {
        return (int) ((clips + s.chunk() - 1) / s.chunk());
    }

    private static long size(int k, long clips, Settings s) {
        return Math.min(clips, (long) (k + 1) * s.chunk()) - (long) k * s.chunk();
    }

    /** Pass 2: every raw row with its normalised scores, in path order, with {@code id} dropped. */
    private static Dataset<Row> normalise(SparkSession spark, Settings s, OutputFolder out, long clips) {
        int chunks = chunks(clips, s);
        String[] dirs = new String[chunks];
        for (int k = 0; k < chunks; k++) dirs[k] = out.chunk(k).toString();
        Dataset<Row> raw = spark.read().schema(ScoreColumns.RAW).parquet(dirs);
        List<Row> scored = raw.where(functions.col(ScoreColumns.ERROR).isNull()).select(ScoreColumns.MQ_RAW, ScoreColumns.VQ_RAW).collectAsList();
        double[][] rawScores = new double[2][scored.size()];
        for (int i = 0; i < scored.size(); i++) {
            rawScores[0][i] = scored.get(i).getDouble(0);
            rawScores[1][i] = scored.get(i).getDouble(1);
        }
        if (scored.isEmpty()) {
            // Nothing to fit on: the table still lists every clip with its error, and the driver says so.
            rawScores = new double[][] {{0.5}, {0.5}};
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<double[][]> b = jsc.broadcast(rawScores);
        JavaRDD<Row> normalised = raw.javaRDD().mapPartitions(new CollectionNormalizer(b, s.normalization()));
        return spark.createDataFrame(normalised, ScoreColumns.SCORES_WITH_ID).orderBy(ScoreColumns.ID).drop(ScoreColumns.ID);
    }

    /** Writes both tables to staging and renames each into place once complete. */
    private static void publish(OutputFolder out, Dataset<Row> table) throws IOException {
        var parquet = out.published(OutputFolder.SCORES_PARQUET);
        if (!out.exists(parquet)) {
            var staged = out.staging(OutputFolder.SCORES_PARQUET);
            table.write().mode(SaveMode.Overwrite).parquet(staged.toString());
            out.publishFolder(staged, parquet);
        }
        var csv = out.published(OutputFolder.SCORES_CSV);
        if (!out.exists(csv)) {
            var staged = out.staging(OutputFolder.SCORES_CSV);
            // One file, sorted, RFC 4180 quoting (a quote doubles), empty fields for the scores of error rows.
            table.coalesce(1).sortWithinPartitions(ScoreColumns.PATH).write().mode(SaveMode.Overwrite)
                .option("header", "true").option("escape", "\"").csv(staged.toString());
            out.publishSingleFile(staged, ".csv", csv);
        }
    }

    private static String eta(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long t = Math.round(seconds);
        return String.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    }
}
