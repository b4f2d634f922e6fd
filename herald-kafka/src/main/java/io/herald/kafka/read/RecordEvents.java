package io.herald.kafka.read;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.MalformedEventException;
import io.herald.kafka.codec.CloudEventsBinaryMode;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A consumed record as a {@link StoredEvent}; a record that is no CloudEvent fails with its
 * position, and {@link #undecodable} stands it in for the dead-letter topic.
 */
public final class RecordEvents {

    private RecordEvents() {
    }

    public static StoredEvent stored(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new StoredEvent(record.topic(), new Position(record.partition(), record.offset()),
                    Instant.ofEpochMilli(record.timestamp()), CloudEventsBinaryMode.decode(record.key(), record.value(), record.headers()));
        } catch (MalformedEventException e) {
            throw new MalformedEventException("record " + record.partition() + "@" + record.offset() + " of topic '"
                    + record.topic() + "': " + e.getMessage(), e);
        }
    }

    /** The type of {@link #undecodable}'s stand-in events. */
    public static final String UNDECODABLE_TYPE = "io.herald.kafka.undecodable";

    /**
     * A stand-in for a record that is no CloudEvent (a plain Kafka producer wrote it), so that it
     * can go to a dead-letter topic like any failed event rather than into a log line only: the
     * record's value as data, its key (base64) as the extension {@code kafkakey}, its position
     * as id.
     */
    public static StoredEvent undecodable(ConsumerRecord<byte[], byte[]> record) {
        io.herald.event.Event.Builder b = io.herald.event.Event.builder().type(UNDECODABLE_TYPE).source("/kafka/" + record.topic())
                .id(record.topic() + "/" + record.partition() + "@" + record.offset()).dataContentType("application/octet-stream");
        if (record.value() != null) {
            b.data(record.value());
        }
        if (record.key() != null) {
            b.extension("kafkakey", java.util.Base64.getEncoder().encodeToString(record.key()));
        }
        return new StoredEvent(record.topic(), new Position(record.partition(), record.offset()), Instant.ofEpochMilli(record.timestamp()),
                b.build());
    }
}
