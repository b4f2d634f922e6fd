package io.herald.kafka.delay;

import java.util.Map;
import java.util.TreeMap;

/**
 * The offsets of one delay partition released at or above its commit point, as ranges, and their
 * form in the partition's commit metadata. The committed offset cannot pass an event that is not
 * due yet, so without this a far-future event would make every later owner release again
 * everything behind it that was long released; with it, a new owner skips them. Ranges, not
 * offsets: events are released in due order, so released offsets come in runs, and memory stays
 * small even when a million were released behind one pending event.
 *
 * <pre>
 * metadata = "r1:" range ("," range)*
 * range    = start ["+" extra]     start: first offset - committed, base 36; extra: length - 1, base 36
 * </pre>
 *
 * Kafka keeps at most {@code offset.metadata.max.bytes} (4096 by default) of metadata, so ranges
 * are written up to {@link #MAX_CHARS} and the rest are left out: a new owner would release those
 * once more (at least once, never lost). Metadata that is absent or not ours reads as nothing
 * released. Not thread-safe: one forwarder thread owns it.
 */
final class ReleasedOffsets {

    static final int MAX_CHARS = 3000;
    private static final String VERSION = "r1:";

    /** First offset of each range to its last offset; ranges never touch or overlap. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    void add(long offset) {
        if (contains(offset)) {
            return;
        }
        long start = offset;
        long end = offset;
        Map.Entry<Long, Long> before = ranges.floorEntry(offset - 1);
        if (before != null && before.getValue() == offset - 1) {
            start = before.getKey();
            ranges.remove(start);
        }
        Long after = ranges.containsKey(offset + 1) ? ranges.remove(offset + 1) : null;
        if (after != null) {
            end = after;
        }
        ranges.put(start, end);
    }

    boolean contains(long offset) {
        Map.Entry<Long, Long> range = ranges.floorEntry(offset);
        return range != null && range.getValue() >= offset;
    }

    /** Forgets the offsets below {@code offset}: the commit point has passed them. */
    void forgetBelow(long offset) {
        Map.Entry<Long, Long> first;
        while ((first = ranges.firstEntry()) != null && first.getKey() < offset) {
            ranges.pollFirstEntry();
            if (first.getValue() >= offset) {
                ranges.put(offset, first.getValue());
            }
        }
    }

    int rangeCount() {
        return ranges.size();
    }

    String encode(long committed) {
        StringBuilder out = new StringBuilder(VERSION);
        for (Map.Entry<Long, Long> range : ranges.tailMap(committed, true).entrySet()) {
            long start = range.getKey();
            long end = range.getValue();
            String text = Long.toString(start - committed, 36) + (end > start ? "+" + Long.toString(end - start, 36) : "");
            boolean first = out.length() == VERSION.length();
            if (out.length() + text.length() + (first ? 0 : 1) > MAX_CHARS) {
                break;
            }
            out.append(first ? "" : ",").append(text);
        }
        return out.toString();
    }

    static ReleasedOffsets decode(long committed, String metadata) {
        ReleasedOffsets released = new ReleasedOffsets();
        if (metadata == null || !metadata.startsWith(VERSION) || metadata.length() == VERSION.length()) {
            return released;
        }
        try {
            for (String range : metadata.substring(VERSION.length()).split(",")) {
                int plus = range.indexOf('+');
                long start = committed + Long.parseLong(plus < 0 ? range : range.substring(0, plus), 36);
                long end = start + (plus < 0 ? 0 : Long.parseLong(range.substring(plus + 1), 36));
                if (start < committed || end < start) {
                    return new ReleasedOffsets();
                }
                released.ranges.merge(start, end, Math::max);
            }
        } catch (NumberFormatException e) {
            return new ReleasedOffsets(); // not ours after all: nothing is known to be released
        }
        return released;
    }
}
