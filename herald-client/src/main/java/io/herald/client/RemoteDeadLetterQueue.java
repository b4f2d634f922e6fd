package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Position;
import io.herald.broker.RedriveTarget;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicNotFoundException;
import io.herald.http.DeadLetterJson;
import io.herald.http.EventJson;
import io.herald.http.Json;
import io.herald.http.Positions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A subscription's dead letters over {@code .../dead-letters}: list, count, show, redrive and
 * purge, each one request. A redrive is the server's synchronous one (not a paced job): the
 * progress hears the total once it is done. The server lists at most {@value #PAGE} per request;
 * a longer list pages through the dead-letter topic by offset ranges, partition by partition
 * (position order), choosing by pattern here. Thread-safe.
 */
final class RemoteDeadLetterQueue implements DeadLetterQueue {

    /** The most one list request returns. */
    static final int PAGE = 1000;
    /** The largest offset a range selector takes on the wire (18 digits). */
    private static final long LAST_OFFSET = 999_999_999_999_999_999L;

    private final RemoteBroker broker;
    private final ServerConnection server;
    private final String topic;
    private final String subscription;
    private final String deadLetterTopic;

    RemoteDeadLetterQueue(RemoteBroker broker, ServerConnection server, String topic, String subscription, String deadLetterTopic) {
        this.broker = broker;
        this.server = server;
        this.topic = topic;
        this.subscription = subscription;
        this.deadLetterTopic = deadLetterTopic;
    }

    private String path() {
        return RemoteBroker.subscriptionPath(topic, subscription) + "/dead-letters";
    }

    @Override
    public String topic() {
        return deadLetterTopic;
    }

    @Override
    public List<DeadLetter> list(DeadLetterSelector selector, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        if (limit <= PAGE) {
            return page(selector, limit);
        }
        List<DeadLetter> out = new ArrayList<>();
        for (int partition : partitions(selector)) {
            long from = selector instanceof DeadLetterSelector.Range r ? r.from() : 0;
            long to = selector instanceof DeadLetterSelector.Range r ? r.to() : LAST_OFFSET;
            while (out.size() < limit && from <= to) {
                List<DeadLetter> page = page(DeadLetterSelector.range(partition, from, to), PAGE);
                for (DeadLetter d : page) {
                    if (out.size() < limit && selector.selects(d)) {
                        out.add(d);
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                from = page.getLast().position().offset() + 1;
            }
        }
        return out;
    }

    private List<Integer> partitions(DeadLetterSelector selector) {
        if (selector instanceof DeadLetterSelector.Range r) {
            return List.of(r.partition());
        }
        try {
            return broker.describeTopic(deadLetterTopic).partitions().stream().map(TopicInfo.PartitionInfo::partition).toList();
        } catch (TopicNotFoundException e) {
            return List.of(); // nothing was ever dead-lettered
        }
    }

    private List<DeadLetter> page(DeadLetterSelector selector, int limit) {
        ServerConnection.Request request = selected(ServerConnection.Request.get(path()), selector).query("limit", limit);
        List<DeadLetter> out = new ArrayList<>();
        for (JsonNode d : server.call(request.about(topic)).json(EventJson.RAW_MEMBERS).path("deadLetters")) {
            out.add(DeadLetterJson.read(d));
        }
        return out;
    }

    @Override
    public long count(DeadLetterSelector selector) {
        return server.call(selected(ServerConnection.Request.get(path() + "/count"), selector).about(topic)).json().path("count").asLong();
    }

    @Override
    public Optional<DeadLetter> show(Position position) {
        ServerConnection.Request request = ServerConnection.Request.get(path() + "/" + Positions.format(position)).about(topic);
        ServerConnection.Answer answer = server.exchange(request);
        if (answer.ok()) {
            return Optional.of(DeadLetterJson.read(answer.json(EventJson.RAW_MEMBERS)));
        }
        boolean absent = answer.status() == 404 && ServerProblem.of(answer.status(), answer.contentType(), answer.body())
                .filter(p -> p.slug().equals("dead-letter-not-found")).isPresent();
        if (absent) {
            return Optional.empty();
        }
        throw server.failure(answer, request);
    }

    @Override
    public long redrive(DeadLetterSelector selector, RedriveTarget target, Progress progress) {
        ObjectNode body = selectedBody(selector);
        if (target instanceof RedriveTarget.ToTopic to) {
            body.put("toTopic", to.topic());
        }
        long redriven = server.call(ServerConnection.Request.post(path() + "/redrive").about(topic).json(body)
                .timeout(Optional.empty())).json().path("redriven").asLong();
        progress.update(redriven, redriven);
        return redriven;
    }

    @Override
    public long purge(DeadLetterSelector selector) {
        ObjectNode body = selectedBody(selector);
        if (selector instanceof DeadLetterSelector.All) {
            body.put("all", true);
        }
        return server.call(ServerConnection.Request.post(path() + "/purge").about(topic).json(body).timeout(Optional.empty()))
                .json().path("purged").asLong();
    }

    private static ServerConnection.Request selected(ServerConnection.Request request, DeadLetterSelector selector) {
        return switch (selector) {
            case DeadLetterSelector.All a -> request;
            case DeadLetterSelector.Matching m -> request.query("match", m.filter().pattern());
            case DeadLetterSelector.Range r -> request.query("range", rangeText(r));
        };
    }

    /** The wire takes offsets of up to 18 digits; a range to beyond that ends at the last offset it can name. */
    private static String rangeText(DeadLetterSelector.Range r) {
        return DeadLetterJson.format(r.to() <= LAST_OFFSET ? r
                : (DeadLetterSelector.Range) DeadLetterSelector.range(r.partition(), Math.min(r.from(), LAST_OFFSET), LAST_OFFSET));
    }

    private static ObjectNode selectedBody(DeadLetterSelector selector) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        switch (selector) {
            case DeadLetterSelector.All a -> {
            }
            case DeadLetterSelector.Matching m -> body.put("match", m.filter().pattern());
            case DeadLetterSelector.Range r -> body.put("range", rangeText(r));
        }
        return body;
    }
}
