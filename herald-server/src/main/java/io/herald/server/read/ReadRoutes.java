package io.herald.server.read;

import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.error.InvalidSpecException;
import io.herald.http.CloudEventsHttp;
import io.herald.http.EventJson;
import io.herald.http.Json;
import io.herald.http.Positions;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.http.StoredEventJson;
import io.herald.server.auth.Access;
import io.herald.server.auth.Permission;
import io.herald.server.config.ServerConfig.Limits;
import io.herald.server.http.Api;
import io.herald.server.http.Drain;
import io.herald.server.http.Params;
import io.herald.server.http.SseStream;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code GET /topics/{topic}/events}: reads a topic without a subscription, from
 * {@code earliest}, {@code latest}, an RFC 3339 time, an offset or a position per partition
 * ({@code 0@12,1@7}). The answer holds up to {@code max} events and {@code next}, the resume
 * token: per partition, the offset of the next event, to pass as {@code from} to go on.
 *
 * <p>With {@code Accept: text/event-stream} it follows the topic live as Server-Sent Events;
 * each event's {@code id} is the resume token after it, so a client that reconnects with
 * {@code Last-Event-ID} goes on with the next event: nothing lost, nothing twice. With
 * {@code Accept: application/cloudevents-batch+json} the answer is a plain CloudEvents batch and
 * the resume token is the {@code Herald-Next} header.
 */
public final class ReadRoutes implements Api.Resource {

    public static final String NEXT_HEADER = "Herald-Next";
    private static final int DEFAULT_MAX = 100;
    private static final int MAX_READ = 10_000;
    private static final Duration FOLLOW_POLL = Duration.ofMillis(500);
    /**
     * How long a read waits for events the topic already holds, whatever its {@code wait}: a
     * Kafka consumer's first poll returns before its first fetch has come back, so a read without
     * a wait answered nothing while events were there to read.
     */
    private static final Duration AVAILABLE_WAIT = Duration.ofSeconds(5);

    private final Broker broker;
    private final Drain drain;
    private final Limits limits;

    public ReadRoutes(Broker broker, Drain drain, Limits limits) {
        this.broker = broker;
        this.drain = drain;
        this.limits = limits;
    }

    @Override
    public void addTo(Api api) {
        api.get("/topics/{topic}/events", Access.onTopic(Permission.CONSUME), this::read);
    }

    private void read(Context ctx) throws IOException {
        String topic = ctx.pathParam("topic");
        TopicInfo info = broker.describeTopic(topic);
        Answer answer = Answer.negotiate(ctx.header("Accept"));
        boolean follow = answer == Answer.STREAM;
        StartPosition from = start(ctx, info, follow);
        if (follow) {
            follow(ctx, topic, from);
            return;
        }
        int max = Params.integer(ctx, "max", DEFAULT_MAX, 1, MAX_READ);
        Duration wait = Params.duration(ctx, "wait", Duration.ZERO, Duration.ZERO, limits.maxWait());
        try (TopicReader reader = broker.reader(topic, from)) {
            SortedMap<Integer, Long> next = new TreeMap<>(reader.positions());
            List<StoredEvent> events = pollUntil(reader, max, holdsEventsAfter(info, next) ? max(wait, AVAILABLE_WAIT) : wait);
            events.forEach(e -> next.put(e.position().partition(), e.position().offset() + 1));
            String token = Positions.format(next);
            ctx.header(NEXT_HEADER, token);
            if (answer == Answer.BATCH) {
                ctx.contentType(CloudEventsHttp.BATCH).result(batch(events));
            } else {
                ctx.contentType("application/json").result(envelope(events, token));
            }
        }
    }

