package io.herald.server.webhook;

import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Ordering;
import io.herald.broker.RejectException;
import io.herald.broker.RetryAfterException;
import io.herald.broker.SubscriptionSpec;
import io.herald.http.CloudEventsHttp;
import io.herald.http.WebhookConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A webhook's push handler: for each delivery it waits until the destination lets a call through
 * (its circuit breaker closed, or this call the probe; then its rate slot), POSTs the event in
 * CloudEvents binary mode with the Standard Webhooks signature, and turns the answer into the
 * delivery's end by {@link Verdict}: return (ack), {@link RejectException} (dead letter now),
 * {@link RetryAfterException} or {@link WebhookCallException} (the retry policy decides).
 *
 * <p>Waiting costs no attempt: the delivery stays with this handler, and its lease is extended
 * as the wait goes on (slices of at most a second, a third of the lease or of the session), and
 * before each call for the call's timeout. Thread-safe: the broker calls it from up to
 * {@code spec.concurrency()} threads at once.
 */
final class WebhookHandler implements DeliveryHandler {

    /** The most of an answer's body that is read: enough for the excerpt a failure quotes. */
    static final int BODY_BYTES = 2048;
    static final String USER_AGENT = "herald-webhook/1";
    /** Added to every lease extension, so that the lease does not run out between two checks. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(2);
    private static final Duration MAX_SLICE = Duration.ofSeconds(1);
    private static final Duration MIN_SLICE = Duration.ofMillis(5);

    private final String topic;
    private final String subscription;
    private final WebhookConfig config;
    /** Signs: initialised with the webhook's key once, cloned per call. */
    private final javax.crypto.Mac key;
    private final String target;
    private final Destination destination;
    private final HttpClient client;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final WebhookMetrics metrics;
    private final BooleanSupplier stopping;
    private final long sliceNanos;
    private final boolean leasePerDelivery;

    WebhookHandler(String topic, String subscription, SubscriptionSpec spec, WebhookConfig config, Destination destination,
                   HttpClient client, Clock clock, LongSupplier nanoTime, WebhookMetrics metrics, BooleanSupplier stopping) {
        this.topic = topic;
        this.subscription = subscription;
        this.config = config;
        this.key = WebhookSignature.keyed(config.secret().orElseThrow(() -> new IllegalArgumentException("a running webhook has a secret")).key());
        this.target = "POST " + WebhookConfig.redactedUrl(config.url());
        this.destination = destination;
        this.client = client;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.metrics = metrics;
        this.stopping = stopping;
        Duration slice = MAX_SLICE;
        for (Duration bound : List.of(spec.leaseDuration().dividedBy(3), spec.sessionTimeout().dividedBy(3))) {
            slice = bound.compareTo(slice) < 0 ? bound : slice;
        }
        this.sliceNanos = Math.max(MIN_SLICE.toNanos(), slice.toNanos());
        // PARTITION: the "lease" is the member's hold on its partitions; extend() is a heartbeat
        this.leasePerDelivery = spec.ordering() != Ordering.PARTITION;
    }

    @Override
    public void handle(Delivery delivery) throws Exception {
        CircuitBreaker.Permit permit = admit(delivery);
        Call call;
        try {
            keepLease(delivery, config.timeout());
            call = send(delivery);
        } catch (InterruptedException | RuntimeException e) {
            destination.abandoned(permit, nanoTime.getAsLong());
            throw e;
        }
        Verdict verdict = Verdict.of(call, target, clock.instant());
        long now = nanoTime.getAsLong();
        switch (verdict) {
            case Verdict.Delivered d -> {
                destination.succeeded(permit, now);
                metrics.count(WebhookMetrics.DELIVERED);
            }
            case Verdict.Refused r -> {
                // the destination is up: it answered, and said no to this event
                destination.succeeded(permit, now);
                metrics.count(WebhookMetrics.REJECTED);
                throw new RejectException(r.message());
            }
            case Verdict.Retry r -> {
                destination.failed(permit, now);
                metrics.count(r.outcome());
                if (r.retryAfter().isPresent()) {
                    throw new RetryAfterException(r.message(), r.retryAfter().get());
                }
                throw new WebhookCallException(r.message());
            }
        }
    }

