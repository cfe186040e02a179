package dev.vdiff.tensor.io;

import java.nio.file.Path;

/** Where a problem is: the file, and inside an .npz the entry; builds the one-line error. */
record Where(Path file, String entry) {
    static Where of(Path file) {
        return new Where(file, null);
    }

    Where entry(String name) {
        return new Where(file, name);
    }

    TensorFileException fail(String problem) {
        return new TensorFileException(file, entry == null ? problem : "entry '" + entry + "': " + problem);
    }

    TensorFileException fail(String problem, Throwable cause) {
        TensorFileException e = fail(problem);
        e.initCause(cause);
        return e;
    }
}
