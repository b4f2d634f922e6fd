package io.herald.http;

import io.herald.broker.InvalidSpecException;
import io.herald.broker.Position;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Positions as text: one as {@code partition@offset} ({@code 0@12}), several as a comma list
 * ({@code 0@13,1@7}), which is also the resume token of a read: per partition, the offset of the
 * next event.
 */
public final class Positions {

    /** More partitions than any topic may have: a longer token is refused before it is parsed. */
    private static final int MAX_ENTRIES = 4096;

    private Positions() {
    }

    public static String format(Position p) {
        return p.partition() + "@" + p.offset();
    }

    public static String format(Map<Integer, Long> offsets) {
        StringBuilder b = new StringBuilder(offsets.size() * 8);
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(e.getKey()).append('@').append(e.getValue());
        }
        return b.toString();
    }

    /** {@code P@O}; an {@link InvalidSpecException} naming the text otherwise. */
    public static Position parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw invalid(text);
        }
        try {
            int partition = Integer.parseInt(text.substring(0, at).trim());
            long offset = Long.parseLong(text.substring(at + 1).trim());
            if (partition < 0 || offset < 0) {
                throw invalid(text);
            }
            return new Position(partition, offset);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    /** {@code P@O[,P@O...]}, each partition at most once. */
    public static SortedMap<Integer, Long> parseList(String text) {
        String[] parts = text.split(",", MAX_ENTRIES + 1);
        if (parts.length > MAX_ENTRIES) {
            throw new InvalidSpecException("a position list names at most " + MAX_ENTRIES + " partitions");
        }
        SortedMap<Integer, Long> offsets = new TreeMap<>();
        for (String part : parts) {
            Position p = parse(part.trim());
            if (offsets.put(p.partition(), p.offset()) != null) {
                throw new InvalidSpecException("partition " + p.partition() + " appears twice in '" + abbreviate(text) + "'");
            }
        }
        return offsets;
    }

    private static InvalidSpecException invalid(String text) {
        return new InvalidSpecException("'" + abbreviate(text) + "' is not a position; write partition@offset, such as 0@12");
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
