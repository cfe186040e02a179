package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Checks a command's {@code --out} before the command works (minutes of sampling or scoring must not end in
 * "cannot write"), naming the real problem, and refuses to overwrite what the command did not write.
 */
final class OutputCheck {
    private OutputCheck() {}

    /**
     * {@code out} must be a file path in an existing, writable folder; an existing file is replaced only if its
     * first line starts with {@code ownHeader} (the command wrote it).
     */
    static void file(Path out, String option, String writer, String ownHeader) throws IOException {
        file(out, option, writer, p -> {
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String first = r.readLine();
                return first != null && first.startsWith(ownHeader);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * {@code out} must be a file path in an existing, writable folder; an existing file is replaced only if
     * {@code own} says the command wrote it ({@code p -> false}: never).
     */
    static void file(Path out, String option, String writer, Predicate<Path> own) throws IOException {
        if (Files.isDirectory(out)) throw new UserError(option + " " + out + " is a folder; give a file name");
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) throw new UserError(option + " " + out + ": the folder " + parent + " does not exist");
        if (!Files.isWritable(parent)) throw new UserError(option + " " + out + ": the folder " + parent + " is not writable");
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !own.test(out)) {
            throw new UserError(option + " " + out + " exists and was not written by " + writer + "; choose another file");
        }
    }

    /**
     * {@code out} must be a new or empty folder, or one that already holds {@code ownFile} (an earlier output of
     * the same command, whose files it may replace); its parent must be writable.
     */
    static void folder(Path out, String option, String ownFile, String command) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserError(option + " " + out + " is a file; give a folder");
        if (Files.isDirectory(out)) {
            if (!Files.isWritable(out)) throw new UserError(option + " " + out + " is not writable");
            if (Files.exists(out.resolve(ownFile))) return;
            try (Stream<Path> s = Files.list(out)) {
                Path first = s.findFirst().orElse(null);
                if (first != null) throw new UserError(option + " " + out + " is not empty (it holds " + first.getFileName() + ") and holds no earlier " + command + " output; choose a new or empty folder");
            }
            return;
        }
        Path p = out.toAbsolutePath().getParent();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) throw new UserError(option + " " + out + ": cannot create it under " + p);
    }
}
