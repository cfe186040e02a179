package dev.vdiff.reference.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How files of a data folder are named in CSVs, reports and run files: by their path relative to the folder with
 * forward slashes (the same text on every OS), and recognised by their lower-case extension.
 */
public final class FolderPaths {
    private FolderPaths() {}

    /** {@code file} relative to {@code dir}, with {@code /} as separator. */
    public static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }

    /** The file name's extension in lower case, without the dot ("" when there is none). */
    public static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
