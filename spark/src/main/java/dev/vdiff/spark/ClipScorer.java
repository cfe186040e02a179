package dev.vdiff.spark;

import dev.vdiff.reference.data.VideoFolder;
import dev.vdiff.reference.eval.DenseFlow;
import dev.vdiff.reference.tqd.score.ClipQuality;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.UserError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pass 1, on the executors: one clip in ({@link ScoreColumns#INPUTS} row), one raw row out ({@link ScoreColumns#RAW}),
 * computed exactly as {@code vdiff score} computes it: {@link VideoFolder#read} then {@link ClipQuality#of}.
 *
 * <p>FFmpeg reads local files, so a clip on another file system (hdfs://, s3a://) is first copied through Hadoop
 * to a temporary file in the executor's work folder ({@link SparkFiles#getRootDirectory()}) and deleted after;
 * a {@code file:} clip is read in place.
 *
 * <p>What becomes a row, what fails the task:
 * <ul>
 *   <li>a missing file, a folder, a bad URI, a file FFmpeg cannot decode, a clip the scorers reject: a row whose
 *       {@code error} says why (the clip's bytes are the problem; retrying would not help);</li>
 *   <li>an unexpected exception in the scorers: a row {@code internal error: ...}, its stack trace in the
 *       executor log (one odd clip must not stop a collection of millions; the driver reports the count);</li>
 *   <li>an I/O error while copying from the file system, or OpenCV natives that cannot load: the task fails, so
 *       Spark retries it (spark.task.maxFailures) and, failing that, the job stops before the chunk is
 *       committed; a rerun resumes at that chunk. A transient read error never becomes a permanent row.</li>
 * </ul>
 */
final class ClipScorer implements FlatMapFunction<Iterator<Row>, Row> {
    private static final Logger LOG = LoggerFactory.getLogger(ClipScorer.class);

    /** What {@code vdiff score}'s {@code --frames --stride --height --width} mean (see {@link VideoFolder.Options}). */
    record Sampling(int frames, int stride, int height, int width) implements Serializable {
        VideoFolder.Options options() {
            return new VideoFolder.Options(frames, height, width, stride, null);
        }
    }

    private final Sampling sampling;
    private final Broadcast<Map<String, String>> hadoopConf;

    ClipScorer(Sampling sampling, Broadcast<Map<String, String>> hadoopConf) {
        this.sampling = sampling;
        this.hadoopConf = hadoopConf;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> inputs) throws IOException {
        DenseFlow.init();   // natives missing on this executor: fail the task, not every clip
        Configuration conf = new Configuration(false);
        hadoopConf.value().forEach(conf::set);
        VideoFolder.Options options = sampling.options();
        List<Row> out = new ArrayList<>();
        while (inputs.hasNext()) {
            Row in = inputs.next();
            out.add(score(in.getLong(0), in.getString(1), in.getString(2), options, conf));
        }
        return out.iterator();
    }

    private static Row score(long id, String uri, String path, VideoFolder.Options options, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path file;
        FileSystem fs;
        try {
            file = new org.apache.hadoop.fs.Path(uri);
            fs = file.getFileSystem(conf);
        } catch (IllegalArgumentException | IOException e) {
            // A malformed URI or a scheme with no file system: the list is wrong, not the cluster.
            return failed(id, path, "bad URI: " + oneLine(e));
        }
        Path local;
        boolean copied = !(fs instanceof LocalFileSystem);
        try {
            local = copied ? copyToLocal(fs, file) : ((LocalFileSystem) fs).pathToFile(file).toPath();
        } catch (FileNotFoundException e) {
            return failed(id, path, "not found: " + uri);
        }
        try {
            if (!Files.isRegularFile(local)) return failed(id, path, Files.exists(local) ? "not a file: " + uri : "not found: " + uri);
            Tensor video;
            try {
                video = VideoFolder.read(local, options);
            } catch (IOException e) {
                return failed(id, path, "unreadable: " + oneLine(e));
            }
            ClipQuality q;
            try {
                q = ClipQuality.of(video);
            } catch (UserError e) {
                return failed(id, path, oneLine(e));
            } catch (RuntimeException e) {
                LOG.error("vdiff: internal error scoring " + uri, e);
                return failed(id, path, "internal error: " + e.getClass().getName() + ": " + oneLine(e) + " (stack trace in the executor log)");
            }
            Object[] values = new Object[ScoreColumns.RAW.size()];
            values[0] = id;
            values[1] = path;
            for (int i = 0; i < ScoreColumns.MEASURES.size(); i++) values[2 + i] = ScoreColumns.measure(ScoreColumns.MEASURES.get(i), q);
            values[values.length - 1] = null;
            return RowFactory.create(values);
        } finally {
            if (copied) Files.deleteIfExists(local);
        }
    }

    /** Copies {@code file} to a new temporary file (same extension: FFmpeg may guess the format from it). */
    private static Path copyToLocal(FileSystem fs, org.apache.hadoop.fs.Path file) throws IOException {
        String name = file.getName();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        Path temp = Files.createTempFile(Path.of(SparkFiles.getRootDirectory()), "vdiff-clip-", ext);
        try (FSDataInputStream in = fs.open(file)) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            return temp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static Row failed(long id, String path, String why) {
        Object[] values = new Object[ScoreColumns.RAW.size()];
        values[0] = id;
        values[1] = path;
        values[values.length - 1] = why;
        return RowFactory.create(values);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ').replace('\r', ' ').strip();
    }
}
