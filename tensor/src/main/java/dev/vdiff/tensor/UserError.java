package dev.vdiff.tensor;

/**
 * A problem with what the user gave us (a flag, a file, a tensor's shape or dtype), as opposed to a bug in vdiff.
 * Library code anywhere (tensor, diffusion, verification, reference) throws it where the input is at fault; the
 * command line prints its message as one line without a stack trace and exits with code 2. Every other
 * exception is treated as an internal error and keeps its stack trace.
 *
 * <p>It lives in {@code tensor}, the lowest module, so that every module may throw it without depending on the
 * command line ({@code docs/ARCHITECTURE.md}).
 */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