    /** Whether any partition ended, when the topic was described, after where the reader stands. */
    private static boolean holdsEventsAfter(TopicInfo topic, SortedMap<Integer, Long> positions) {
        for (TopicInfo.PartitionInfo p : topic.partitions()) {
            if (p.endOffset() > positions.getOrDefault(p.partition(), Long.MAX_VALUE)) {
                return true;
            }
        }
        return false;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * The form of the answer, from the {@code Accept} header: the media range the client ranks
     * highest ({@code q}, then the order given) among Server-Sent Events, a CloudEvents batch and
     * the JSON envelope, which is also what a wildcard, an absent header or only unknown types get.
     */
    enum Answer {
        STREAM, BATCH, ENVELOPE;

        static Answer negotiate(String accept) {
            if (accept == null || accept.isBlank()) {
                return ENVELOPE;
            }
            Answer best = ENVELOPE;
            double bestQuality = 0;
            for (String range : accept.split(",")) {
                Answer answer = switch (CloudEventsHttp.mediaType(range)) {
                    case "text/event-stream" -> STREAM;
                    case CloudEventsHttp.BATCH -> BATCH;
                    case "application/json", "application/*", "*/*" -> ENVELOPE;
                    default -> null;
                };
                double quality = quality(range);
                if (answer != null && quality > bestQuality) {
                    best = answer;
                    bestQuality = quality;
                }
            }
            return best;
        }

        /** The {@code q} parameter of a media range, 1 when absent; an unreadable one counts as 0. */
        private static double quality(String range) {
            for (String parameter : range.split(";")) {
                String p = parameter.trim();
                if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                    try {
                        return Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
            return 1;
        }
    }

    /** Polls until events come or the wait is over, in slices, so a stop ends the wait early. */
    private List<StoredEvent> pollUntil(TopicReader reader, int max, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            List<StoredEvent> events = reader.poll(max, Duration.ofNanos(Math.max(0, Math.min(left, FOLLOW_POLL.toNanos()))));
            if (!events.isEmpty() || left <= 0 || drain.started()) {
                return events;
            }
        }
    }

    private void follow(Context ctx, String topic, StartPosition from) throws IOException {
        Optional<Integer> limit = Params.string(ctx, "max").map(m -> Params.integer(ctx, "max", 1, 1, Integer.MAX_VALUE));
        try (TopicReader reader = broker.reader(topic, from)) {
            SortedMap<Integer, Long> next = new TreeMap<>(reader.positions());
            SseStream sse = SseStream.start(ctx);
            long sent = 0;
            while (sse.open() && !drain.started() && (limit.isEmpty() || sent < limit.get())) {
                int want = (int) Math.min(500, limit.map(l -> l - 0L).orElse(Long.MAX_VALUE) - sent);
                for (StoredEvent e : reader.poll(want, FOLLOW_POLL)) {
                    next.put(e.position().partition(), e.position().offset() + 1);
                    sse.append(Positions.format(next), null, StoredEventJson.toBytes(e));
                    sent++;
                }
                sse.flush();
                sse.keepAlive();
            }
        }
    }

    /** {@code Last-Event-ID} (a reconnecting stream), else {@code from}, else earliest. */
    private static StartPosition start(Context ctx, TopicInfo topic, boolean follow) {
        String lastEventId = follow ? ctx.header("Last-Event-ID") : null;
        String parameter = lastEventId != null && !lastEventId.isBlank() ? "Last-Event-ID" : "from";
        String text = lastEventId != null && !lastEventId.isBlank() ? lastEventId : Params.string(ctx, "from").orElse("earliest");
        StartPosition position;
        try {
            position = StartPosition.parse(text);
        } catch (InvalidSpecException e) {
            throw new ProblemException(Problem.badParameter(parameter, "'" + parameter + "': " + e.getMessage()));
        }
        if (position instanceof StartPosition.AtOffsets offsets && offsets.offsets().lastKey() >= topic.spec().partitions()) {
            throw new ProblemException(Problem.badParameter(parameter, "'" + parameter + "' names partition "
                    + offsets.offsets().lastKey() + ", but topic '" + topic.name() + "' has partitions 0 to "
                    + (topic.spec().partitions() - 1)));
        }
        return position;
    }

    private static byte[] envelope(List<StoredEvent> events, String next) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + events.size() * 256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (StoredEvent e : events) {
                StoredEventJson.write(g, e);
            }
            g.writeEndArray();
            g.writeStringField("next", next);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static byte[] batch(List<StoredEvent> events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 256 + 2);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartArray();
            for (StoredEvent e : events) {
                EventJson.write(g, e.event());
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }
}
