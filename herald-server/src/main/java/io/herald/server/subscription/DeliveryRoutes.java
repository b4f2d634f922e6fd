package io.herald.server.subscription;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Delivery;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.http.DeliveryJson;
import io.herald.http.Json;
import io.herald.http.JsonFields;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.server.auth.Access;
import io.herald.server.auth.Permission;
import io.herald.server.cluster.Forwarder;
import io.herald.server.config.ServerConfig.Limits;
import io.herald.server.http.Api;
import io.herald.server.http.Drain;
import io.herald.server.http.Params;
import io.herald.server.http.RequestBody;
import io.herald.server.http.ResponseBody;
import io.herald.server.http.SseStream;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Consuming over HTTP. {@code POST .../receive} long-polls for deliveries, each with a receipt;
 * {@code POST .../ack|nack|reject|extend} settles receipts, one or many per request;
 * {@code GET .../stream} pushes deliveries as Server-Sent Events with credit-based flow control:
 * the client grants {@code credits}, and the server never has more than that many of the
 * stream's deliveries unsettled (a verdict or an expired lease gives a credit back).
 */
final class DeliveryRoutes implements Api.Resource {

    private static final int MAX_RECEIPTS = 1000;
    private static final Duration MAX_EXTEND = Duration.ofHours(12);
    private static final Duration MAX_NACK_DELAY = Duration.ofDays(1);
    private static final int MAX_REASON = 2000;
    private static final int DEFAULT_CREDITS = 10;

    private final Receivers receivers;
    private final ReceiptBook book;
    private final Settlement settlement;
    private final DeliveryStreams streams;
    private final Drain drain;
    private final Limits limits;

    DeliveryRoutes(Receivers receivers, ReceiptBook book, Settlement settlement, DeliveryStreams streams, Drain drain, Limits limits) {
        this.receivers = receivers;
        this.book = book;
        this.settlement = settlement;
        this.streams = streams;
        this.drain = drain;
        this.limits = limits;
    }

    @Override
    public void addTo(Api api) {
        String one = "/topics/{topic}/subscriptions/{subscription}";
        Access consume = Access.onTopic(Permission.CONSUME);
        api.post(one + "/receive", consume, this::receive);
        api.post(one + "/ack", consume, ctx -> settle(ctx, body -> new Verdict.Ack(), Set.of("receipts")));
        api.post(one + "/nack", consume, ctx -> settle(ctx, body -> new Verdict.Nack(body.optionalDuration("delay")
                .map(d -> check(body, "delay", d, Duration.ZERO, MAX_NACK_DELAY))), Set.of("receipts", "delay")));
        api.post(one + "/reject", consume, ctx -> settle(ctx, body -> new Verdict.Reject(reason(body)), Set.of("receipts", "reason")));
        api.post(one + "/extend", consume, ctx -> settle(ctx, body -> new Verdict.Extend(check(body, "by",
                body.optionalDuration("by").orElseThrow(() -> body.bad("by", "is required: how much longer to hold the deliveries")),
                Duration.ofMillis(1), MAX_EXTEND)), Set.of("receipts", "by")));
        api.get(one + "/stream", consume, this::stream);
    }

    private void receive(Context ctx) throws IOException {
        String topic = ctx.pathParam("topic");
        String subscription = ctx.pathParam("subscription");
        int max = Params.integer(ctx, "max", 10, 1, limits.maxReceive());
        Duration wait = Params.duration(ctx, "wait", Duration.ZERO, Duration.ZERO, limits.maxWait());
        Receivers.Receiver receiver = receivers.get(topic, subscription);
        Optional<Duration> extra = longerLease(ctx, receiver);
        List<Delivery> deliveries = receiver.poll(max, wait);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + deliveries.size() * 512);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("deliveries");
            for (Delivery d : deliveries) {
                ReceiptBook.Entry entry = issue(topic, subscription, d, extra, () -> { });
                DeliveryJson.write(g, d, entry.receipt, entry.deadline());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        ctx.contentType("application/json");
        ResponseBody.write(ctx, out.toByteArray());
    }

    private ReceiptBook.Entry issue(String topic, String subscription, Delivery d, Optional<Duration> extra, Runnable onEnd) {
        Instant deadline = d.leaseDeadline();
        if (extra.isPresent()) {
            d.extend(extra.get());
            deadline = deadline.plus(extra.get());
        }
        return book.issue(topic, subscription, d, deadline, onEnd);
    }

