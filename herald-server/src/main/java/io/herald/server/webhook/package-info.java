/**
 * Webhooks: subscriptions that push each event to an HTTP endpoint.
 *
 * <pre>
 *  Webhooks.put ──▶ herald.server.webhooks (Broker API topic) ──follower, every server──▶ Pusher per webhook
 *                                                                                             │ broker.subscribe(topic, sub, spec, handler)
 *                                                                                             ▼
 *  delivery ──▶ WebhookHandler: Destination (breaker, then rate slot; lease kept while waiting)
 *                 └─▶ POST, CloudEvents binary mode + Standard Webhooks signature ──▶ Call ──▶ Verdict
 *                        2xx ─────────────────────────────▶ return            (ack)
 *                        408, 429, 3xx, 5xx, timeout, no connection
 *                            ├ Retry-After ───────────────▶ RetryAfterException (retry policy, not sooner)
 *                            └ otherwise ─────────────────▶ WebhookCallException (retry policy)
 *                        other 4xx ───────────────────────▶ RejectException     (dead letter now)
 * </pre>
 *
 * <b>Guarantees.</b> At least once, as the subscription: an event is acked only after a 2xx,
 * so a receiver sees duplicates after a timeout whose call did arrive, a lease that ran out, or
 * a rebalance; the {@code webhook-id} header is the same for every attempt of one event, for the
 * receiver to deduplicate by. Waiting for an open circuit breaker or a rate slot costs no
 * attempt. Every failure's message (status and the start of the body) becomes the dead letter's
 * error.
 *
 * <p><b>Caveats.</b>
 * <ul>
 *   <li>The rate limit and the circuit breaker are per server: on a Kafka cluster of N servers
 *       a destination can see up to N times the rate, and each server's breaker learns on its
 *       own.
 *   <li>A delivery that waits keeps its lease by {@code Delivery.extend}. With {@code PARTITION}
 *       ordering on Kafka there is no per-event lease: a handler that waits longer than the
 *       subscription's session timeout (Kafka's {@code max.poll.interval.ms}) loses the member's
 *       partitions. Give such webhooks a session timeout above their {@code timeout} and
 *       {@code openFor}.
 *   <li>A stop (server closing, webhook changed or removed) ends deliveries that wait for their
 *       destination with {@link io.herald.server.webhook.WebhookStoppedException}: that costs
 *       them an attempt, since the Broker API cannot hand a delivery back uncounted.
 *   <li>The registry topic holds secrets and header values in clear; whoever can read it can
 *       read them.
 * </ul>
 *
 * <b>Not done here:</b> following redirects (a 3xx is a failure, as Standard Webhooks advises),
 * disabling an endpoint after 410 Gone or long failure, secret rotation with two signatures,
 * asymmetric ({@code v1a}) signatures, guarding against server-side request forgery (a URL may
 * point at an internal address).
 */
package io.herald.server.webhook;
