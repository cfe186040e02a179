package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;

import java.io.IOException;

/**
 * The command line's boundary for library calls that check what the user gave (a run folder, a checkpoint, a
 * combination of flags) with {@link IllegalArgumentException}: inside {@link #check} such an exception can only
 * mean bad input, so it becomes a one-line {@link UserError}. Everywhere else an {@code IllegalArgumentException}
 * is a bug and keeps its stack trace ({@link Vdiff}).
 */
final class UserInput {
    private UserInput() {}

    /** A call that may throw {@link IOException}. */
    @FunctionalInterface
    interface Call<T> {
        T get() throws IOException;
    }

    /** {@code body}'s result; its {@link IllegalArgumentException} becomes a {@link UserError} with the same message (prefixed by {@code what} when not null). */
    static <T> T check(String what, Call<T> body) throws IOException {
        try {
            return body.get();
        } catch (IllegalArgumentException e) {
            throw new UserError(what == null ? e.getMessage() : what + ": " + e.getMessage(), e);
        }
    }
}