    /** {@code lease}: how long to hold what this request gets; it can only lengthen the subscription's lease. */
    private static Optional<Duration> longerLease(Context ctx, Receivers.Receiver receiver) {
        Optional<Duration> lease = Params.optionalDuration(ctx, "lease", Duration.ofMillis(1), MAX_EXTEND);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        Duration base = receiver.spec().leaseDuration();
        if (lease.get().compareTo(base) < 0) {
            throw new ProblemException(Problem.badParameter("lease", "'lease' can lengthen the subscription's lease of "
                    + io.herald.broker.Durations.format(base) + ", not shorten it; got " + io.herald.broker.Durations.format(lease.get())
                    + " (give the subscription a shorter lease instead)"));
        }
        return lease.get().equals(base) ? Optional.empty() : Optional.of(lease.get().minus(base));
    }

    @FunctionalInterface
    private interface VerdictParser {
        Verdict parse(JsonFields body);
    }

    private void settle(Context ctx, VerdictParser parser, Set<String> members) throws IOException {
        String topic = ctx.pathParam("topic");
        String subscription = ctx.pathParam("subscription");
        JsonFields body = JsonFields.of(Json.object(RequestBody.bytes(ctx)), members);
        List<String> receipts = body.optionalStrings("receipts").orElseThrow(() -> body.bad("receipts",
                "is required: the receipts of the deliveries, as receive answered them"));
        if (receipts.isEmpty() || receipts.size() > MAX_RECEIPTS) {
            throw body.bad("receipts", "must hold 1 to " + MAX_RECEIPTS + " receipts, got " + receipts.size());
        }
        if (receipts.stream().distinct().count() != receipts.size()) {
            throw body.bad("receipts", "holds a receipt twice");
        }
        Verdict verdict = parser.parse(body);
        Settlement.Answer answer = settlement.settle(topic, subscription, receipts, verdict,
                Optional.ofNullable(ctx.header("Authorization")), ctx.header(Forwarder.HEADER) != null);
        ctx.status(answer.status()).contentType(answer.status() >= 400 ? Problem.CONTENT_TYPE : "application/json");
        ResponseBody.write(ctx, Json.write(answer.body()));
    }

    private static String reason(JsonFields body) {
        String reason = body.optionalString("reason").orElse("rejected by the consumer");
        if (reason.isBlank() || reason.length() > MAX_REASON) {
            throw body.bad("reason", "must be 1 to " + MAX_REASON + " characters");
        }
        return reason;
    }

    private static Duration check(JsonFields body, String member, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw body.bad(member, "must be between " + io.herald.broker.Durations.format(min) + " and "
                    + io.herald.broker.Durations.format(max) + ", got " + io.herald.broker.Durations.format(value));
        }
        return value;
    }

    private void stream(Context ctx) throws IOException {
        String topic = ctx.pathParam("topic");
        String subscription = ctx.pathParam("subscription");
        int credits = Params.integer(ctx, "credits", DEFAULT_CREDITS, 1, limits.maxReceive());
        Receivers.Receiver first = receivers.get(topic, subscription);
        Optional<Duration> extra = longerLease(ctx, first);
        Semaphore available = new Semaphore(credits);
        DeliveryStreams.Stream stream = streams.open(topic, subscription);
        try {
            SseStream sse = SseStream.start(ctx);
            Receivers.Receiver receiver = first;
            while (sse.open() && !stream.ended() && !drain.started()) {
                if (!available.tryAcquire(1, 1, TimeUnit.SECONDS)) {
                    sse.keepAlive();
                    continue;
                }
                int want = 1 + available.drainPermits();
                if (receiver.closed()) {
                    receiver = receivers.get(topic, subscription);
                }
                List<Delivery> got = receiver.poll(want, Receivers.SLICE.multipliedBy(5));
                available.release(want - got.size());
                for (int i = 0; i < got.size(); i++) {
                    Delivery d = got.get(i);
                    if (!sse.open()) {
                        // the client left: the rest go back for the next consumer, their leases still running
                        receiver.giveBack(new ArrayList<>(got.subList(i, got.size())));
                        available.release(got.size() - i);
                        break;
                    }
                    ReceiptBook.Entry entry = issue(topic, subscription, d, extra, available::release);
                    sse.event(entry.receipt, null, deliveryJson(d, entry));
                }
                sse.keepAlive();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SubscriptionNotFoundException e) {
            // deleted while streaming: the stream ends, a reconnect gets the 404
        } finally {
            streams.closed(topic, subscription, stream);
        }
    }

    private static String deliveryJson(Delivery d, ReceiptBook.Entry entry) throws IOException {
        StringWriter out = new StringWriter(512 + d.event().dataLength());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            DeliveryJson.write(g, d, entry.receipt, entry.deadline());
        }
        return out.toString();
    }

}
