package io.herald.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code herald}, {@code herald topics}): run alone, it is a usage error. */
abstract class CommandGroup implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // The map also holds aliases as keys; list each subcommand once, by its own name.
        String names = String.join(", ", spec.subcommands().values().stream()
                .map(CommandLine::getCommandName).distinct().toList());
        throw new ParameterException(spec.commandLine(), "missing command; choose one of: " + names);
    }
}
