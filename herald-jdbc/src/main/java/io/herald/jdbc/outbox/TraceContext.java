package io.herald.jdbc.outbox;

import java.util.Optional;

/**
 * Where the outbox finds the W3C {@code traceparent} of the transaction that writes an event, so
 * that a consumer's span continues the writer's trace although the relay publishes later, on
 * another thread. An adapter for OpenTelemetry formats the current span's context; an event that
 * already carries a traceparent keeps its own. Implementations are called on the writing thread.
 */
@FunctionalInterface
public interface TraceContext {

    /** The current traceparent ({@code 00-<trace id>-<parent id>-<flags>}), if the thread is in a trace. */
    Optional<String> currentTraceparent();

    /** No tracing: events carry only the traceparents they were built with. */
    static TraceContext none() {
        return Optional::empty;
    }
}
