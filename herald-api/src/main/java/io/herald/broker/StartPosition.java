package io.herald.broker;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Where a reader, or a subscription with no committed cursor, begins; also the target of a
 * replay ({@link Broker#resetSubscription}).
 */
public sealed interface StartPosition {

    StartPosition EARLIEST = new Earliest();
    StartPosition LATEST = new Latest();

    static StartPosition earliest() {
        return EARLIEST;
    }

    static StartPosition latest() {
        return LATEST;
    }

    /** The first event appended at or after the instant, in each partition. */
    static StartPosition at(Instant time) {
        return new AtTime(time);
    }

    /** The same offset in every partition (clamped to what the partition holds). */
    static StartPosition offset(long offset) {
        return new AtOffset(offset);
    }

    /** Parses {@code earliest}, {@code latest}, an ISO-8601 instant or an offset. */
    static StartPosition parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("earliest")) {
            return EARLIEST;
        }
        if (t.equalsIgnoreCase("latest")) {
            return LATEST;
        }
        if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return offset(Long.parseLong(t));
            } catch (NumberFormatException e) {
                throw new InvalidSpecException("offset '" + t + "' is too large");
            }
        }
        try {
            return at(Instant.parse(t));
        } catch (DateTimeParseException e) {
            throw new InvalidSpecException("start position must be 'earliest', 'latest', an offset or an ISO-8601 instant "
                    + "such as 2026-11-22T10:15:30Z, got '" + text + "'");
        }
    }

    record Earliest() implements StartPosition {
        @Override
        public String toString() {
            return "earliest";
        }
    }

    record Latest() implements StartPosition {
        @Override
        public String toString() {
            return "latest";
        }
    }

    record AtTime(Instant time) implements StartPosition {
        public AtTime {
            java.util.Objects.requireNonNull(time, "time");
        }

        @Override
        public String toString() {
            return time.toString();
        }
    }

    record AtOffset(long offset) implements StartPosition {
        public AtOffset {
            if (offset < 0) {
                throw new InvalidSpecException("offset must be >= 0, got " + offset);
            }
        }

        @Override
        public String toString() {
            return Long.toString(offset);
        }
    }
}
