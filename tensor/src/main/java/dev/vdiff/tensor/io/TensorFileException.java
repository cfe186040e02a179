package dev.vdiff.tensor.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A tensor file that cannot be read: missing, truncated, hostile or in a form we do not support. The message
 * is one line, {@code <file>: <what is wrong>}, fit to show a user as is.
 */
public final class TensorFileException extends IOException {
    private final transient Path file;
    private final String problem;

    public TensorFileException(Path file, String problem) {
        super(file + ": " + oneLine(problem));
        this.file = file;
        this.problem = oneLine(problem);
    }

    public TensorFileException(Path file, String problem, Throwable cause) {
        this(file, problem);
        initCause(cause);
    }

    /** The file the problem is in. */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }

    private static String oneLine(String s) {
        String t = s == null ? "unknown problem" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return t.length() > 400 ? t.substring(0, 400) + "..." : t;
    }
}
