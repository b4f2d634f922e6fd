package io.herald.cli;

import picocli.CommandLine.Command;

@Command(name = "topics",
        description = "Create, list, describe and delete topics.",
        subcommands = {TopicsCreateCommand.class, TopicsListCommand.class, TopicsDescribeCommand.class,
                TopicsDeleteCommand.class})
final class TopicsCommand extends CommandGroup {
}
