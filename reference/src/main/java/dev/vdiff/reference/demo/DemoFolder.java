package dev.vdiff.reference.demo;

import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The demo's output folder, which the demo may fill again but never takes from the user: {@code vdiff demo --out X}
 * writes only into a new or empty folder, or into one an earlier demo wrote. The demo marks its folder with
 * {@value #MARKER}: while it runs the marker holds only its first line; when it has finished, the list of every
 * file it wrote. On the next demo into the same folder:
 * <ul>
 *   <li>a non-empty folder without the marker is refused (one line naming a file in it);</li>
 *   <li>a finished demo's folder: a file under {@link #OWNED} that is not in the list (a user put it there) is refused,
 *       naming it; otherwise exactly the listed files are deleted;</li>
 *   <li>an unfinished demo's folder (killed): the {@link #OWNED} entries are the demo's and are deleted.</li>
 * </ul>
 * Files outside {@link #OWNED} are never touched.
 */
final class DemoFolder {
    static final String MARKER = ".vdiff-demo";
    private static final String HEADER = "vdiff demo output folder: the demo deletes and rewrites only the files listed below";
    /** What a demo writes into its folder. */
    static final List<String> OWNED = List.of("run", "samples", "loss.png", "metrics.json", "report.md");

    private DemoFolder() {}

    /** Checks {@code out} and clears the previous demo's files; then marks the folder as a running demo's. */
    static void prepare(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserError("--out " + out + " is a file, not a folder");
        Path marker = out.resolve(MARKER);
        if (Files.isDirectory(out) && !Files.exists(marker)) {
            try (Stream<Path> s = Files.list(out)) {
                Path first = s.findFirst().orElse(null);
                if (first != null) {
                    throw new UserError("--out " + out + " is not empty and was not written by vdiff demo (it holds " + first.getFileName()
                        + "); the demo writes only into a new or empty folder");
                }
            }
        }
        if (Files.exists(marker)) {
            List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
            boolean finished = lines.size() > 1;
            Set<String> listed = new HashSet<>(lines.subList(Math.min(1, lines.size()), lines.size()));
            List<Path> present = ownedFiles(out);
            if (finished) {
                for (Path f : present) {
                    if (!listed.contains(relative(out, f))) {
                        throw new UserError(f + " was not written by vdiff demo; move it out of " + out + " or choose another --out");
                    }
                }
            }
            for (Path f : present) Files.delete(f);
            for (String o : OWNED) deleteEmptyFolders(out.resolve(o));
        }
        Files.createDirectories(out);
        AtomicWrite.writeFile(marker, tmp -> Files.writeString(tmp, HEADER + "\n"));
    }

    /** Lists every file the demo wrote in the marker (the demo has finished). */
    static void finish(Path out) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Path f : ownedFiles(out)) sb.append(relative(out, f)).append('\n');
        AtomicWrite.writeFile(out.resolve(MARKER), tmp -> Files.writeString(tmp, sb));
    }

    /** The regular files under the owned entries, sorted. */
    private static List<Path> ownedFiles(Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String o : OWNED) {
            Path p = out.resolve(o);
            if (!Files.exists(p)) continue;
            try (Stream<Path> s = Files.walk(p)) {
                s.filter(q -> !Files.isDirectory(q)).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static String relative(Path out, Path f) {
        return out.relativize(f).toString().replace('\\', '/');
    }

    private static void deleteEmptyFolders(Path p) throws IOException {
        if (!Files.isDirectory(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                try (Stream<Path> inside = Files.list(q)) {
                    if (inside.findAny().isEmpty()) Files.delete(q);
                }
            }
        }
    }
}
