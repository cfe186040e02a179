package dev.vdiff.spark;

import dev.vdiff.tensor.UserError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The job's output folder ({@code --out}), on any Hadoop file system, and the rules that make a rerun safe:
 *
 * <pre>
 * OUT/_vdiff-score-job.txt      the settings that own this folder (written first; a rerun must match them)
 * OUT/_vdiff/inputs/            the clip list (Parquet, one Spark commit)
 * OUT/_vdiff/raw/chunk-00000/   pass 1, one Spark commit per chunk of clips (done = has _SUCCESS)
 * OUT/_vdiff/staging/           pass 2's tables while they are written
 * OUT/scores.parquet/           published by one rename once complete
 * OUT/scores.csv                published by one rename once complete
 * </pre>
 *
 * <p>The job deletes and overwrites only paths under a folder that carries its marker with the same settings:
 * a non-empty folder without the marker, or with other settings, is refused with one line. A chunk without
 * {@code _SUCCESS} (a killed run's leftovers, its {@code _temporary} folder) is rewritten from scratch by
 * Spark's overwrite mode; a committed chunk is kept. The final tables appear whole or not at all: they are
 * written to {@code _vdiff/staging} and renamed into place (atomic on HDFS and local disks; on S3 see
 * docs/SCALE.md).
 */
final class OutputFolder {
    static final String MARKER = "_vdiff-score-job.txt";
    static final String SCORES_PARQUET = "scores.parquet", SCORES_CSV = "scores.csv";

    private final FileSystem fs;
    private final Path root;

    private OutputFolder(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /**
     * Opens {@code out} for a job with these {@code settings} (one text that changes whenever the result would),
     * creating it and its marker if it is new or empty; refuses a folder that another job or anyone else wrote.
     */
    static OutputFolder claim(String out, Configuration conf, String settings) throws IOException {
        Path root = new Path(out);
        FileSystem fs = root.getFileSystem(conf);
        root = fs.makeQualified(root);
        Path marker = new Path(root, MARKER);
        FileStatus status = null;
        try {
            status = fs.getFileStatus(root);
        } catch (FileNotFoundException e) {
            // new folder
        }
        if (status != null) {
            if (!status.isDirectory()) throw new UserError("--out " + out + " is a file; give a folder (new, empty, or one this job wrote)");
            if (fs.exists(marker)) {
                String owner = read(fs, marker);
                if (!owner.equals(settings)) {
                    throw new UserError("--out " + out + " holds a scoring job with other settings (" + owner.strip().replace('\n', ' ')
                        + "); give another folder, or delete it to start over");
                }
                return new OutputFolder(fs, root);
            }
            // A killed first run may have left only its half-written marker: that folder is still empty.
            if (fs.listStatus(root, p -> !p.getName().equals(tempMarker().getName())).length > 0) {
                throw new UserError("--out " + out + " is not empty and was not written by this job (no " + MARKER + "); give a new or empty folder");
            }
        }
        fs.mkdirs(root);
        Path temp = new Path(root, tempMarker().getName());
        try (FSDataOutputStream o = fs.create(temp, true)) {
            o.write(settings.getBytes(StandardCharsets.UTF_8));
        }
        if (!fs.rename(temp, marker)) throw new IOException("cannot rename " + temp + " to " + marker);
        return new OutputFolder(fs, root);
    }

    private static Path tempMarker() {
        return new Path("." + MARKER + ".tmp");
    }

    Path root() {
        return root;
    }

    Path inputs() {
        return new Path(root, "_vdiff/inputs");
    }

    Path chunk(int k) {
        return new Path(root, String.format("_vdiff/raw/chunk-%05d", k));
    }

    Path staging(String name) {
        return new Path(root, "_vdiff/staging/" + name);
    }

    Path published(String name) {
        return new Path(root, name);
    }

    /** Whether a Spark write to {@code dir} committed (its {@code _SUCCESS} marker exists). */
    boolean committed(Path dir) throws IOException {
        return fs.exists(new Path(dir, "_SUCCESS"));
    }

    boolean exists(Path p) throws IOException {
        return fs.exists(p);
    }

    /** Moves the committed {@code staged} table (a folder) to {@code target} with one rename. */
    void publishFolder(Path staged, Path target) throws IOException {
        if (!committed(staged)) throw new IllegalStateException(staged + " has no _SUCCESS: not publishing it");
        if (!fs.rename(staged, target)) throw new IOException("cannot rename " + staged + " to " + target);
    }

    /** Moves the one data file of the committed, single-partition {@code staged} table to {@code target}. */
    void publishSingleFile(Path staged, String suffix, Path target) throws IOException {
        if (!committed(staged)) throw new IllegalStateException(staged + " has no _SUCCESS: not publishing it");
        FileStatus[] parts = fs.listStatus(staged, p -> p.getName().startsWith("part-") && p.getName().endsWith(suffix));
        if (parts.length != 1) throw new IllegalStateException(staged + " should hold one part-*" + suffix + " file, holds " + parts.length);
        if (!fs.rename(parts[0].getPath(), target)) throw new IOException("cannot rename " + parts[0].getPath() + " to " + target);
        fs.delete(staged, true);
    }

    private static String read(FileSystem fs, Path file) throws IOException {
        try (var in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
