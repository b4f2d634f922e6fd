package io.herald.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Wrong arguments: one line saying what is wrong and one naming the help to read, instead of
 * picocli's full usage text, which pushes the error itself off the screen. Exit code 2.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("herald: " + message(ex));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String message(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException unmatched)) {
            return ex.getMessage();
        }
        CommandLine cmd = unmatched.getCommandLine();
        String first = unmatched.getUnmatched().isEmpty() ? "" : unmatched.getUnmatched().getFirst();
        String message = !cmd.getSubcommands().isEmpty() && !first.startsWith("-")
                ? "unknown command '" + first + "' for '" + cmd.getCommandSpec().qualifiedName() + "'"
                : ex.getMessage();
        var suggestions = unmatched.getSuggestions();
        return suggestions.isEmpty() ? message : message + "; did you mean " + String.join(" or ", suggestions) + "?";
    }
}
