package dev.vdiff.spark;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.tqd.ScoreNormalization;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The job's command line (spark-submit's application arguments): the flags of {@code vdiff score} where they
 * mean the same, plus {@code --list}, {@code --chunk} and {@code --clips-per-task}. Bad flags and bad input are
 * one line on standard error and exit code 2; a failed Spark job keeps its stack trace (exit code 1).
 */
@Command(name = "vdiff-spark-score", mixinStandardHelpOptions = true,
    description = "Scores motion quality (MQ) and visual quality (VQ) of every clip of a collection on Spark, like vdiff score; writes Parquet and CSV.")
final class ScoreJobCli implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "folder of videos, searched recursively (any Hadoop URI: file://, hdfs://, s3a://)")
    String data;

    @Option(names = "--list", paramLabel = "FILE", description = "text file of one URI a line, or Parquet with a string column 'uri'")
    String list;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (new, empty, or this job's own to resume)")
    String out;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "16", description = "frames per clip (>= 3); default ${DEFAULT-VALUE}")
    int frames;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "1", description = "take every N-th frame; default ${DEFAULT-VALUE}")
    int stride;

    @Option(names = "--height", paramLabel = "H", defaultValue = "64", description = "scored height in pixels; default ${DEFAULT-VALUE}")
    int height;

    @Option(names = "--width", paramLabel = "W", defaultValue = "64", description = "scored width in pixels; default ${DEFAULT-VALUE}")
    int width;

    @Option(names = "--normalize", paramLabel = "HOW", defaultValue = "percentile",
        description = "percentile (clip to the 1st-99th percentiles, min-max) or rank (empirical CDF); default ${DEFAULT-VALUE}")
    String normalize;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "20000",
        description = "clips per committed chunk: a killed job loses at most the chunks in flight; default ${DEFAULT-VALUE}")
    int chunk;

    @Option(names = "--clips-per-task", paramLabel = "N", defaultValue = "16",
        description = "clips per Spark task: what a failed task retries; default ${DEFAULT-VALUE}")
    int clipsPerTask;

    /** Runs the command line on a SparkSession from spark-submit's settings; returns the exit code. */
    static int run(String[] args) {
        CommandLine cl = new CommandLine(new ScoreJobCli());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof UserError) {
                line.getErr().println("vdiff-spark-score: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        ScoreNormalization normalization;
        try {
            normalization = ScoreNormalization.parse(normalize);
        } catch (IllegalArgumentException e) {
            throw new UserError("--normalize: " + e.getMessage());
        }
        ScoreJob.Settings s = new ScoreJob.Settings(data, list, out, frames, stride, height, width, normalization, chunk, clipsPerTask);
        SparkSession spark = SparkSession.builder().appName("vdiff score").getOrCreate();
        try {
            ScoreJob.Summary summary = ScoreJob.run(spark, s, System.out);
            if (summary.scored() == 0) throw new UserError("no clip could be scored (every row of the table says why)");
            return 0;
        } finally {
            spark.stop();
        }
    }
}
