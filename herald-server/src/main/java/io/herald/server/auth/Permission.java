package io.herald.server.auth;


/**
 * What a token may do on a topic. {@code ADMIN} includes the other two.
 *
 * <ul>
 *   <li>{@code PUBLISH}: publish events to the topic, describe it;
 *   <li>{@code CONSUME}: read it, create, describe and reset its subscriptions, receive, settle
 *       and stream deliveries, list and show dead letters;
 *   <li>{@code ADMIN}: create and delete the topic, delete subscriptions, redrive and purge dead letters.
 * </ul>
 */
public enum Permission {
    PUBLISH, CONSUME, ADMIN;

    /** Whether holding this permission allows {@code needed}. */
    public boolean covers(Permission needed) {
        return this == ADMIN || this == needed;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
