package io.herald.broker;

import io.herald.error.InvalidSpecException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * An offset per partition: each listed partition starts at its offset (clamped to what the
     * partition holds), every other partition at its end, as {@link #latest()}. A resume token
     * that lists every partition resumes exactly where it was taken; {@code {0: 12}} reads
     * partition 0 from 12 and, elsewhere, only what is published from now on. A listed partition
     * the topic does not have is ignored.
     */
    static StartPosition offsets(Map<Integer, Long> offsets) {
        return new AtOffsets(AtOffsets.checkedCopy(offsets));
    }

    /**
     * Parses {@code earliest}, {@code latest}, an ISO-8601 instant, an offset, or offsets per
     * partition as {@code P@O[,P@O...]} (the form {@link AtOffsets#toString()} writes).
     */
    static StartPosition parse(String text) {
        String t = text.trim();
        if (t.indexOf('@') >= 0) {
            return AtOffsets.parse(t);
        }
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
            throw new InvalidSpecException("start position must be 'earliest', 'latest', an offset, offsets per partition "
                    + "such as 0@12,1@7 or an ISO-8601 instant such as 2026-11-22T10:15:30Z, got '" + text + "'");
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

    /**
     * An offset per listed partition (see {@link StartPosition#offsets}); the map is an immutable
     * sorted copy, not empty, of partitions and offsets that are both {@code >= 0}.
     */
    record AtOffsets(SortedMap<Integer, Long> offsets) implements StartPosition {

        private static final Pattern ENTRY = Pattern.compile("\\s*(\\d{1,10})\\s*@\\s*(\\d{1,19})\\s*");

        public AtOffsets {
            offsets = checkedCopy(offsets);
        }

        private static SortedMap<Integer, Long> checkedCopy(Map<Integer, Long> offsets) {
            if (offsets == null || offsets.isEmpty()) {
                throw new InvalidSpecException("offsets per partition must list at least one partition, got " + offsets);
            }
            TreeMap<Integer, Long> copy = new TreeMap<>();
            offsets.forEach((partition, offset) -> {
                if (partition == null || partition < 0) {
                    throw new InvalidSpecException("a partition must be >= 0, got " + partition + " in " + offsets);
                }
                if (offset == null || offset < 0) {
                    throw new InvalidSpecException("offset must be >= 0, got " + offset + " for partition " + partition);
                }
                copy.put(partition, offset);
            });
            return Collections.unmodifiableSortedMap(copy);
        }

        /** The offset listed for the partition, or empty when the partition starts at its end. */
        public OptionalLong offset(int partition) {
            Long offset = offsets.get(partition);
            return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
        }

        static AtOffsets parse(String text) {
            TreeMap<Integer, Long> offsets = new TreeMap<>();
            for (String entry : text.split(",", -1)) {
                Matcher m = ENTRY.matcher(entry);
                if (!m.matches()) {
                    throw new InvalidSpecException("offsets per partition must be PARTITION@OFFSET[,PARTITION@OFFSET...] "
                            + "such as 0@12,1@7, got '" + text + "'");
                }
                int partition;
                long offset;
                try {
                    partition = Integer.parseInt(m.group(1));
                    offset = Long.parseLong(m.group(2));
                } catch (NumberFormatException e) {
                    throw new InvalidSpecException("partition or offset too large in '" + entry.trim() + "' of '" + text + "'");
                }
                if (offsets.put(partition, offset) != null) {
                    throw new InvalidSpecException("partition " + partition + " is listed twice in '" + text + "'");
                }
            }
            return new AtOffsets(offsets);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            offsets.forEach((partition, offset) -> s.append(s.isEmpty() ? "" : ",").append(partition).append('@').append(offset));
            return s.toString();
        }
    }
}
