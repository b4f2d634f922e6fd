package io.herald.kafka.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.OffsetRanges;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A subscription's spec as the metadata string of its committed offsets: Kafka keeps it with the
 * cursor, so any process that describes the subscription sees the spec it was opened with, and
 * it goes away with the group. Version 1, JSON:
 *
 * <pre>
 * {"v":1, "ordering":"PARTITION", "start":"earliest", "session":"PT10S", "filter":null,
 *  "retry":{"max":5, "initial":"PT1S", "multiplier":2.0, "cap":"PT1M", "permanent":[...]},
 *  "dlq":null, "lease":"PT30S", "concurrency":16, "keyAfterDeadLetter":"CONTINUE"}
 * </pre>
 *
 * Durations are ISO-8601, the start is {@link StartPosition#toString()} (read back by
 * {@link StartPosition#parse}). A spec whose text passes Kafka's default
 * {@code offset.metadata.max.bytes} is not stored; metadata that is absent or not ours reads as empty.
 *
 * <p>The KEY/NONE engine adds {@code "finished":"r1:..."} ({@link OffsetRanges}): the offsets
 * acked, dead-lettered or filtered out at or above the committed offset, which a retrying event
 * below them keeps the commit from passing; a new owner of the partition skips them instead of
 * delivering them again. They get what the spec leaves of {@value #MAX_BYTES} characters; the
 * finished offsets that do not fit are delivered again (at least once, never lost). A reader of
 * the spec ignores the field, and a cursor moved by hand drops it (its offsets are relative).
 */
public final class CommitMetadata {

    static final int MAX_BYTES = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FINISHED_FIELD = ",\"finished\":\"";
    private static final int OFFSET_RANGES_EMPTY_LENGTH = "r1:".length();

    private CommitMetadata() {
    }

    public static String of(SubscriptionSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", 1);
        root.put("ordering", spec.ordering().name());
        root.put("start", spec.start().toString());
        root.put("session", spec.sessionTimeout().toString());
        root.put("filter", spec.filter().orElse(null));
        ObjectNode retry = root.putObject("retry");
        retry.put("max", spec.retry().maxAttempts());
        retry.put("initial", spec.retry().initialBackoff().toString());
        retry.put("multiplier", spec.retry().multiplier());
        retry.put("cap", spec.retry().maxBackoff().toString());
        var permanent = retry.putArray("permanent");
        spec.retry().permanentErrors().stream().sorted().forEach(permanent::add);
        root.put("dlq", spec.deadLetterTopic().orElse(null));
        root.put("lease", spec.leaseDuration().toString());
        root.put("concurrency", spec.concurrency());
        root.put("keyAfterDeadLetter", spec.keyAfterDeadLetter().name());
        String text = root.toString();
        return text.length() > MAX_BYTES ? "" : text;
    }

    /**
     * The engine's metadata: {@code spec} (the text of {@link #of}) with the offsets finished at
     * or above {@code committed}, as many as fit, lowest first.
     */
    public static String withFinished(String spec, OffsetRanges finished, long committed) {
        int room = MAX_BYTES - spec.length() - FINISHED_FIELD.length() - 2;
        if (spec.isEmpty() || room < 8 || finished.rangeCount() == 0) {
            return spec;
        }
        String ranges = finished.encode(committed, room);
        if (ranges.length() <= OFFSET_RANGES_EMPTY_LENGTH) {
            return spec;
        }
        return spec.substring(0, spec.length() - 1) + FINISHED_FIELD + ranges + "\"}";
    }

    /** The offsets finished at or above {@code committed} that the metadata names; none if it names none. */
    public static OffsetRanges finished(String metadata, long committed) {
        if (metadata == null || !metadata.startsWith("{\"v\":1") || !metadata.contains(FINISHED_FIELD)) {
            return new OffsetRanges();
        }
        try {
            JsonNode field = JSON.readTree(metadata).get("finished");
            return OffsetRanges.decode(committed, field == null ? null : field.asText());
        } catch (Exception e) {
            return new OffsetRanges(); // not ours: nothing is known to be finished
        }
    }

    /** The spec alone, without the finished offsets of the commit it came with (for a cursor moved elsewhere). */
    static String specOnly(String metadata) {
        return parse(metadata).map(CommitMetadata::of).orElse("");
    }

    static Optional<SubscriptionSpec> parse(String metadata) {
        if (metadata == null || !metadata.startsWith("{\"v\":1")) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(metadata);
            JsonNode retry = root.get("retry");
            Set<String> permanent = new HashSet<>();
            retry.get("permanent").forEach(n -> permanent.add(n.asText()));
            RetryPolicy policy = new RetryPolicy(retry.get("max").asInt(), Duration.parse(retry.get("initial").asText()),
                    retry.get("multiplier").asDouble(), Duration.parse(retry.get("cap").asText()), permanent);
            return Optional.of(new SubscriptionSpec(Ordering.valueOf(root.get("ordering").asText()),
                    StartPosition.parse(root.get("start").asText()), Duration.parse(root.get("session").asText()),
                    text(root, "filter"), policy, text(root, "dlq"), Duration.parse(root.get("lease").asText()),
                    root.get("concurrency").asInt(), KeyAfterDeadLetter.valueOf(root.get("keyAfterDeadLetter").asText())));
        } catch (Exception e) {
            return Optional.empty(); // not ours, or written by a later version: the cursor still stands
        }
    }

    private static Optional<String> text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }
}
