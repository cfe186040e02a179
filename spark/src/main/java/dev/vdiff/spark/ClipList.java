package dev.vdiff.spark;

import dev.vdiff.cli.UserError;
import dev.vdiff.reference.data.VideoFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The clips a job scores, built once on the driver and then stored with the job ({@code _vdiff/inputs}), so that
 * a rerun scores the same clips in the same chunks even if the folder has changed since.
 *
 * <ul>
 *   <li>a folder ({@code --data}): its video files found recursively, as {@code vdiff score} finds them (the
 *       extensions of {@link VideoFolder#EXTENSIONS}, hidden files skipped); {@code path} is relative to the
 *       folder, like {@code vdiff score}'s CSV. Unlike {@code vdiff score}, a {@code captions.csv} in the folder
 *       does not select clips: every video file is scored.</li>
 *   <li>a list ({@code --list}): a text file of one URI a line (blank lines and {@code #} comments skipped), or
 *       Parquet (a {@code .parquet} file or a folder) with a string column {@code uri}; {@code path} is the URI
 *       as given. A URI without scheme is on the default file system ({@code fs.defaultFS}).</li>
 * </ul>
 * Clips are sorted by {@code path}; {@code id} is the position in that order. A path listed twice is an error.
 */
final class ClipList {
    /** One clip to score. */
    record Clip(long id, String uri, String path) implements Serializable {}

    private ClipList() {}

    /** The video files under {@code dir}, on any Hadoop file system. */
    static List<Clip> folder(String dir, Configuration conf) throws IOException {
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
        List<String[]> found = new ArrayList<>();   // {uri, path}
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String name = f.getPath().getName();
            if (!f.isFile() || name.startsWith(".") || !VideoFolder.EXTENSIONS.contains(extension(name))) continue;
            String p = f.getPath().toUri().getPath();
            if (!p.startsWith(prefix)) throw new IllegalStateException("listed " + p + " outside " + prefix);
            found.add(new String[] {f.getPath().toString(), p.substring(prefix.length())});
        }
        if (found.isEmpty()) throw new UserError("no video files in " + dir + " (" + String.join(", ", new java.util.TreeSet<>(VideoFolder.EXTENSIONS)) + ")");
        return numbered(found, "--data " + dir);
    }

    /** The URIs of a text or Parquet list. */
    static List<Clip> list(String list, SparkSession spark) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path file = new Path(list);
        FileSystem fs = file.getFileSystem(conf);
        boolean parquet;
        try {
            parquet = fs.getFileStatus(file).isDirectory() || list.toLowerCase(Locale.ROOT).endsWith(".parquet");
        } catch (FileNotFoundException e) {
            throw new UserError("--list " + list + " does not exist");
        }
        List<String[]> found = new ArrayList<>();
        if (parquet) {
            var data = spark.read().parquet(list);
            StructField uri = null;
            for (StructField f : data.schema().fields()) if (f.name().equals(ScoreColumns.URI)) uri = f;
            if (uri == null || !uri.dataType().equals(DataTypes.StringType)) {
                throw new UserError("--list " + list + ": a Parquet list needs a string column 'uri', got columns " + data.schema().simpleString());
            }
            int row = 0;
            for (Row r : data.select(ScoreColumns.URI).collectAsList()) {
                row++;
                String u = r.isNullAt(0) ? "" : r.getString(0).strip();
                if (u.isEmpty()) throw new UserError("--list " + list + ": row " + row + " has an empty uri");
                found.add(new String[] {u, u});
            }
        } else {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String u = line.strip();
                    if (!u.isEmpty() && !u.startsWith("#")) found.add(new String[] {u, u});
                }
            }
        }
        if (found.isEmpty()) throw new UserError("--list " + list + " names no clip");
        return numbered(found, "--list " + list);
    }

    private static List<Clip> numbered(List<String[]> found, String source) {
        found.sort(Comparator.comparing((String[] f) -> f[1]));
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (String[] f : found) if (!seen.add(f[1]) && twice.size() < 5) twice.add(f[1]);
        if (!twice.isEmpty()) throw new UserError(source + " names a clip more than once: " + String.join(", ", twice));
        List<Clip> clips = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) clips.add(new Clip(i, found.get(i)[0], found.get(i)[1]));
        return clips;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
