package io.herald.jdbc.inbox;

/** What {@link Inbox#handle} did with an event. */
public enum InboxOutcome {
    /** First time for this subscription: the work ran and the event is recorded. */
    APPLIED,
    /** Already recorded for this subscription: the work did not run. */
    DUPLICATE
}
