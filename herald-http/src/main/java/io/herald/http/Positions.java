package io.herald.http;

import io.herald.broker.Position;
import io.herald.error.InvalidSpecException;
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

    /**
     * {@code P@O}, ASCII digits with optional blanks around each number (as
     * {@link io.herald.broker.StartPosition#parse} reads a list); an {@link InvalidSpecException}
     * naming the text otherwise.
     */
    public static Position parse(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            throw invalid(text);
        }
        long partition = number(text.substring(0, at).trim(), text);
        long offset = number(text.substring(at + 1).trim(), text);
        if (partition > Integer.MAX_VALUE) {
            throw invalid(text);
        }
        return new Position((int) partition, offset);
    }

    /** {@code P@O[,P@O...]}, each partition at most once. */
    public static SortedMap<Integer, Long> parseList(String text) {
        String[] parts = text.split(",", MAX_ENTRIES + 1);
        if (parts.length > MAX_ENTRIES) {
            throw new InvalidSpecException("a position list names at most " + MAX_ENTRIES + " partitions, got '"
                    + abbreviate(text) + "'");
        }
        SortedMap<Integer, Long> offsets = new TreeMap<>();
        for (String part : parts) {
            Position p;
            try {
                p = parse(part.trim());
            } catch (InvalidSpecException e) {
                if (parts.length == 1) {
                    throw e;
                }
                throw new InvalidSpecException("'" + abbreviate(part.trim()) + "' in '" + abbreviate(text)
                        + "' is not a position; write partition@offset[,partition@offset...], such as 0@12,1@7");
            }
            if (offsets.put(p.partition(), p.offset()) != null) {
                throw new InvalidSpecException("partition " + p.partition() + " appears twice in '" + abbreviate(text) + "'");
            }
        }
        return offsets;
    }

    /** A whole number of ASCII digits that fits a long; no sign (neither may be negative), no other digits. */
    private static long number(String digits, String text) {
        if (digits.isEmpty() || digits.length() > 19) {
            throw invalid(text);
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(text);
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static InvalidSpecException invalid(String text) {
        return new InvalidSpecException("'" + abbreviate(text) + "' is not a position; write partition@offset, such as 0@12");
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
