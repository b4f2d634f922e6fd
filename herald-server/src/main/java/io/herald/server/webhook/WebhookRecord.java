package io.herald.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.Event;
import io.herald.http.Json;
import io.herald.http.ProblemException;
import io.herald.http.WebhookConfig;
import io.herald.http.WebhookJson;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of the webhook registry, as an event of the topic {@value Webhooks#TOPIC}; the
 * registry is the fold of these events in offset order, the last per subscription winning.
 *
 * <pre>
 * type     io.herald.webhook.put | io.herald.webhook.removed
 * source   /herald/server/webhooks
 * subject  &lt;topic&gt;/&lt;subscription&gt;        (names cannot hold '/'; also the partition key)
 * data     application/json, version 1:
 *   put:     {"v": 1, "topic": "orders", "subscription": "billing",
 *             "spec": {"ordering": "KEY", "start": "latest", "session": "PT10S", "filter": null,
 *                      "retry": {"max": 5, "initial": "PT1S", "multiplier": 2.0, "cap": "PT1M", "permanent": []},
 *                      "dlq": null, "lease": "PT30S", "concurrency": 16, "keyAfterDeadLetter": "CONTINUE"},
 *             "webhook": {WebhookJson.writeStored: url, secret, timeout, ratePerSecond, headers, circuitBreaker}}
 *   removed: {"v": 1, "topic": "orders", "subscription": "billing"}
 * </pre>
 *
 * The spec travels with the webhook (durations ISO-8601, the start as {@link StartPosition#toString()}):
 * another server, or this one after a restart, starts the pusher with exactly the spec the
 * {@code PUT} gave, whatever the backend kept of it. A reader meets a version it does not know
 * as a {@link MalformedRecordException} naming it, and skips that record.
 *
 * <p>The data holds the secret and the header values in clear: the server needs them to sign and
 * to call. Whoever can read this topic can read them.
 */
sealed interface WebhookRecord {

    String TYPE_PUT = "io.herald.webhook.put";
    String TYPE_REMOVED = "io.herald.webhook.removed";
    String SOURCE = "/herald/server/webhooks";
    int VERSION = 1;

    String topic();

    String subscription();

    default String subject() {
        return topic() + "/" + subscription();
    }

    /** The subscription pushes to this webhook, with this spec. */
    record Put(String topic, String subscription, SubscriptionSpec spec, WebhookConfig config) implements WebhookRecord {
        public Put {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(subscription, "subscription");
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(config, "config");
            if (config.secret().isEmpty()) {
                throw new IllegalArgumentException("a stored webhook has its secret");
            }
        }
    }

    /** The subscription no longer pushes. */
    record Removed(String topic, String subscription) implements WebhookRecord {
    }

    /** A record that cannot be read: not JSON, a version this server does not know, a member missing. */
    final class MalformedRecordException extends RuntimeException {
        MalformedRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static Event encode(WebhookRecord record) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("v", VERSION);
        data.put("topic", record.topic());
        data.put("subscription", record.subscription());
        if (record instanceof Put set) {
            data.set("spec", writeSpec(set.spec()));
            data.set("webhook", WebhookJson.writeStored(set.config()));
        }
        return Event.builder()
                .type(record instanceof Put ? TYPE_PUT : TYPE_REMOVED)
                .source(SOURCE)
                .subject(record.subject())
                .partitionKey(record.subject())
                .json(data.toString())
                .build();
    }

    static WebhookRecord decode(Event event) {
        try {
            JsonNode data = Json.MAPPER.readTree(event.data());
            if (data == null || data.path("v").asInt(-1) != VERSION) {
                throw new MalformedRecordException("webhook record " + event.id() + " has version "
                        + (data == null ? "none" : data.path("v").toString()) + "; this server reads version " + VERSION, null);
            }
            String topic = required(data, "topic").asText();
            String subscription = required(data, "subscription").asText();
            return switch (event.type()) {
                case TYPE_PUT -> new Put(topic, subscription, readSpec(required(data, "spec")),
                        WebhookJson.parse((ObjectNode) required(data, "webhook"), "webhook."));
                case TYPE_REMOVED -> new Removed(topic, subscription);
                default -> throw new MalformedRecordException("webhook record " + event.id() + " has the unknown type '"
                        + event.type() + "'", null);
            };
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedRecordException m) {
                throw m;
            }
            String why = e instanceof ProblemException p ? p.problem().detail() : e.getMessage();
            throw new MalformedRecordException("webhook record " + event.id() + " (subject " + event.subject().orElse("none")
                    + ") cannot be read: " + why, e);
        }
    }

    private static JsonNode required(JsonNode data, String member) {
        JsonNode node = data.get(member);
        if (node == null || node.isNull()) {
            throw new MalformedRecordException("member '" + member + "' is missing", null);
        }
        return node;
    }

    private static ObjectNode writeSpec(SubscriptionSpec spec) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("ordering", spec.ordering().name());
        o.put("start", spec.start().toString());
        o.put("session", spec.sessionTimeout().toString());
        o.put("filter", spec.filter().orElse(null));
        ObjectNode retry = o.putObject("retry");
        retry.put("max", spec.retry().maxAttempts());
        retry.put("initial", spec.retry().initialBackoff().toString());
        retry.put("multiplier", spec.retry().multiplier());
        retry.put("cap", spec.retry().maxBackoff().toString());
        ArrayNode permanent = retry.putArray("permanent");
        spec.retry().permanentErrors().stream().sorted().forEach(permanent::add);
        o.put("dlq", spec.deadLetterTopic().orElse(null));
        o.put("lease", spec.leaseDuration().toString());
        o.put("concurrency", spec.concurrency());
        o.put("keyAfterDeadLetter", spec.keyAfterDeadLetter().name());
        return o;
    }

    private static SubscriptionSpec readSpec(JsonNode o) {
        JsonNode r = required(o, "retry");
        java.util.Set<String> permanent = new HashSet<>();
        r.path("permanent").forEach(p -> permanent.add(p.asText()));
        RetryPolicy retry = new RetryPolicy(required(r, "max").asInt(), Duration.parse(required(r, "initial").asText()),
                required(r, "multiplier").asDouble(), Duration.parse(required(r, "cap").asText()), permanent);
        return new SubscriptionSpec(Ordering.valueOf(required(o, "ordering").asText()),
                StartPosition.parse(required(o, "start").asText()),
                Duration.parse(required(o, "session").asText()),
                Optional.ofNullable(o.path("filter").isTextual() ? o.get("filter").asText() : null),
                retry,
                Optional.ofNullable(o.path("dlq").isTextual() ? o.get("dlq").asText() : null),
                Duration.parse(required(o, "lease").asText()),
                required(o, "concurrency").asInt(),
                KeyAfterDeadLetter.valueOf(required(o, "keyAfterDeadLetter").asText()));
    }
}
