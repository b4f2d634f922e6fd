package io.herald.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code herald} in this JVM, as {@link HeraldCommand#main} would, capturing what it prints. */
final class Cli {

    private final Path data;

    /** Every command gets {@code --data data}. */
    Cli(Path data) {
        this.data = data;
    }

    Result run(String... args) {
        return runWithStdin("", args);
    }

    Result runWithStdin(String stdin, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--data");
        all.add(data.toString());
        return execute(stdin, Map.of(), all.toArray(String[]::new));
    }

    /** Without the {@code --data} option: as a user types it, with the given environment. */
    static Result execute(String stdin, Map<String, String> environment, String... args) {
        return execute(stdin.getBytes(StandardCharsets.UTF_8), environment, args);
    }

    /** With {@code --data data} and stdin as the bytes given: input that is not text. */
    static Result executeBytes(byte[] stdin, Path data, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--data");
        all.add(data.toString());
        return execute(stdin, Map.of(), all.toArray(String[]::new));
    }

    private static Result execute(byte[] stdin, Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        HeraldCommand root = new HeraldCommand(new ByteArrayInputStream(stdin), environment);
        CommandLine cmd = HeraldCommand.commandLine(root);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exitCode = cmd.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
