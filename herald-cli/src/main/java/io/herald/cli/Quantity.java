package io.herald.cli;

import java.util.Locale;

/** Counts as people read them: {@code 1 dead letter}, {@code 1,234 dead letters}. */
final class Quantity {

    private Quantity() {
    }

    /** The number with thousands separators and the noun, plural unless the number is 1; nouns take an {@code s}. */
    static String of(long count, String noun) {
        return number(count) + " " + noun + (count == 1 ? "" : "s");
    }

    /** {@code 1,234}, whatever the locale. */
    static String number(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }
}
