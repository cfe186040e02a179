package dev.vdiff.reference.eval;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.io.AtomicWrite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A command's output folder ({@code vdiff demo --out X}, {@code vdiff experiment NAME --out X}), which the command
 * may fill again but never takes from the user. The command writes only into a new or empty folder, or into one
 * it wrote itself before, and owns only the top-level entries it names ({@code owned}: e.g. {@code report.md},
 * {@code samples}, {@code teacher}); whatever else lies in the folder is never touched.
 *
 * <p>The folder is marked by {@value #MARKER}, a text file:
 * <pre>
 * vdiff output folder: a rerun of the command below deletes and rewrites only the files listed here
 * command: vdiff experiment turbo
 * state: running            (while it runs; "finished" once it has written everything)
 * report.md                 (finished only: every file it wrote under its owned entries, one a line)
 * samples/full.gif
 * </pre>
 * When the command starts ({@link #claim}), before any work:
 * <ul>
 *   <li>a non-empty folder without the marker is refused, naming an entry in it;</li>
 *   <li>a folder marked by another command is refused, naming that command;</li>
 *   <li>a finished run's folder: a file under an owned entry that is not in the list (the user put it there) is
 *       refused, naming it; otherwise exactly the listed files are deleted (and the folders they leave empty), also
 *       listed files outside today's owned entries (a {@code vdiff sample} for other labels wrote other names);</li>
 *   <li>an unfinished run's folder (the command was killed): everything under the owned entries is the killed
 *       run's partial output and is deleted.</li>
 * </ul>
 * A rerun therefore starts over: the earlier run's results, sub-runs included (a teacher, students), are deleted
 * when the rerun starts; to keep them, choose another folder. Symbolic links are files here: a link is deleted,
 * never what it points to. {@link #finish} lists the files and marks the folder finished.
 */
public final class OutputFolder {
    public static final String MARKER = ".vdiff-output";
    private static final String HEADER = "vdiff output folder: a rerun of the command below deletes and rewrites only the files listed here";
    private static final String COMMAND = "command: ", STATE = "state: ", RUNNING = "running", FINISHED = "finished";
    /** Markers of earlier versions: the demo wrote {@code .vdiff-demo} (a header line, then the files when finished). */
    private static final Map<String, String> LEGACY = Map.of("vdiff demo", ".vdiff-demo");

    private final Path out;
    private final String command;
    private final List<String> owned;

    private OutputFolder(Path out, String command, List<String> owned) {
        this.out = out;
        this.command = command;
        this.owned = List.copyOf(owned);
    }

    /**
     * Checks {@code out} for {@code command} (e.g. {@code "vdiff demo"}), deletes its earlier run's files and marks
     * the folder as running; throws {@link UserError} (one line naming the file) before touching anything when the
     * folder holds something the command did not write.
     */
    public static OutputFolder claim(Path out, String command, List<String> owned) throws IOException {
        for (String o : owned) {
            if (o.isEmpty() || o.contains("/") || o.contains("\\") || o.startsWith(".")) throw new IllegalArgumentException("owned entry must be a plain top-level name: " + o);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserError("--out " + out + " is a file, not a folder");
        OutputFolder f = new OutputFolder(out, command, owned);
        Path marker = out.resolve(MARKER);
        Path legacy = LEGACY.containsKey(command) ? out.resolve(LEGACY.get(command)) : null;
        Marker m = Files.isRegularFile(marker) ? Marker.read(marker) : legacy != null && Files.isRegularFile(legacy) ? Marker.readLegacy(legacy, command) : null;
        if (m == null && Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                Path first = s.sorted().findFirst().orElse(null);
                if (first != null) {
                    throw new UserError("--out " + out + " is not empty and was not written by " + command + " (it holds " + first.getFileName()
                        + "); " + command + " writes only into a new or empty folder, or one it wrote before");
                }
            }
        }
        if (m != null) {
            if (!m.command.equals(command)) {
                throw new UserError("--out " + out + " was written by " + m.command + ", not by " + command + "; choose another folder");
            }
            List<Path> present = f.ownedFiles();
            if (m.finished) {
                for (Path p : present) {
                    if (!m.files.contains(f.relative(p))) throw new UserError(p + " was not written by " + command + "; move it out of " + out + " or choose another --out");
                }
            }
            for (Path p : present) Files.delete(p);
            for (String o : owned) deleteEmptyFolders(out.resolve(o));
            // Listed files outside today's owned entries (an earlier `vdiff sample` wrote other names) are the command's too.
            Path root = out.toAbsolutePath().normalize(), realRoot = out.toRealPath();
            for (String listed : m.files) {
                Path p = root.resolve(listed).normalize();
                if (!p.startsWith(root) || p.equals(root) || p.getFileName().toString().equals(MARKER)) continue;
                // never through a linked folder: what it points to is not the command's
                if (!Files.isDirectory(p.getParent()) || !p.getParent().toRealPath().startsWith(realRoot)
                    || !realRoot.relativize(p.getParent().toRealPath()).equals(root.relativize(p.getParent()))) continue;
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                    for (Path d = p.getParent(); !d.equals(root) && isEmptyFolder(d); d = d.getParent()) Files.delete(d);
                }
            }
            if (legacy != null) Files.deleteIfExists(legacy);
        }
        Files.createDirectories(out);
        f.writeMarker(RUNNING, List.of());
        return f;
    }

    /** Lists every file under the owned entries in the marker and marks the folder finished. */
    public void finish() throws IOException {
        List<String> files = new ArrayList<>();
        for (Path p : ownedFiles()) files.add(relative(p));
        writeMarker(FINISHED, files);
    }

    /**
     * The top-level entries of {@code out} that are neither owned nor the marker: after a command has run into a new
     * folder, none (its tests check that its owned list names everything it writes).
     */
    public static List<String> unownedEntries(Path out, List<String> owned) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(MARKER) && !owned.contains(n)).sorted().toList();
        }
    }

    /** The folder. */
    public Path path() {
        return out;
    }

    private void writeMarker(String state, List<String> files) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n').append(COMMAND).append(command).append('\n').append(STATE).append(state).append('\n');
        for (String s : files) sb.append(s).append('\n');
        AtomicWrite.writeFile(out.resolve(MARKER), tmp -> Files.writeString(tmp, sb));
    }

    /** The regular files (and links) under the owned entries, sorted. */
    private List<Path> ownedFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String o : owned) {
            Path p = out.resolve(o);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
            try (Stream<Path> s = Files.walk(p)) {
                s.filter(q -> !Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS)).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private String relative(Path f) {
        return dev.vdiff.reference.data.FolderPaths.relative(out, f);
    }

    private static void deleteEmptyFolders(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                if (!Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS)) continue;
                try (Stream<Path> inside = Files.list(q)) {
                    if (inside.findAny().isEmpty()) Files.delete(q);
                }
            }
        }
    }

    private static boolean isEmptyFolder(Path d) throws IOException {
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) return false;
        try (Stream<Path> inside = Files.list(d)) {
            return inside.findAny().isEmpty();
        }
    }

    /** A parsed marker: which command wrote the folder, whether it finished, and the files it listed. */
    private record Marker(String command, boolean finished, Set<String> files) {
        static Marker read(Path marker) throws IOException {
            List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
            if (lines.size() < 3 || !lines.get(1).startsWith(COMMAND) || !lines.get(2).startsWith(STATE)) {
                throw new UserError(marker + " is not a vdiff output-folder marker this version can read; choose another --out");
            }
            String state = lines.get(2).substring(STATE.length());
            return new Marker(lines.get(1).substring(COMMAND.length()), state.equals(FINISHED), new HashSet<>(lines.subList(3, lines.size())));
        }

        /** {@code .vdiff-demo}: a header line; when the demo had finished, the files after it. */
        static Marker readLegacy(Path marker, String command) throws IOException {
            List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
            return new Marker(command, lines.size() > 1, new HashSet<>(lines.subList(Math.min(1, lines.size()), lines.size())));
        }
    }
}
