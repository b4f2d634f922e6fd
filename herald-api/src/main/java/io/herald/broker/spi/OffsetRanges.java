package io.herald.broker.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * Offsets of one partition finished at or above its committed offset, as ranges, and their text
 * form for a cursor record. A committed offset cannot pass an offset that is not finished (a
 * delayed event not due yet, an event whose retry waits), so without this every later owner of
 * the partition would redo everything finished behind it, and a restart would deliver again every
 * event acked out of order; with it, they are skipped. Users: the Kafka delayed-event forwarder
 * (offsets released) and both backends' KEY/NONE engines (offsets acked, dead-lettered or
 * filtered out: in Kafka's commit metadata, in the embedded broker's cursor log). Ranges, not
 * offsets: offsets finish in runs, so memory and text stay small even when a million finished
 * behind one unfinished offset.
 *
 * <pre>
 * text  = "r1:" range ("," range)*
 * range = start ["+" extra]     start: first offset - committed, base 36; extra: length - 1, base 36
 * </pre>
 *
 * Kafka keeps at most {@code offset.metadata.max.bytes} (4096 by default) of metadata, and a
 * cursor record should stay small, so {@link #encode} writes the lowest ranges up to a length its
 * caller gives and leaves the rest out: a new owner does those once more (at least once, never lost). Text that is absent or not
 * ours reads as nothing finished. Not thread-safe: one owner (a thread or a lock) keeps it.
 */
public final class OffsetRanges {

    /** The forwarder's budget: its metadata holds nothing else. */
    public static final int MAX_CHARS = 3000;

    private static final String VERSION = "r1:";

    /** First offset of each range to its last offset; ranges never touch or overlap. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    public void add(long offset) {
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

    /** Adds the offsets {@code first..last}, merging with the ranges they overlap or touch. */
    public void add(long first, long last) {
        if (last < first) {
            throw new IllegalArgumentException("range " + first + ".." + last + " is empty");
        }
        long start = first;
        long end = last;
        Map.Entry<Long, Long> below = ranges.floorEntry(first);
        if (below != null && below.getValue() >= first - 1) {
            start = below.getKey();
            end = Math.max(end, below.getValue());
        }
        Map.Entry<Long, Long> next;
        while ((next = ranges.ceilingEntry(start)) != null && next.getKey() <= end + 1) {
            ranges.remove(next.getKey());
            end = Math.max(end, next.getValue());
        }
        ranges.put(start, end);
    }

    /**
     * Adds the offsets {@code first..last}, which lie above every offset held (a caller walking
     * its offsets upwards): one range, where {@link #add} per offset would cost one each.
     */
    public void addRunAbove(long first, long last) {
        Map.Entry<Long, Long> top = ranges.lastEntry();
        if (top != null && first <= top.getValue()) {
            throw new IllegalArgumentException("run " + first + ".." + last + " is not above " + top.getValue());
        }
        if (top != null && top.getValue() == first - 1) {
            ranges.put(top.getKey(), last);
        } else {
            ranges.put(first, last);
        }
    }

    /** Hands each range at or above {@code from} (a range across it cut there) to {@code action}, lowest first. */
    public void forEachFrom(long from, RangeAction action) {
        for (Map.Entry<Long, Long> range : ranges.entrySet()) {
            if (range.getValue() >= from) {
                action.accept(Math.max(range.getKey(), from), range.getValue());
            }
        }
    }

    /** What {@link #forEachFrom} does with a range. */
    @FunctionalInterface
    public interface RangeAction {
        void accept(long first, long last);
    }

    /** The highest offset held, or -1 if none. */
    public long highest() {
        Map.Entry<Long, Long> top = ranges.lastEntry();
        return top == null ? -1 : top.getValue();
    }

    public boolean contains(long offset) {
        Map.Entry<Long, Long> range = ranges.floorEntry(offset);
        return range != null && range.getValue() >= offset;
    }

    /** Forgets the offsets below {@code offset}: the commit point has passed them. */
    public void forgetBelow(long offset) {
        Map.Entry<Long, Long> first;
        while ((first = ranges.firstEntry()) != null && first.getKey() < offset) {
            ranges.pollFirstEntry();
            if (first.getValue() >= offset) {
                ranges.put(offset, first.getValue());
            }
        }
    }

    public int rangeCount() {
        return ranges.size();
    }

    /** The ranges at or above {@code committed}, lowest first, in at most {@code maxChars} characters. */
    public String encode(long committed, int maxChars) {
        StringBuilder out = new StringBuilder(VERSION);
        for (Map.Entry<Long, Long> range : ranges.tailMap(committed, true).entrySet()) {
            long start = range.getKey();
            long end = range.getValue();
            String text = Long.toString(start - committed, 36) + (end > start ? "+" + Long.toString(end - start, 36) : "");
            boolean first = out.length() == VERSION.length();
            if (out.length() + text.length() + (first ? 0 : 1) > maxChars) {
                break;
            }
            out.append(first ? "" : ",").append(text);
        }
        return out.toString();
    }

    public static OffsetRanges decode(long committed, String metadata) {
        OffsetRanges finished = new OffsetRanges();
        if (metadata == null || !metadata.startsWith(VERSION) || metadata.length() == VERSION.length()) {
            return finished;
        }
        try {
            for (String range : metadata.substring(VERSION.length()).split(",")) {
                int plus = range.indexOf('+');
                long start = committed + Long.parseLong(plus < 0 ? range : range.substring(0, plus), 36);
                long end = start + (plus < 0 ? 0 : Long.parseLong(range.substring(plus + 1), 36));
                if (start < committed || end < start) {
                    return new OffsetRanges();
                }
                finished.ranges.merge(start, end, Math::max);
            }
        } catch (NumberFormatException e) {
            return new OffsetRanges(); // not ours after all: nothing is known to be finished
        }
        return finished;
    }
}
