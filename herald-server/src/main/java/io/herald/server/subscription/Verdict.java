package io.herald.server.subscription;

import java.time.Duration;
import java.util.Optional;

/** What a consumer says about a delivery, by its receipt. */
sealed interface Verdict {

    /** The word for it in paths and answers: ack, nack, reject, extend. */
    String name();

    /** Whether it ends the delivery (all but extend do). */
    default boolean ends() {
        return !(this instanceof Extend);
    }

    record Ack() implements Verdict {
        public String name() {
            return "ack";
        }
    }

    /** Deliver again: after {@code delay} if given, else after the retry policy's backoff. */
    record Nack(Optional<Duration> delay) implements Verdict {
        public String name() {
            return "nack";
        }
    }

    record Reject(String reason) implements Verdict {
        public String name() {
            return "reject";
        }
    }

    record Extend(Duration by) implements Verdict {
        public String name() {
            return "extend";
        }
    }
}
