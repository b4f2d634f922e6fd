package io.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.herald.broker.DeadLetter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One dead letter as {@code dlq show} prints it: where it is and why, then a blank line, then the
 * event as indented CloudEvents JSON (everything after the first blank line parses as one event).
 */
final class DeadLetterReport {

    // "key": value, as people write JSON, not Jackson's default "key" : value
    private static final ObjectWriter PRETTY = DlqFormat.MAPPER.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private DeadLetterReport() {
    }

    static void print(DeadLetter d, String deadLetterTopic, PrintWriter out) {
        Table.properties()
                .row("position", d.position() + " of " + deadLetterTopic)
                .row("topic", d.topic())
                .row("subscription", d.subscription())
                .row("original position", d.originalPosition())
                .row("attempts", d.attempts())
                .row("first failure", d.firstFailure())
                .row("last failure", d.lastFailure())
                .row("reason", ReadFormat.oneLine(d.reason()))
                .row("error", error(d))
                .print(out);
        out.println();
        try {
            out.println(PRETTY.writeValueAsString(DlqFormat.eventJson(d.event())));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String error(DeadLetter d) {
        List<String> parts = new ArrayList<>(2);
        d.errorClass().ifPresent(parts::add);
        d.errorMessage().filter(m -> !m.equals(d.errorClass().orElse(null))).ifPresent(parts::add);
        return parts.isEmpty() ? "none" : ReadFormat.oneLine(String.join(": ", parts));
    }
}
