package io.herald.kafka.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Position;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.delivery.DeadLetterIntent;
import io.herald.delivery.FailureRecord;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One fact in a subscription's state topic ({@link io.herald.kafka.topic.InternalTopics#subscriptionState}).
 * The topic is compacted and has as many partitions as the subscription's topic; each fact lives
 * in the partition of the source partition it is about, so the member that owns source partition
 * {@code p} rebuilds what it needs from state partition {@code p} alone. A fact is ended by a
 * tombstone (null value) under the same key: compaction then forgets both.
 *
 * <pre>
 * key                                   value                         ended when
 * retry/topic/&lt;offset&gt;                 {attempts, dueAt, first...}   the event is acked or dead-lettered
 * retry/redrive/&lt;state offset&gt;          same                          the redriven event is acked or dead-lettered
 * park/&lt;partition key&gt;                  {offset}                      its dead letters are purged or redriven
 * redrive/&lt;dlq&gt;/&lt;partition&gt;/&lt;offset&gt;   the event, binary format      the redriven event is acked or dead-lettered
 * resolved/&lt;dlq&gt;/&lt;partition&gt;/&lt;offset&gt;  {}                            never: the dead letter is hidden for good
 * </pre>
 *
 * A redrive record also carries the event's position in the subscription's topic, in the headers
 * {@value #ORIGINAL_PARTITION} and {@value #ORIGINAL_OFFSET} (decimal text), so that a redriven
 * event that fails again is dead-lettered naming where it was published, not where its previous
 * dead letter was. A redrive record without them (written before they existed) reads with no
 * original position.
 */
public sealed interface StateRecord {

    ObjectMapper JSON = new ObjectMapper();
    String ORIGINAL_PARTITION = "herald-original-partition";
    String ORIGINAL_OFFSET = "herald-original-offset";

    /** The compaction key of this fact. */
    String key();

    /** The partition of the state topic this fact lives in. */
    int partition();

    /**
     * A delivery that failed and is due again: where it is ({@code source} REDRIVE: {@code offset}
     * is the redriven event's offset in the state topic), how many attempts were made, when the
     * next is due, and its failures so far (for the dead letter, if it comes to that).
     * {@code deadLettering} non-null: the policy gave up and the dead letter is being written.
     */
    record Retry(int partition, Source source, long offset, int attempts, Instant dueAt, Instant firstFailure,
                 Instant lastFailure, String errorClass, String error, DeadLetterIntent deadLettering) implements StateRecord {
        /** The fact that keeps an event's failures so far, due again at {@code dueAt}. */
        public static Retry of(int partition, Source source, long offset, FailureRecord failures, Instant dueAt) {
            return new Retry(partition, source, offset, failures.attempts(), dueAt, failures.firstFailure(), failures.lastFailure(),
                    failures.errorClass(), failures.error(), null);
        }

        /** The same fact, saying that the dead letter is about to be written past the intent's ends. */
        public Retry deadLettering(DeadLetterIntent intent) {
            return new Retry(partition, source, offset, attempts, dueAt, firstFailure, lastFailure, errorClass, error, intent);
        }

        /** What the fact says about the event's failures. */
        public FailureRecord failures() {
            return new FailureRecord(attempts, firstFailure, lastFailure, errorClass, error);
        }

        public String key() {
            return retryKey(source, offset);
        }
    }

    /** A key of a {@code KEY / PARK} subscription that stopped at its dead-lettered event at {@code offset}. */
    record Park(int partition, String partitionKey, long offset) implements StateRecord {
        public String key() {
            return "park/" + partitionKey;
        }
    }

    /**
     * A dead letter sent back to its subscription: delivered from attempt 1, in this topic's order,
     * in key order. {@code original}: where the event was in the subscription's topic; null if the
     * record did not say.
     */
    record Redrive(int partition, String deadLetterTopic, Position deadLetter, Event event, Position original) implements StateRecord {
        public Redrive(int partition, String deadLetterTopic, Position deadLetter, Event event) {
            this(partition, deadLetterTopic, deadLetter, event, null);
        }

        public String key() {
            return "redrive/" + deadLetterTopic + "/" + deadLetter.partition() + "/" + deadLetter.offset();
        }
    }

    /** A dead letter that was purged or redriven: no longer listed. */
    record Resolved(int partition, String deadLetterTopic, Position deadLetter) implements StateRecord {
        public String key() {
            return "resolved/" + deadLetterTopic + "/" + deadLetter.partition() + "/" + deadLetter.offset();
        }
    }

    /** What a {@link Retry} is about: an event of the subscription's topic, or a redriven one in the state topic. */
    enum Source { TOPIC, REDRIVE }

    /** A record read from the state topic: the fact, or its end (a tombstone) under {@code key}. */
    record Read(String key, Optional<StateRecord> fact, long offset) {
    }

    static String retryKey(Source source, long offset) {
        return "retry/" + source.name().toLowerCase(java.util.Locale.ROOT) + "/" + offset;
    }

    /** The state partition of a fact about {@code partitionKey} (the source's partition for it). */
    static int partitionOf(String partitionKey, int partitions) {
        return KeyPartitioner.partition(partitionKey, partitions);
    }

    static ProducerRecord<byte[], byte[]> write(String stateTopic, StateRecord fact) {
        byte[] value = switch (fact) {
            case Retry r -> {
                ObjectNode n = JSON.createObjectNode()
                        .put("partition", r.partition()).put("attempts", r.attempts()).put("dueAt", r.dueAt().toString())
                        .put("firstFailure", r.firstFailure().toString()).put("lastFailure", r.lastFailure().toString());
                if (r.errorClass() != null) {
                    n.put("errorClass", r.errorClass());
                }
                if (r.error() != null) {
                    n.put("error", r.error());
                }
                if (r.deadLettering() != null) {
                    n.put("deadLetterReason", r.deadLettering().reason());
                    ObjectNode ends = n.putObject("deadLetterEnds");
                    r.deadLettering().ends().forEach((partition, end) -> ends.put(Integer.toString(partition), end));
                }
                yield bytes(n);
            }
            case Park p -> bytes(JSON.createObjectNode().put("offset", p.offset()));
            case Redrive d -> EventBinaryFormat.encode(d.event());
            case Resolved x -> bytes(JSON.createObjectNode());
        };
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(stateTopic, fact.partition(), utf8(fact.key()), value);
        if (fact instanceof Redrive d && d.original() != null) {
            record.headers().add(ORIGINAL_PARTITION, utf8(Integer.toString(d.original().partition())));
            record.headers().add(ORIGINAL_OFFSET, utf8(Long.toString(d.original().offset())));
        }
        return record;
    }

    /** The tombstone that ends the fact under {@code key}. */
    static ProducerRecord<byte[], byte[]> end(String stateTopic, int partition, String key) {
        return new ProducerRecord<>(stateTopic, partition, utf8(key), null);
    }

    static Read read(ConsumerRecord<byte[], byte[]> record) {
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            return new Read(key, Optional.empty(), record.offset());
        }
        String[] parts = key.split("/", 2);
        int p = record.partition();
        try {
            StateRecord fact = switch (parts[0]) {
                case "retry" -> {
                    String[] where = parts[1].split("/", 2);
                    JsonNode n = JSON.readTree(record.value());
                    yield new Retry(p, Source.valueOf(where[0].toUpperCase(java.util.Locale.ROOT)), Long.parseLong(where[1]),
                            n.get("attempts").asInt(), Instant.parse(n.get("dueAt").asText()),
                            Instant.parse(n.get("firstFailure").asText()), Instant.parse(n.get("lastFailure").asText()),
                            n.hasNonNull("errorClass") ? n.get("errorClass").asText() : null,
                            n.hasNonNull("error") ? n.get("error").asText() : null, intent(n));
                }
                case "park" -> new Park(p, parts[1], JSON.readTree(record.value()).get("offset").asLong());
                case "redrive", "resolved" -> {
                    int cut2 = parts[1].lastIndexOf('/');
                    int cut1 = parts[1].lastIndexOf('/', cut2 - 1);
                    String dlq = parts[1].substring(0, cut1);
                    Position at = new Position(Integer.parseInt(parts[1].substring(cut1 + 1, cut2)),
                            Long.parseLong(parts[1].substring(cut2 + 1)));
                    yield parts[0].equals("redrive")
                            ? new Redrive(p, dlq, at, EventBinaryFormat.decode(record.value(), 0, record.value().length), original(record))
                            : new Resolved(p, dlq, at);
                }
                default -> throw new IllegalArgumentException("unknown state record kind '" + parts[0] + "'");
            };
            return new Read(key, Optional.of(fact), record.offset());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable state record '" + key + "'", e);
        }
    }

    /** The dead letter a Retry fact says is being written, or null. */
    private static DeadLetterIntent intent(JsonNode n) {
        if (!n.hasNonNull("deadLetterReason")) {
            return null;
        }
        java.util.Map<Integer, Long> ends = new java.util.HashMap<>();
        n.path("deadLetterEnds").properties().forEach(end -> ends.put(Integer.parseInt(end.getKey()), end.getValue().asLong()));
        return new DeadLetterIntent(n.get("deadLetterReason").asText(), ends);
    }

    /** The redriven event's position in the subscription's topic, as the record's headers say; null if they do not. */
    private static Position original(ConsumerRecord<byte[], byte[]> record) {
        org.apache.kafka.common.header.Header partition = record.headers().lastHeader(ORIGINAL_PARTITION);
        org.apache.kafka.common.header.Header offset = record.headers().lastHeader(ORIGINAL_OFFSET);
        if (partition == null || offset == null) {
            return null;
        }
        try {
            return new Position(Integer.parseInt(new String(partition.value(), StandardCharsets.UTF_8)),
                    Long.parseLong(new String(offset.value(), StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            return null; // not ours: the dead letter's own position stands in
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
