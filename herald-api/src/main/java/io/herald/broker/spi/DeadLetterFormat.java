package io.herald.broker.spi;

import io.herald.broker.DeadLetter;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * How a dead letter is stored in a dead-letter topic: the original event with its failure
 * written in extension attributes, so that any reader of the topic sees why it is there (as
 * Kafka dead-letter records carry headers), and {@link #read} gives the original event back
 * unchanged.
 *
 * <pre>
 * dlqtopic, dlqsubscription       where it was published, who gave up
 * dlqpartition, dlqoffset         its position in dlqtopic
 * dlqattempts                     deliveries made
 * dlqfirstfailure, dlqlastfailure ISO-8601 instants
 * dlqerrorclass, dlqerror         the last error, if there was one
 * dlqreason                       why it was dead-lettered
 * </pre>
 */
public final class DeadLetterFormat {

    static final String PREFIX = "dlq";
    static final String TOPIC = "dlqtopic";
    static final String SUBSCRIPTION = "dlqsubscription";
    static final String PARTITION = "dlqpartition";
    static final String OFFSET = "dlqoffset";
    static final String ATTEMPTS = "dlqattempts";
    static final String FIRST_FAILURE = "dlqfirstfailure";
    static final String LAST_FAILURE = "dlqlastfailure";
    static final String ERROR_CLASS = "dlqerrorclass";
    static final String ERROR = "dlqerror";
    static final String REASON = "dlqreason";

    private DeadLetterFormat() {
    }

    /** The event to append to the dead-letter topic. */
    public static Event write(Event original, String topic, String subscription, Position position, int attempts,
                              Instant firstFailure, Instant lastFailure, String errorClass, String errorMessage, String reason) {
        Event.Builder b = original.toBuilder()
                .extension(TOPIC, topic)
                .extension(SUBSCRIPTION, subscription)
                .extension(PARTITION, Integer.toString(position.partition()))
                .extension(OFFSET, Long.toString(position.offset()))
                .extension(ATTEMPTS, Integer.toString(attempts))
                .extension(FIRST_FAILURE, firstFailure.toString())
                .extension(LAST_FAILURE, lastFailure.toString())
                .extension(REASON, nonEmpty(reason, "dead-lettered"));
        if (errorClass != null) {
            b.extension(ERROR_CLASS, errorClass);
            b.extension(ERROR, nonEmpty(errorMessage, errorClass));
        }
        return b.build();
    }

    /** The dead letter stored at {@code stored}, or empty if the event there is not one. */
    public static Optional<DeadLetter> read(StoredEvent stored) {
        Event e = stored.event();
        Map<String, String> x = e.extensions();
        if (!x.containsKey(TOPIC) || !x.containsKey(SUBSCRIPTION) || !x.containsKey(OFFSET)) {
            return Optional.empty();
        }
        Event.Builder original = e.toBuilder();
        for (String name : x.keySet()) {
            if (name.startsWith(PREFIX)) {
                original.extension(name, null);
            }
        }
        try {
            return Optional.of(new DeadLetter(stored.position(), original.build(), x.get(TOPIC), x.get(SUBSCRIPTION),
                    new Position(Integer.parseInt(x.get(PARTITION)), Long.parseLong(x.get(OFFSET))),
                    Integer.parseInt(x.getOrDefault(ATTEMPTS, "0")),
                    Instant.parse(x.get(FIRST_FAILURE)), Instant.parse(x.get(LAST_FAILURE)),
                    Optional.ofNullable(x.get(ERROR_CLASS)), Optional.ofNullable(x.get(ERROR)),
                    x.getOrDefault(REASON, "")));
        } catch (RuntimeException malformed) {
            return Optional.empty(); // published to the topic by someone else: not a dead letter of ours
        }
    }

    /**
     * Whether {@code stored} is a dead letter that {@code subscription} of {@code topic} wrote for
     * the event published at {@code original}: what a dead letter's intent looks for after a crash.
     */
    public static boolean isDeadLetterOf(StoredEvent stored, String topic, String subscription, Position original) {
        Optional<DeadLetter> d = read(stored);
        return d.isPresent() && d.get().originalPosition().equals(original) && d.get().subscription().equals(subscription)
                && d.get().topic().equals(topic);
    }

    private static String nonEmpty(String text, String fallback) {
        return text == null || text.isEmpty() ? fallback : text;
    }
}
