package io.herald.kafka.delay;

import io.herald.event.Event;
import io.herald.kafka.codec.CloudEventsBinaryMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A delayed event as a record of its delay topic: the event exactly as {@link CloudEventsBinaryMode}
 * writes it to its topic, plus two headers that say where and when it goes:
 *
 * <pre>
 * header         value (UTF-8)
 * herald-due     the due time, epoch milliseconds in decimal
 * herald-target  the topic the event enters (a delay topic's name is cut for long topic names)
 * </pre>
 *
 * The record sits in the delay partition with the number of the target partition it enters, so
 * the release is a copy of key, value and CloudEvents headers to that partition. The two headers
 * do not start with {@code ce_}, so a CloudEvents reader of a delay topic ignores them. Stateless.
 */
public final class DelayRecord {

    public static final String DUE = "herald-due";
    public static final String TARGET = "herald-target";

    private DelayRecord() {
    }

    /** The record that keeps {@code event} for {@code target} partition {@code partition} until {@code due}. */
    static ProducerRecord<byte[], byte[]> of(String delayTopic, int partition, String target, Event event, Instant due) {
        Headers headers = CloudEventsBinaryMode.headers(event);
        headers.add(DUE, Long.toString(due.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        headers.add(TARGET, target.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(delayTopic, partition, CloudEventsBinaryMode.key(event), CloudEventsBinaryMode.value(event), headers);
    }

    /** The due time in epoch milliseconds; empty when the header is missing or not a number. */
    static Optional<Long> dueMillis(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers(), DUE).flatMap(text -> {
            try {
                return Optional.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The target topic the record names; empty when it names none. */
    static Optional<String> target(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers(), TARGET).filter(name -> !name.isEmpty());
    }

    /** The record's headers without the two delay headers: the event's own CloudEvents headers. */
    static Headers eventHeaders(Headers headers) {
        RecordHeaders copy = new RecordHeaders();
        for (Header h : headers) {
            if (!h.key().equals(DUE) && !h.key().equals(TARGET)) {
                copy.add(h);
            }
        }
        return copy;
    }

    private static Optional<String> text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
