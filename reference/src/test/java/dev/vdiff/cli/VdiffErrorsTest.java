package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@code vdiff} reports a failure: a {@link UserError} is one line (exit 2); an I/O failure is one line that
 * names the file and where its stack trace was written (exit 2); anything else, an IllegalArgumentException
 * included, is an internal error with its stack trace (exit 3).
 */
class VdiffErrorsTest {
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        final Exception e;

        Boom(Exception e) {
            this.e = e;
        }

        @Override
        public Integer call() throws Exception {
            throw e;
        }
    }

    record Run(int code, String err) {}

    static Run run(Exception e) {
        CommandLine cl = new CommandLine(new Boom(e));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(Vdiff::handle);
        return new Run(cl.execute(), err.toString());
    }

    @Test
    void aUserErrorIsOneLine() {
        Run r = run(new UserError("--steps must be >= 1, got 0"));
        assertEquals(2, r.code());
        assertEquals("boom: error: --steps must be >= 1, got 0\n", r.err().replace("\r", ""));
    }

    @Test
    void anIllegalArgumentExceptionIsAnInternalErrorWithItsTrace() {
        Run r = run(new IllegalArgumentException("index 7 out of range"));
        assertEquals(3, r.code());
        assertTrue(r.err().startsWith("boom: internal error (please report): java.lang.IllegalArgumentException: index 7 out of range"), r.err());
        assertTrue(r.err().contains("\tat "), "stack trace printed: " + r.err());
    }

    @Test
    void anIoFailureIsOneLineAndItsTraceGoesToAFile() throws Exception {
        Run r = run(new NoSuchFileException("/no/such/clip.mp4"));
        assertEquals(2, r.code());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), r.err());
        assertTrue(line.startsWith("boom: error: no such file: /no/such/clip.mp4 (stack trace in "), line);
        Path trace = Path.of(line.substring(line.indexOf("stack trace in ") + 15, line.length() - 1));
        String traceDir = System.getProperty("vdiff.traceDir");    // the build's target/, so /tmp stays clean
        if (traceDir != null) assertTrue(trace.startsWith(Path.of(traceDir)), trace + " not under " + traceDir);
        try {
            assertTrue(Files.readString(trace).contains("NoSuchFileException"), trace.toString());
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    @Test
    void aRunFolderWithoutRunJsonIsAUserErrorNotACrash(@org.junit.jupiter.api.io.TempDir Path dir) {
        TrainSampleCliTest.Run r = TrainSampleCliTest.vdiff("sample", "--run", dir.toString(), "--out", dir.resolve("s").toString());
        TrainSampleCliTest.expectError(r, dir + " is not a training run");
    }
}
