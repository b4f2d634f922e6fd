package io.herald.broker;

import io.herald.error.InvalidSpecException;
import io.herald.event.EventFilter;

/** Which dead letters an operation takes: all, those whose event matches a pattern, or a range of positions. */
public sealed interface DeadLetterSelector {

    static DeadLetterSelector all() {
        return new All();
    }

    /** Those whose original event matches the EventBridge pattern. */
    static DeadLetterSelector matching(String pattern) {
        return new Matching(EventFilter.compile(pattern));
    }

    /** Those at offsets {@code from}..{@code to} (inclusive) of one partition of the dead-letter topic. */
    static DeadLetterSelector range(int partition, long from, long to) {
        return new Range(partition, from, to);
    }

    boolean selects(DeadLetter deadLetter);

    record All() implements DeadLetterSelector {
        @Override
        public boolean selects(DeadLetter deadLetter) {
            return true;
        }
    }

    record Matching(EventFilter filter) implements DeadLetterSelector {
        @Override
        public boolean selects(DeadLetter deadLetter) {
            return filter.matches(deadLetter.event());
        }
    }

    record Range(int partition, long from, long to) implements DeadLetterSelector {
        public Range {
            if (partition < 0 || from < 0 || to < from) {
                throw new InvalidSpecException("a dead-letter range needs a partition >= 0 and 0 <= from <= to, got partition "
                        + partition + ", " + from + ".." + to);
            }
        }

        @Override
        public boolean selects(DeadLetter deadLetter) {
            Position p = deadLetter.position();
            return p.partition() == partition && p.offset() >= from && p.offset() <= to;
        }
    }
}
