package dev.vdiff.reference.train;

import dev.vdiff.tensor.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The rules of a run folder ({@code RUN/run.json}, {@code RUN/checkpoints/}, ...), in one place so that every command
 * that makes or continues a run follows them:
 * <ul>
 *   <li>a new run goes into a folder that does not exist or is empty: vdiff never writes beside, over or instead of
 *       files it did not write ({@link #checkNew});</li>
 *   <li>a run folder whose run.json exists but that has no checkpoint yet (stopped before the first one) continues
 *       from step 0;</li>
 *   <li>checkpoint folders half-written by a killed process ({@code checkpoints/.step-*.tmp-*}) are removed when
 *       the run starts again ({@link Checkpoints#removeUnfinished});</li>
 *   <li>{@code --resume RUN --steps N} makes N part of the run: run.json is rewritten with it, so that a later
 *       {@code --resume RUN} continues to N ({@link #withSteps}).</li>
 * </ul>
 */
public final class RunFolder {
    private RunFolder() {}

    /** Refuses a folder that holds a run or anything else; checked before anything is written. */
    public static void checkNew(Path dir, String option) throws IOException {
        if (Files.exists(dir.resolve(RunSpec.FILE))) {
            throw new UserError(dir + " already holds a run; continue it with --resume " + dir + " or choose another " + option);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserError(option + " " + dir + " is a file, not a folder");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                Optional<Path> first = s.findFirst();
                if (first.isPresent()) {
                    throw new UserError(option + " " + dir + " is not empty (it holds " + first.get().getFileName() + "); vdiff writes a new run only into a new or empty folder");
                }
            }
        }
    }

    /**
     * The run with {@code steps} as its new total ({@code null}: unchanged). The caller writes it back to run.json
     * once the checkpoint has loaded, so that a later {@code --resume} continues to the new total.
     */
    public static RunSpec withSteps(RunSpec run, Long steps) {
        if (steps == null || steps == run.train().steps()) return run;
        try {
            return run.withTrain(run.train().withSteps(steps));
        } catch (IllegalArgumentException e) {
            throw new UserError("--steps: " + e.getMessage());
        }
    }
}
