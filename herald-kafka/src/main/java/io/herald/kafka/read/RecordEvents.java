package io.herald.kafka.read;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.MalformedEventException;
import io.herald.kafka.codec.CloudEventsBinaryMode;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A consumed record as a {@link StoredEvent}; a record that is no CloudEvent fails with its position. */
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
}
