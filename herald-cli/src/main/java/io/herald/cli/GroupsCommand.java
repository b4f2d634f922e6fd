package io.herald.cli;

import picocli.CommandLine.Command;

/** Subscriptions, under the name Kafka users know them by (consumer groups). */
@Command(name = "groups", aliases = "subscriptions",
        description = "List, describe, reset (replay) and delete a topic's subscriptions.",
        subcommands = {GroupsListCommand.class, GroupsDescribeCommand.class, GroupsResetCommand.class,
                GroupsDeleteCommand.class})
final class GroupsCommand extends CommandGroup {
}
