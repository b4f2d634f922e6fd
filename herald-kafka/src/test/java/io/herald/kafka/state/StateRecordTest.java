package io.herald.kafka.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.Position;
import io.herald.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Every kind of fact reads back as it was written, from the record Kafka would hand a consumer. */
class StateRecordTest {

    private static final String TOPIC = "__herald.sub.orders.billing.0000abcd";

    @Test
    void everyFactReadsBackAsWritten() {
        Event event = Event.builder().id("e-1").source("/shop").type("order.placed").partitionKey("c-7").json("{\"total\": 5}").build();
        List<StateRecord> facts = List.of(
                new StateRecord.Retry(2, StateRecord.Source.TOPIC, 41, 3, Instant.parse("2026-01-01T00:00:05Z"),
                        Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:04Z"), "java.lang.IllegalStateException", "flaky", null),
                new StateRecord.Retry(0, StateRecord.Source.REDRIVE, 7, 1, Instant.parse("2026-01-01T00:00:05Z"),
                        Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:01Z"), null, null, null),
                new StateRecord.Retry(2, StateRecord.Source.TOPIC, 42, 4, Instant.parse("2026-01-01T00:00:05Z"),
                        Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:04Z"), null, "poison",
                        new io.herald.delivery.DeadLetterIntent("failed 4 of 4 attempts", java.util.Map.of(2, 17L))),
                new StateRecord.Park(1, "c-7", 99),
                new StateRecord.Redrive(1, "orders.billing.dlq", new Position(1, 12), event),
                new StateRecord.Redrive(1, "orders.billing.dlq", new Position(1, 13), event, new Position(1, 40)),
                new StateRecord.Resolved(3, "orders.billing.dlq", new Position(3, 5)));
        long offset = 0;
        for (StateRecord fact : facts) {
            StateRecord.Read read = StateRecord.read(consumed(StateRecord.write(TOPIC, fact), offset));
            assertThat(read.key()).isEqualTo(fact.key());
            assertThat(read.offset()).isEqualTo(offset);
            assertThat(read.fact()).contains(fact);
            offset++;
        }
    }

    @Test
    void aRedriveWrittenBeforeItCarriedItsOriginalPositionReadsWithoutOne() {
        Event event = Event.builder().id("e-2").source("/shop").type("order.placed").build();
        StateRecord.Redrive old = new StateRecord.Redrive(0, "orders.billing.dlq", new Position(0, 3), event);
        ProducerRecord<byte[], byte[]> written = StateRecord.write(TOPIC, old);
        assertThat(written.headers().toArray()).isEmpty();
        assertThat(StateRecord.read(consumed(written, 0)).fact()).contains(old);
    }

    @Test
    void aTombstoneReadsAsTheEndOfItsKey() {
        String key = StateRecord.retryKey(StateRecord.Source.TOPIC, 41);
        StateRecord.Read read = StateRecord.read(consumed(StateRecord.end(TOPIC, 2, key), 9));
        assertThat(read).isEqualTo(new StateRecord.Read(key, Optional.empty(), 9));
    }

    private static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> record, long offset) {
        return new ConsumerRecord<>(record.topic(), record.partition(), offset, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                record.key().length, record.value() == null ? -1 : record.value().length, record.key(), record.value(), record.headers(),
                Optional.empty());
    }
}