    /** Waits until the breaker lets this call through and its rate slot has come; returns the breaker's permit. */
    private CircuitBreaker.Permit admit(Delivery delivery) throws InterruptedException {
        boolean countedOpen = false;
        while (true) {
            requireRunning(delivery, "waiting for " + destination);
            long now = nanoTime.getAsLong();
            CircuitBreaker.Permit permit = destination.permit(now);
            if (permit instanceof CircuitBreaker.Wait wait) {
                if (!countedOpen) {
                    metrics.count(WebhookMetrics.CIRCUIT_OPEN);
                    countedOpen = true;
                }
                // one slice, then ask again: the probe's result wakes the waiters early
                long slice = Math.min(sliceNanos, Math.max(0, wait.until() - now));
                keepLease(delivery, Duration.ofNanos(slice));
                destination.await(slice);
                continue;
            }
            long slot = now + destination.reserve(now);
            try {
                for (long left = slot - now; left > 0; left = slot - nanoTime.getAsLong()) {
                    requireRunning(delivery, "waiting for its rate slot at " + destination);
                    long slice = Math.min(sliceNanos, left);
                    keepLease(delivery, Duration.ofNanos(slice));
                    destination.await(slice);
                }
            } catch (InterruptedException | RuntimeException e) {
                destination.cancel(slot);
                destination.abandoned(permit, nanoTime.getAsLong());
                throw e;
            }
            return permit;
        }
    }

    private void requireRunning(Delivery delivery, String doing) {
        if (stopping.getAsBoolean()) {
            metrics.count(WebhookMetrics.STOPPED);
            throw new WebhookStoppedException("the webhook of subscription '" + subscription + "' on topic '" + topic
                    + "' stopped while " + doing + " (attempt " + delivery.attempt() + "); no call was made");
        }
    }

    /** Makes the delivery's lease last at least {@code needed} more (plus a margin). */
    private void keepLease(Delivery delivery, Duration needed) {
        if (!leasePerDelivery) {
            delivery.extend(needed);
            return;
        }
        Duration left = Duration.between(clock.instant(), delivery.leaseDeadline());
        Duration wanted = needed.plus(LEASE_MARGIN);
        if (left.compareTo(wanted) < 0) {
            delivery.extend(left.isNegative() ? wanted : wanted.minus(left));
        }
    }

    private Call send(Delivery delivery) throws InterruptedException {
        List<String[]> ceHeaders = new ArrayList<>();
        byte[] body = CloudEventsHttp.encodeBinary(delivery.event(), (name, value) -> ceHeaders.add(new String[]{name, value}));
        String id = WebhookSignature.messageId(topic, subscription, delivery.event());
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
                .timeout(config.timeout())
                .version("https".equalsIgnoreCase(config.url().getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .setHeader("User-Agent", USER_AGENT);
        config.headers().forEach(request::setHeader);
        for (String[] h : ceHeaders) {
            request.setHeader(h[0], h[1]);
        }
        request.setHeader(WebhookSignature.ID, id)
                .setHeader(WebhookSignature.TIMESTAMP, Long.toString(timestamp))
                .setHeader(WebhookSignature.SIGNATURE, WebhookSignature.sign(key, id, timestamp, body));
        long started = nanoTime.getAsLong();
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request.build(), info -> new Excerpt(BODY_BYTES));
        try {
            // the request timeout covers the wait for the answer's headers; this one covers its body too
            HttpResponse<byte[]> response = answer.get(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
            return new Call.Answered(response.statusCode(), response.headers().firstValue("Retry-After"),
                    response.headers().firstValue("Location"), response.body());
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Call.TimedOut(config.timeout());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return new Call.TimedOut(config.timeout());
            }
            return new Call.Unreachable(describe(cause));
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } finally {
            metrics.called(Duration.ofNanos(nanoTime.getAsLong() - started));
        }
    }

    /**
     * The causes, outermost first, each with its message if it has one:
     * "ConnectException: Connection refused", or "ConnectException (ClosedChannelException)"
     * when the JDK gives none.
     */
    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause(), depth++) {
            String message = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
            out.append(depth == 0 ? "" : " (").append(t.getClass().getSimpleName());
            if (message != null) {
                out.append(": ").append(message);
                depth++;
                break;
            }
        }
        out.append(")".repeat(Math.max(0, depth - 1)));
        return out.toString();
    }

    /**
     * Keeps the first {@code limit} bytes of an answer's body and drops the connection after
     * them: a destination that answers with a large (or endless) body costs a bounded read.
     */
    static final class Excerpt implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Excerpt(int limit) {
            this.limit = limit;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), limit - bytes.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                result.complete(bytes.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }
    }
}
