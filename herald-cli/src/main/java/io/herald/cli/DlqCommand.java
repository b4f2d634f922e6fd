package io.herald.cli;

import picocli.CommandLine.Command;

@Command(name = "dlq",
        description = {"List, show, redrive and purge a subscription's dead letters: the events it gave up on.",
                "A dead letter is named by its position in the dead-letter topic (PARTITION@OFFSET), as 'dlq list' prints it."},
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqRedriveCommand.class, DlqPurgeCommand.class})
final class DlqCommand extends CommandGroup {
}
