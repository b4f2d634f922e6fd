package io.herald.cli;

import io.herald.client.AccessDeniedException;
import io.herald.error.HeraldException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * A command that failed: {@code herald: <message>} on one line, exit code 1. Herald's exceptions
 * carry the evidence in their message, so the stack trace is only printed with {@code --verbose}.
 */
final class FailureHandler implements IExecutionExceptionHandler {

    static final int EXIT_FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        Throwable cause = unwrap(ex);
        PrintWriter err = cmd.getErr();
        err.println("herald: " + message(cause));
        if (HeraldCommand.of(cmd.getCommandSpec()).verbose()) {
            cause.printStackTrace(err);
        } else if (!expected(cause)) {
            err.println("(an unexpected error; run again with --verbose for the stack trace)");
        }
        err.flush();
        return EXIT_FAILURE;
    }

    // Futures wrap what the broker threw; the user wants the broker's message, not the wrapper's.
    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean expected(Throwable t) {
        return t instanceof HeraldException || t instanceof UncheckedIOException || t instanceof java.io.IOException;
    }

    private static String message(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        String firstLine = message.lines().findFirst().orElse(message);
        if (t instanceof AccessDeniedException denied && denied.status() == 401) {
            // the server's own words are for HTTP clients ('send Authorization: Bearer'); say where the CLI takes it from
            return firstLine + " (give the CLI one of its tokens in " + HeraldCommand.TOKEN_ENVIRONMENT_VARIABLE + ")";
        }
        return t instanceof HeraldException ? firstLine : t.getClass().getSimpleName() + ": " + firstLine;
    }
}
