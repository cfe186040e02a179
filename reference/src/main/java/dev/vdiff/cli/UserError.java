package dev.vdiff.cli;

/**
 * A problem with what the user gave us (a flag, a file, a shape): printed as one line without a stack
 * trace, exit code 2.
 */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
