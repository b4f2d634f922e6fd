package io.herald.delivery;

import java.util.Map;

/**
 * A dead letter decided and about to be written, as its backend records it before the write:
 * why, and where each partition of the dead-letter topic ended just before. A process that dies
 * between the write and the settlement leaves this record; the next owner looks in the topic
 * past {@code ends} for a dead letter of the event, and writes one only if there is none, so an
 * event is dead-lettered once even across {@code kill -9} (Kafka's own recovery point works
 * the same way: what lies past the recorded end is looked at, not assumed).
 *
 * @param reason why the event is dead-lettered
 * @param ends   the next offset of each partition of the dead-letter topic before the write
 */
public record DeadLetterIntent(String reason, Map<Integer, Long> ends) {

    public DeadLetterIntent {
        ends = Map.copyOf(ends);
    }
}
