package dev.vdiff.spark;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.VideoFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;

/**
 * The clips a job scores, found once and stored with the job ({@code _vdiff/inputs}, {@link ScoreColumns#INPUTS}),
 * so that a rerun scores the same clips in the same chunks even if the folder has changed since.
 *
 * <ul>
 *   <li>a folder ({@code --data}): its video files found recursively, as {@code vdiff score} finds them (the
 *       extensions of {@link VideoFolder#EXTENSIONS}, hidden files skipped); {@code path} is relative to the
 *       folder, like {@code vdiff score}'s CSV. The driver lists the folder (one file system listing). Unlike
 *       {@code vdiff score}, a {@code captions.csv} in the folder does not select clips: every video file is
 *       scored.</li>
 *   <li>a list ({@code --list}): a text file of one URI a line (blank lines and {@code #} comments skipped), or
 *       Parquet (a {@code .parquet} file or a folder) with a string column {@code uri}; {@code path} is the URI
 *       as given. A URI without scheme is on the default file system ({@code fs.defaultFS}). The list is read,
 *       checked and numbered by Spark, never held by the driver.</li>
 * </ul>
 * Clips are sorted by {@code path}; {@code id} is the position in that order. A path listed twice is an error.
 */
final class ClipList {
    private static final StructType URI_PATH = new StructType()
        .add(ScoreColumns.URI, DataTypes.StringType, false)
        .add(ScoreColumns.PATH, DataTypes.StringType, false);

    private ClipList() {}

    /** Finds the clips of {@code s}'s input and writes them, numbered, to {@code inputs} (one Spark commit). */
    static void write(SparkSession spark, ScoreJob.Settings s, String inputs) throws IOException {
        Dataset<Row> clips = s.data() != null ? folder(spark, s.data()) : list(spark, s.list());
        String source = s.data() != null ? "--data " + s.data() : "--list " + s.list();
        List<String> twice = new ArrayList<>();
        for (Row r : clips.groupBy(ScoreColumns.PATH).count().where(col("count").gt(1)).orderBy(ScoreColumns.PATH).limit(5).collectAsList()) {
            twice.add(r.getString(0));
        }
        if (!twice.isEmpty()) throw new UserError(source + " names a clip more than once: " + String.join(", ", twice));
        // Sorted by path, then numbered in that order (zipWithIndex follows the sorted partitions).
        JavaRDD<Row> numbered = clips.orderBy(ScoreColumns.PATH).javaRDD().zipWithIndex()
            .map(t -> RowFactory.create(t._2(), t._1().getString(0), t._1().getString(1)));
        spark.createDataFrame(numbered, ScoreColumns.INPUTS).write().mode(SaveMode.Overwrite).parquet(inputs);
    }

    /** The video files under {@code dir}, on any Hadoop file system, as (uri, path relative to dir). */
    private static Dataset<Row> folder(SparkSession spark, String dir) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        root = fs.makeQualified(root);
        try {
            if (!fs.getFileStatus(root).isDirectory()) throw new UserError("--data " + dir + " is not a folder (give a folder of videos, or a list with --list)");
        } catch (FileNotFoundException e) {
            throw new UserError("--data " + dir + " does not exist");
        }
        String prefix = root.toUri().getPath();
        if (!prefix.endsWith("/")) prefix += "/";
        List<Row> found = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String name = f.getPath().getName();
            if (!f.isFile() || name.startsWith(".") || !VideoFolder.EXTENSIONS.contains(extension(name))) continue;
            String p = f.getPath().toUri().getPath();
            if (!p.startsWith(prefix)) throw new IllegalStateException("listed " + p + " outside " + prefix);
            found.add(RowFactory.create(f.getPath().toString(), p.substring(prefix.length())));
        }
        if (found.isEmpty()) throw new UserError("no video files in " + dir + " (" + String.join(", ", new java.util.TreeSet<>(VideoFolder.EXTENSIONS)) + ")");
        int slices = Math.max(1, found.size() / 100_000);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(found, slices), URI_PATH);
    }

    /** The URIs of a text or Parquet list, as (uri, path = uri). */
    private static Dataset<Row> list(SparkSession spark, String list) throws IOException {
        Path file = new Path(list);
        FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
        boolean parquet;
        try {
            parquet = fs.getFileStatus(file).isDirectory() || list.toLowerCase(Locale.ROOT).endsWith(".parquet");
        } catch (FileNotFoundException e) {
            throw new UserError("--list " + list + " does not exist");
        }
        Dataset<Row> uris;
        if (parquet) {
            Dataset<Row> data = spark.read().parquet(list);
            StructField uri = null;
            for (StructField f : data.schema().fields()) if (f.name().equals(ScoreColumns.URI)) uri = f;
            if (uri == null || !uri.dataType().equals(DataTypes.StringType)) {
                throw new UserError("--list " + list + ": a Parquet list needs a string column 'uri', got columns " + data.schema().simpleString());
            }
            uris = data.select(trim(col(ScoreColumns.URI)).as(ScoreColumns.URI));
            long empty = uris.where(col(ScoreColumns.URI).isNull().or(col(ScoreColumns.URI).equalTo(""))).count();
            if (empty > 0) throw new UserError("--list " + list + ": " + empty + " row(s) have a null or empty uri");
        } else {
            uris = spark.read().text(list).select(trim(col("value")).as(ScoreColumns.URI))
                .where(col(ScoreColumns.URI).notEqual("").and(not(col(ScoreColumns.URI).startsWith("#"))));
        }
        Dataset<Row> clips = uris.select(col(ScoreColumns.URI), col(ScoreColumns.URI).as(ScoreColumns.PATH));
        if (clips.isEmpty()) throw new UserError("--list " + list + " names no clip");
        return clips;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
