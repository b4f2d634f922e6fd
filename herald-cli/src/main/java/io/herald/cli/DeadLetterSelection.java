package io.herald.cli;

import io.herald.broker.DeadLetterSelector;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options that choose dead letters, {@code --match} or {@code --range}; each command says what neither means. */
final class DeadLetterSelection {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--match", paramLabel = "PATTERN", converter = OptionConverters.ToEventPattern.class,
            description = "Only those whose event matches this EventBridge pattern, such as '{\"type\": [\"order.placed\"]}'.")
    DeadLetterSelector match;

    @Option(names = "--range", paramLabel = "P:FROM-TO", converter = OptionConverters.ToDeadLetterRange.class,
            description = {"Only those in partition P of the dead-letter topic at offsets FROM to TO, inclusive: "
                    + "the positions 'dlq list' prints.", "Example: --range 0:10-20"})
    DeadLetterSelector range;

    /** The selector the options name, or empty when neither was given; both at once is a usage error. */
    Optional<DeadLetterSelector> selector() {
        if (match != null && range != null) {
            throw new ParameterException(command.commandLine(), "--match and --range cannot be used together; choose one");
        }
        return Optional.ofNullable(match != null ? match : range);
    }
}
