package io.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Durations;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A topic as JSON. What {@code POST /topics} takes:
 * <pre>
 * {"name": "orders", "partitions": 8, "fsync": "always", "retention": "7d",
 *  "retentionBytes": 1073741824, "segmentBytes": 67108864, "ephemeral": false}
 * </pre>
 * ({@code name} alone is enough); what {@code GET /topics/{topic}} answers: the same members,
 * then {@code events}, {@code sizeBytes}, {@code publishedPerSecond} and
 * {@code partitionDetails} (per partition: {@code partition}, {@code startOffset},
 * {@code endOffset}, {@code sizeBytes}).
 */
public final class TopicJson {

    private static final Set<String> CREATE_MEMBERS = Set.of("name", "partitions", "fsync", "retention", "retentionBytes",
            "segmentBytes", "ephemeral");

    private TopicJson() {
    }

    /** A create request. */
    public record Create(String name, TopicSpec spec) {
    }

    public static Create parseCreate(ObjectNode body) {
        JsonFields f = JsonFields.of(body, CREATE_MEMBERS);
        String name = f.string("name");
        TopicSpec spec = TopicSpec.partitions(f.optionalInt("partitions", 1, TopicSpec.MAX_PARTITIONS).orElse(1));
        TopicSpec base = spec;
        spec = f.optionalString("fsync").map(text -> f.checked("fsync", () -> base.fsync(FsyncPolicy.parse(text)))).orElse(spec);
        TopicSpec withFsync = spec;
        spec = f.optionalDuration("retention").map(t -> f.checked("retention", () -> withFsync.retention(t))).orElse(spec);
        TopicSpec withRetention = spec;
        spec = f.optionalLong("retentionBytes", 1, Long.MAX_VALUE)
                .map(b -> f.checked("retentionBytes", () -> withRetention.retentionBytes(b))).orElse(spec);
        TopicSpec withBytes = spec;
        spec = f.optionalLong("segmentBytes", TopicSpec.MIN_SEGMENT_BYTES, TopicSpec.MAX_SEGMENT_BYTES)
                .map(withBytes::segmentBytes).orElse(spec);
        if (f.optionalBoolean("ephemeral").orElse(false)) {
            spec = spec.asEphemeral();
        }
        return new Create(name, spec);
    }

    public static ObjectNode writeCreate(String name, TopicSpec spec) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", name);
        writeSpec(o, spec);
        return o;
    }

    /** The topic as {@code GET /topics/{topic}} answers; {@code publishedPerSecond} when known. */
    public static ObjectNode write(TopicInfo topic, Optional<Double> publishedPerSecond) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", topic.name());
        writeSpec(o, topic.spec());
        o.put("events", topic.eventCount());
        o.put("sizeBytes", topic.sizeBytes());
        publishedPerSecond.ifPresent(r -> o.put("publishedPerSecond", Math.round(r * 100) / 100.0));
        ArrayNode partitions = o.putArray("partitionDetails");
        for (TopicInfo.PartitionInfo p : topic.partitions()) {
            partitions.addObject()
                    .put("partition", p.partition())
                    .put("startOffset", p.startOffset())
                    .put("endOffset", p.endOffset())
                    .put("sizeBytes", p.sizeBytes());
        }
        return o;
    }

    private static void writeSpec(ObjectNode o, TopicSpec spec) {
        o.put("partitions", spec.partitions());
        o.put("fsync", spec.fsync().toString());
        spec.retentionTime().ifPresentOrElse(t -> o.put("retention", Durations.format(t)), () -> o.putNull("retention"));
        spec.retentionBytes().ifPresentOrElse(b -> o.put("retentionBytes", b), () -> o.putNull("retentionBytes"));
        o.put("segmentBytes", spec.segmentBytes());
        o.put("ephemeral", spec.ephemeral());
    }

    /** A topic from the server's answer (the client's side). */
    public static TopicInfo read(JsonNode o) {
        TopicSpec spec = TopicSpec.partitions(o.path("partitions").asInt(1)).fsync(FsyncPolicy.parse(o.path("fsync").asText("always")))
                .segmentBytes(o.path("segmentBytes").asLong(TopicSpec.DEFAULT_SEGMENT_BYTES));
        if (o.hasNonNull("retention")) {
            spec = spec.retention(Durations.parse(o.get("retention").asText()));
        }
        if (o.hasNonNull("retentionBytes")) {
            spec = spec.retentionBytes(o.get("retentionBytes").asLong());
        }
        if (o.path("ephemeral").asBoolean(false)) {
            spec = spec.asEphemeral();
        }
        List<TopicInfo.PartitionInfo> partitions = new ArrayList<>();
        for (JsonNode p : o.path("partitionDetails")) {
            partitions.add(new TopicInfo.PartitionInfo(p.path("partition").asInt(), p.path("startOffset").asLong(),
                    p.path("endOffset").asLong(), p.path("sizeBytes").asLong()));
        }
        return new TopicInfo(o.path("name").asText(), spec, partitions);
    }
}
